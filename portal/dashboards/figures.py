"""What the learners of a group did on its lessons, read in a few queries grouped in SQL
whatever the group's size: per learner and lesson for the matrix (`group_cells`), per
learner and set of lessons for a cohort (`tallies`, kept while they hold: see
figure_cache.py), and the quizzes each learner is below the pass mark on."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case, CharField, Count, F, IntegerField, Max, StringAgg, Value, When
from django.db.models.functions import Cast

from lessons.kernel.numbers import best_score_percent, rounded
from lessons.models import Completion, QuizAttempt
from lessons.progress.tracking import from_db_datetime, plain_rows
from portal.dashboards import figure_cache, sql
from portal.dashboards.learners import Learner
from portal.groups.scope import LessonColumn


@dataclass
class GroupCells:
    done: dict[int, set[int]]  # learner: the lessons of the scope they have done
    best: dict[int, dict[int, float]]  # learner: {lesson: best quiz score in percent}
    last_active: dict[int, datetime]  # learner: latest completion or attempt


def group_cells(
    learners: list[Learner], lessons: list[LessonColumn], activity: bool = True
) -> GroupCells:
    """What each of `learners` did on each of `lessons`, in three queries grouped in SQL
    (two without `activity`, when the learners' last activity is known already).

    At 200 x 100 the rows are what costs: thousands of datetimes or model-shaped rows
    took longer to load than the queries took to run, so the completions come one row per
    learner and the best scores as plain tuples. The learners and lessons are already in
    hand, so they are passed as ids: subqueries cost more to build than to run here."""
    cells = GroupCells({}, defaultdict(dict), {})
    learner_ids = [learner.user_id for learner in learners]
    lesson_of_quiz = {lesson.quiz_id: lesson.id for lesson in lessons if lesson.quiz_id}
    if not learner_ids or not lessons:
        return cells
    completions = (
        Completion.objects.filter(
            user_id__in=learner_ids, lesson_id__in=[lesson.id for lesson in lessons]
        )
        .values("user_id")
        .order_by()
        .annotate(
            lessons=StringAgg(Cast("lesson_id", CharField()), Value(",")),
            last=Max("completed_at"),
        )
        .values_list("user_id", "lessons", "last")
    )
    for user_id, lesson_ids, last in completions:
        cells.done[user_id] = {int(lesson_id) for lesson_id in lesson_ids.split(",")}
        cells.last_active[user_id] = last
    if not lesson_of_quiz:
        return cells
    # Grouped by quiz, not lesson: two integer columns and no join, which matters at size.
    attempts = QuizAttempt.objects.filter(
        user_id__in=learner_ids, quiz_id__in=list(lesson_of_quiz), max_score__gt=0
    )
    best = (
        attempts.values("user_id", "quiz_id")
        .order_by()
        .annotate(best=best_score_percent())
        .values_list("user_id", "quiz_id", "best")
    )
    for user_id, quiz_id, score in plain_rows(best):
        cells.best[user_id][lesson_of_quiz[quiz_id]] = score
    if not activity:
        return cells
    last_attempts = (
        attempts.values("user_id").order_by().annotate(last=Max("submitted_at"))
    ).values_list("user_id", "last")
    for user_id, last in last_attempts:
        if user_id not in cells.last_active or last > cells.last_active[user_id]:
            cells.last_active[user_id] = last
    return cells


@dataclass(slots=True)
class Tally:
    """What one learner (or the group) did on a set of lessons."""

    done: int = 0
    attempted: int = 0  # quizzes tried
    best_sum: float = 0.0  # of the best scores, in percent
    failed: int = 0  # quizzes whose best score is below the pass mark

    def add(self, other: "Tally") -> None:
        self.done += other.done
        self.attempted += other.attempted
        self.best_sum += other.best_sum
        self.failed += other.failed

    @property
    def average_best(self) -> int | None:
        return rounded(self.best_sum / self.attempted) if self.attempted else None


_NOTHING = Tally()  # what a learner did on lessons they never touched; never changed


def _grouping(field_name: str, groups: Sequence[Iterable[int]], default: int = -1) -> Case:
    """In SQL: the index of the group of `groups` the row's `field_name` is in."""
    return Case(
        *(
            When(**{f"{field_name}__in": list(ids)}, then=Value(index))
            for index, ids in enumerate(groups)
            if ids
        ),
        default=Value(default),
        output_field=IntegerField(),
    )


@dataclass
class LearnerTallies:
    """One learner's tallies, summed once for every view that shares them."""

    per_group: list[Tally]  # by index in the groups asked for
    in_groups: Tally  # over every group
    scope_done: int  # over the whole scope (the groups and the rest)
    any_failed: bool  # a quiz of the scope below the pass mark


@dataclass
class Tallies:
    by_learner: dict[int, dict[int, Tally]] = field(default_factory=dict)  # user: {group: }
    last_active: dict[int, datetime] = field(default_factory=dict)  # completions, attempts
    groups: int = 0

    def of(self, user_id: int) -> LearnerTallies:
        """Never changed by its users (they sum into new Tallies): it is shared."""
        found = self._learners.get(user_id)
        if found is None:
            per = self.by_learner.get(user_id, {})
            groups = [per.get(index, _NOTHING) for index in range(self.groups)]
            in_groups = Tally()
            for tally in groups:
                in_groups.add(tally)
            found = self._learners[user_id] = LearnerTallies(
                groups,
                in_groups,
                sum(tally.done for tally in per.values()),
                any(tally.failed for tally in per.values()),
            )
        return found

    def __post_init__(self) -> None:
        self._learners: dict[int, LearnerTallies] = {}
        self.memo: dict = {}  # figures derived from these tallies alone


def tallies(
    learner_ids: list[int],
    scope: list[LessonColumn],
    groups: Sequence[Sequence[LessonColumn]],
    by_learner: bool = True,
    data_mark: tuple | None = None,
) -> Tallies:
    """Per learner (or, with by_learner=False, for all of them under key 0) and per group of
    lessons (index in `groups`; -1: the rest of `scope`): a Tally, in two grouped queries
    (kept while they hold, see above)."""
    result = Tallies(groups=len(groups))
    if not learner_ids or not scope:
        return result
    mark = data_mark or figure_cache.data_mark()
    key = figure_cache.cache_key(
        by_learner,
        learner_ids,
        [(lesson.id, lesson.quiz_id, lesson.pass_mark) for lesson in scope],
        [[lesson.id for lesson in group] for group in groups],
    )
    token = figure_cache.kept_since(key, mark, learner_ids, scope)
    recent = figure_cache.RECENT.get(key)
    if token is not None and recent is not None and recent[0] == token:
        return recent[1]
    rows = figure_cache.read(key) if token is not None else None
    if rows is None:
        rows = _tally_rows(learner_ids, scope, groups, by_learner)
        token = figure_cache.keep(key, rows, mark)
    completions, attempts = rows
    by_learner_tallies = result.by_learner
    last_active = result.last_active
    for user_id, part, done, last in completions:
        per = by_learner_tallies.get(user_id)
        if per is None:
            per = by_learner_tallies[user_id] = {}
        per[part] = Tally(done)
        if last_active.get(user_id, last) <= last:
            last_active[user_id] = last
    for user_id, part, count, best_sum, failed, last in attempts:
        per = by_learner_tallies.get(user_id)
        if per is None:
            per = by_learner_tallies[user_id] = {}
        found = per.get(part)
        if found is None:
            per[part] = Tally(0, count, best_sum, failed)
        else:
            found.attempted, found.best_sum, found.failed = count, best_sum, failed
        if last_active.get(user_id, last) <= last:
            last_active[user_id] = last
    if not by_learner:
        last_active.clear()
    figure_cache.remember(key, token, result)
    return result


def _tally_rows(
    learner_ids: list[int],
    scope: list[LessonColumn],
    groups: Sequence[Sequence[LessonColumn]],
    by_learner: bool,
) -> tuple[list[tuple], list[tuple]]:
    """(user, group, done, last completion) and (user, group, quizzes tried, sum of best
    scores, quizzes below the pass mark, last attempt); user 0 when not `by_learner`."""
    who = ["user_id"] if by_learner else []
    completions = [
        (row.get("user_id", 0), row["part"], row["n"], row["last"])
        for row in Completion.objects.filter(
            user_id__in=learner_ids, lesson_id__in=[lesson.id for lesson in scope]
        )
        .annotate(part=_grouping("lesson_id", [[x.id for x in g] for g in groups]))
        .values(*who, "part")
        .order_by()
        .annotate(n=Count("*"), last=Max("completed_at"))
    ]
    quizzes = [lesson for lesson in scope if lesson.quiz_id]
    if not quizzes:
        return completions, []
    marks: dict[int, list[int]] = {}
    for lesson in quizzes:
        marks.setdefault(lesson.pass_mark or 0, []).append(lesson.quiz_id)
    parts = {
        index: [lesson.quiz_id for lesson in group if lesson.quiz_id]
        for index, group in enumerate(groups)
    }
    # Best score per learner and quiz, grouped by those two alone; the quiz's part and
    # pass mark are mapped in the outer statement, over the (much fewer) grouped rows.
    best_per_quiz = (
        QuizAttempt.objects.filter(
            user_id__in=learner_ids,
            quiz_id__in=[lesson.quiz_id for lesson in quizzes],
            max_score__gt=0,
        )
        .values("user_id", "quiz_id")
        .order_by()
        .annotate(best=best_score_percent(), last=Max("submitted_at"))
    )
    inner, params = best_per_quiz.query.sql_with_params()
    attempts = [
        (user_id, part, count, float(best_sum), int(failed), from_db_datetime(last))
        for user_id, part, count, best_sum, failed, last in sql.rows(
            sql.attempts_per_part(inner, parts, marks, by_learner), params
        )
    ]
    return completions, attempts


def failed_quizzes(
    learner_ids: list[int], scope: list[LessonColumn], data_mark: tuple
) -> dict[int, list[str]]:
    """For each of `learner_ids`, the lessons of `scope` whose quiz they tried and whose
    best score, rounded half up, is below the pass mark (rows.failed_titles), in
    learning order; only those rows leave the database. Kept as the tallies are."""
    lessons = {lesson.quiz_id: lesson for lesson in scope if lesson.quiz_id}
    if not learner_ids or not lessons:
        return {}
    key = figure_cache.cache_key(
        "failed", learner_ids, [(x.quiz_id, x.pass_mark, x.title) for x in scope]
    )
    return figure_cache.kept(
        key, data_mark, learner_ids, scope, lambda: _failed_quizzes(learner_ids, scope, lessons)
    )


def _failed_quizzes(
    learner_ids: list[int], scope: list[LessonColumn], lessons: dict[int, LessonColumn]
) -> dict[int, list[str]]:
    best_per_quiz = (
        QuizAttempt.objects.filter(
            user_id__in=learner_ids, quiz_id__in=list(lessons), max_score__gt=0
        )
        .values("user_id", "quiz_id")
        .order_by()
        .annotate(pass_mark=F("quiz__pass_mark"), best=best_score_percent())
    )
    inner, params = best_per_quiz.query.sql_with_params()
    failed = {tuple(row) for row in sql.rows(sql.below_pass_mark(inner), params)}
    titles: dict[int, list[str]] = {}
    for lesson in scope:
        for user_id in learner_ids:
            if (user_id, lesson.quiz_id) in failed:
                titles.setdefault(user_id, []).append(lesson.title)
    return titles
