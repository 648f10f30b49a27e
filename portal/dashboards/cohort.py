"""A cohort's dashboard: for a group too large for the learner × lesson matrix, a summary
per section (a week of the pace, or a category in parts of at most SECTION_SIZE lessons)
first, and the learners a page at a time, with a cell per section, or per lesson of the
section the instructor opened.

A group is a cohort above COHORT_LEARNERS learners or COHORT_CELLS cells: up to there the
whole matrix is small enough to scan and to render (50 × 50 takes about 25 ms); beyond,
a thousand learners × two hundred lessons made a 7.6 MB page that no one can read.

Every learner's figures per section come from two queries grouped in SQL by learner and
section (completions; best quiz score per quiz, folded per section), a few thousand rows
whatever the number of cells; sorting, filtering and "needs attention" then work on one
small summary per learner. The cells of the page's learners (and the reasons they need
attention, which name lessons) come from matrix.group_cells for that page alone.
"""

import functools
import hashlib
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Max, Value, When
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from lessons.kernel.numbers import best_score_percent, percent, rounded
from lessons.models import Completion, QuizAttempt
from lessons.progress.tracking import from_db_datetime
from portal.dashboards import attention
from portal.dashboards.matrix import (
    HEAT_LEVELS,
    Cell,
    Filters,
    Learner,
    Row,
    attention_reasons,
    group_cells,
    group_learners,
    learners_with_activity,
    matches,
    sort_rows,
)
from portal.groups import pace
from portal.groups.scope import LessonColumn
from portal.models import StudyGroup

COHORT_LEARNERS = 50
COHORT_CELLS = 2_500
PAGE_SIZE = 50
SECTION_SIZE = 20  # lessons; a larger category is split into parts


def is_cohort(learner_count: int, lesson_count: int) -> bool:
    return learner_count > COHORT_LEARNERS or learner_count * lesson_count > COHORT_CELLS


@dataclass(frozen=True)
class Section:
    key: str  # stable across filters: "w3" (week 3 of the pace), "c12-1" (category 12, part 1)
    title: str
    lessons: tuple[LessonColumn, ...]
    due: date | None  # by when all its lessons are due; None: no pace or not all dated


def sections_of(group: StudyGroup, lessons: list[LessonColumn], due: dict) -> list[Section]:
    """`lessons` (in learning order) in sections: the weeks of a weekly pace, otherwise
    the categories, split in parts of SECTION_SIZE lessons."""
    if group.pace == StudyGroup.Pace.WEEKLY and due and group.pace_start:
        weeks: dict[date, list[LessonColumn]] = {}
        for lesson in lessons:
            weeks.setdefault(due[lesson.id], []).append(lesson)
        return [
            Section(
                f"w{(day - group.pace_start).days // 7 + 1}",
                _("Week %(n)d") % {"n": (day - group.pace_start).days // 7 + 1},
                tuple(members),
                day,
            )
            for day, members in weeks.items()
        ]
    categories: dict[tuple[int, str], list[LessonColumn]] = {}
    for lesson in lessons:
        categories.setdefault((lesson.category_id, lesson.category_name), []).append(lesson)
    sections = []
    for (category_id, name), members in categories.items():
        parts = [members[n : n + SECTION_SIZE] for n in range(0, len(members), SECTION_SIZE)]
        for number, part in enumerate(parts, 1):
            first = (number - 1) * SECTION_SIZE + 1
            title = (
                name
                if len(parts) == 1
                else _("%(category)s, lessons %(first)d–%(last)d")
                % {"category": name, "first": first, "last": first + len(part) - 1}
            )
            dates = [due.get(lesson.id) for lesson in part]
            sections.append(
                Section(
                    f"c{category_id}-{number}",
                    title,
                    tuple(part),
                    max(dates) if dates and all(dates) else None,
                )
            )
    return sections


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


# The two grouped queries read every completion and quiz attempt of the group (about
# 200,000 rows at 1,000 learners x 200 lessons): their results are kept for a minute, the
# time the matrix itself takes to refresh, under a key of the learners, the lessons and
# their sections, with the newest completion and attempt of the portal when they were
# built (the data mark). While newer ones exist but none is by these learners on these
# lessons (one look at the rows added since), the kept figures stand: another group's
# busy evening does not make this one's dashboard work them out again. A lesson done or
# a quiz taken by one of them shows at once, in every worker; a completion undone shows
# within the minute (a post_delete receiver would catch it at once, but it would cost
# "mark done" a query on every undo).
CACHE_SECONDS = 60


def _data_mark() -> tuple:
    """The newest completion and quiz attempt, in one query (each read from its key)."""
    tables = [
        connection.ops.quote_name(model._meta.db_table) for model in (Completion, QuizAttempt)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {tables[0]}), (SELECT MAX(id) FROM {tables[1]})"  # noqa: S608
        )
        return cursor.fetchone()


def _activity_since(
    kept: tuple, mark: tuple, learner_ids: list[int], scope: list[LessonColumn]
) -> bool:
    """Whether a completion or quiz attempt added after the data mark `kept`, up to
    `mark`, is by one of `learner_ids` on a lesson of `scope`: only the rows added since
    are looked at (a range of the primary key). A newest row gone since (undone) may
    have been theirs: that counts too."""
    (kept_done, kept_tried), (done, tried) = kept, mark
    for newest, then in ((done, kept_done), (tried, kept_tried)):
        if then is not None and (newest is None or newest < then):
            return True
    if done is not None and done != kept_done:
        completions = Completion.objects.filter(
            pk__gt=kept_done or 0,
            pk__lte=done,
            user_id__in=learner_ids,
            lesson_id__in=[lesson.id for lesson in scope],
        )
        if completions.exists():
            return True
    quizzes = [lesson.quiz_id for lesson in scope if lesson.quiz_id]
    if tried is not None and tried != kept_tried and quizzes:
        attempts = QuizAttempt.objects.filter(
            pk__gt=kept_tried or 0, pk__lte=tried, user_id__in=learner_ids, quiz_id__in=quizzes
        )
        return attempts.exists()
    return False


def _kept_since(key: str, mark: tuple, learner_ids: list[int], scope: list[LessonColumn]):
    """When the figures kept under `key` were built (their token), if they still hold at
    the data mark `mark`; None when they must be built again."""
    state = cache.get(f"{key}:state")
    if state is None:
        return None
    built_at, kept = state
    if kept == mark:
        return built_at
    remaining = CACHE_SECONDS - (time.time() - built_at)
    if remaining < 1 or _activity_since(kept, mark, learner_ids, scope):
        return None
    cache.set(f"{key}:state", (built_at, mark), remaining)  # checked up to here
    return built_at


def _keep(key: str, value, mark: tuple) -> float:
    """Keep `value` under `key`, built at the data mark `mark`; its token."""
    built_at = time.time()
    cache.set_many({key: value, f"{key}:state": (built_at, mark)}, CACHE_SECONDS)
    return built_at


def _kept(key: str, mark: tuple, learner_ids: list[int], scope: list[LessonColumn], build):
    """The value kept under `key` while it holds (see above), else `build()`'s, kept."""
    if _kept_since(key, mark, learner_ids, scope) is not None:
        found = cache.get(key)
        if found is not None:
            return found
    found = build()
    _keep(key, found, mark)
    return found


# The last few tallies built, in this process, as they are read (a page of a cohort reads
# them again and again as its instructor scrolls and opens weeks): neither unpickled from
# the cache nor summed again. Each is used only while the cache holds the rows it was
# built from (the same token): another worker may have built them again since.
_RECENT: dict[str, tuple[float, "Tallies"]] = {}
_RECENT_SIZE = 8


def _remember(key: str, token: float, built: "Tallies") -> None:
    if key not in _RECENT and len(_RECENT) >= _RECENT_SIZE:
        del _RECENT[min(_RECENT, key=lambda k: _RECENT[k][0])]
    _RECENT[key] = (token, built)


def _cache_key(*parts) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"dashboards:tallies:{digest}"


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
    mark = data_mark or _data_mark()
    key = _cache_key(
        by_learner,
        learner_ids,
        [(lesson.id, lesson.quiz_id, lesson.pass_mark) for lesson in scope],
        [[lesson.id for lesson in group] for group in groups],
    )
    token = _kept_since(key, mark, learner_ids, scope)
    recent = _RECENT.get(key)
    if token is not None and recent is not None and recent[0] == token:
        return recent[1]
    rows = cache.get(key) if token is not None else None
    if rows is None:
        rows = _tally_rows(learner_ids, scope, groups, by_learner)
        token = _keep(key, rows, mark)
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
    _remember(key, token, result)
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
    pass_marks: dict[int, list[int]] = {}
    for lesson in quizzes:
        pass_marks.setdefault(lesson.pass_mark or 0, []).append(lesson.quiz_id)
    # Best score per learner and quiz, grouped by those two alone; the quiz's group and
    # pass mark are mapped in the outer query, over the (much fewer) grouped rows.
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
    sql, params = best_per_quiz.query.sql_with_params()
    # Only integers from the database are written into the SQL (ids, pass marks).
    part = " ".join(
        f"WHEN quiz_id IN ({', '.join(str(int(x.quiz_id)) for x in group if x.quiz_id)}) "
        f"THEN {index}"
        for index, group in enumerate(groups)
        if any(x.quiz_id for x in group)
    )
    mark = " ".join(
        f"WHEN quiz_id IN ({', '.join(str(int(quiz)) for quiz in quizzes_of)}) THEN {int(value)}"
        for value, quizzes_of in pass_marks.items()
    )
    user = "user_id" if by_learner else "0"
    # The best score rounded half up (lessons.kernel.numbers.rounded) before it meets the pass
    # mark, as Quiz.passes does.
    query = (
        f"SELECT {user}, part, COUNT(*), SUM(best), "  # noqa: S608
        "SUM(CASE WHEN FLOOR(best + 0.5) < mark THEN 1 ELSE 0 END), MAX(last) "
        f"FROM (SELECT user_id, CASE {part or 'WHEN 1 = 0 THEN 0'} ELSE -1 END AS part, "
        f"CASE {mark} ELSE 0 END AS mark, best, last FROM ({sql}) best_per_quiz) scored "
        f"GROUP BY {'user_id, part' if by_learner else 'part'}"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        attempts = [
            (user_id, part, count, float(best_sum), int(failed), from_db_datetime(last))
            for user_id, part, count, best_sum, failed, last in cursor.fetchall()
        ]
    return completions, attempts


@dataclass
class Summary:
    """One learner on a cohort's dashboard, before their cells are fetched."""

    learner: Learner
    per_section: list[Tally]  # per section shown
    focus: Tally  # over the lessons on screen (the opened section, or every section shown)
    percent_done: int
    average_best: int | None
    scope_done: int
    needs_attention: bool


@dataclass(frozen=True)
class SectionTotal:
    section: Section
    completion_rate: int
    average_best: int | None
    finished: int  # learners who did every lesson of it
    overdue: bool


@dataclass(frozen=True)
class LessonTotal:
    lesson: LessonColumn
    completion_rate: int
    attempted: int
    average_best: int | None


@dataclass
class Cohort:
    sections: list[Section]  # the sections shown (the category filter applied)
    opened: Section | None
    section_totals: list[SectionTotal]
    lesson_totals: list[LessonTotal]  # of the opened section
    summaries: list[Summary]  # every learner matching the filters, sorted
    rows: list[Row]  # the page's
    page: int
    pages: int
    learner_count: int
    attention_count: int
    learner_ids: list[int]
    scope_size: int
    expected_now: int | None
    average_done: float

    @property
    def first_shown(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last_shown(self) -> int:
        return (self.page - 1) * PAGE_SIZE + len(self.rows)

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None

    @property
    def previous_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None


def summaries(
    learners: list[Learner],
    found: Tallies,
    sections: list[Section],
    opened: int | None,
    expected: int | None,
    now: datetime,
) -> list[Summary]:
    """A summary per learner; `opened`: the index of the opened section in `sections`."""
    focus_size = sum(
        len(section.lessons) for index, section in enumerate(sections) if opened in (None, index)
    )
    result = []
    for learner in learners:
        mine = found.of(learner.user_id)
        focus = mine.in_groups if opened is None else mine.per_group[opened]
        scope_done = mine.scope_done
        needs_attention = bool(
            mine.any_failed
            or attention.is_behind(scope_done, expected)
            or attention.is_inactive(learner.last_active, learner.joined_at, now)
        )
        result.append(
            Summary(
                learner=learner,
                per_section=mine.per_group,
                focus=focus,
                percent_done=percent(focus.done, focus_size),
                average_best=focus.average_best,
                scope_done=scope_done,
                needs_attention=needs_attention,
            )
        )
    return result


def select(all_summaries: list[Summary], filters: Filters) -> list[Summary]:
    """The summaries matching the search and "needs attention only", in the sort's order."""
    chosen = [
        summary
        for summary in all_summaries
        if (not filters.search or matches(summary.learner, filters.search))
        and (not filters.attention_only or summary.needs_attention)
    ]
    return sort_rows(chosen, filters.sort)


class SectionCell(NamedTuple):
    """A learner's cell for a section: the share of its lessons done (the colour band), the
    average best score under it, and a dotted outline when it is due and not finished."""

    html: str

    @classmethod
    def of(cls, tally: Tally, section: Section, today: date) -> "SectionCell":
        overdue = bool(section.due and section.due < today and tally.done < len(section.lessons))
        return _section_cell(tally.done, len(section.lessons), tally.average_best, overdue)


@functools.lru_cache(maxsize=4096)
def _section_cell(done: int, size: int, best: int | None, overdue: bool) -> SectionCell:
    """Built once for each set of facts and shared (as matrix.Cell.of)."""
    share = percent(done, size)
    css = f"heat-{min(HEAT_LEVELS - 1, share * HEAT_LEVELS // 100)}"
    if overdue:
        css += " overdue"
    score = "" if best is None else f'<span class="cell-best">{best}</span>'
    # Classes, digits and %: nothing to escape (as matrix.Cell).
    return SectionCell(mark_safe(f'<td class="cell section-cell {css}">{share}%{score}</td>'))  # noqa: S308


def section_totals(
    sections: list[Section], all_summaries: list[Summary], today: date, found: Tallies
) -> list[SectionTotal]:
    """The group's figures per section, over every learner (`all_summaries`, whose
    tallies come from `found`): worked out once per `found`, which is shared while its
    figures hold (see tallies)."""
    key = ("section_totals", tuple(sections), today)
    if key not in found.memo:
        found.memo[key] = _section_totals(sections, all_summaries, today)
    return found.memo[key]


def _section_totals(
    sections: list[Section], all_summaries: list[Summary], today: date
) -> list[SectionTotal]:
    totals = []
    for index, section in enumerate(sections):
        group = Tally()
        finished = 0
        for summary in all_summaries:
            tally = summary.per_section[index]
            group.add(tally)
            finished += tally.done >= len(section.lessons)
        totals.append(
            SectionTotal(
                section=section,
                completion_rate=percent(group.done, len(section.lessons) * len(all_summaries)),
                average_best=group.average_best,
                finished=finished,
                overdue=bool(section.due and section.due < today),
            )
        )
    return totals


def lesson_totals(learner_ids: list[int], section: Section, data_mark: tuple) -> list[LessonTotal]:
    """The group's completion rate and average best score for each lesson of `section`."""
    lessons = list(section.lessons)
    found = tallies(learner_ids, lessons, [[x] for x in lessons], False, data_mark)
    per = found.by_learner.get(0, {})
    return [
        LessonTotal(
            lesson=lesson,
            completion_rate=percent(per.get(index, Tally()).done, len(learner_ids)),
            attempted=per.get(index, Tally()).attempted,
            average_best=per.get(index, Tally()).average_best,
        )
        for index, lesson in enumerate(lessons)
    ]


def failed_quizzes(
    learner_ids: list[int], scope: list[LessonColumn], data_mark: tuple
) -> dict[int, list[str]]:
    """For each of `learner_ids`, the lessons of `scope` whose quiz they tried and whose
    best score, rounded half up, is below the pass mark (matrix.failed_titles), in
    learning order; only those rows leave the database. Kept as the tallies are."""
    lessons = {lesson.quiz_id: lesson for lesson in scope if lesson.quiz_id}
    if not learner_ids or not lessons:
        return {}
    key = _cache_key("failed", learner_ids, [(x.quiz_id, x.pass_mark, x.title) for x in scope])
    return _kept(
        key, data_mark, learner_ids, scope, lambda: _failed_quizzes(learner_ids, scope, lessons)
    )


def _failed_quizzes(
    learner_ids: list[int], scope: list[LessonColumn], lessons: dict[int, LessonColumn]
) -> dict[int, list[str]]:
    # rounded(best) < mark, for a whole mark, is best + 0.5 < mark.
    failed = set(
        QuizAttempt.objects.filter(
            user_id__in=learner_ids, quiz_id__in=list(lessons), max_score__gt=0
        )
        .values("user_id", "quiz_id", "quiz__pass_mark")
        .order_by()
        .annotate(best=best_score_percent())
        .filter(best__lt=F("quiz__pass_mark") - 0.5)
        .values_list("user_id", "quiz_id")
    )
    titles: dict[int, list[str]] = {}
    for lesson in scope:
        for user_id in learner_ids:
            if (user_id, lesson.quiz_id) in failed:
                titles.setdefault(user_id, []).append(lesson.title)
    return titles


def page_rows(
    page: list[Summary],
    scope: list[LessonColumn],
    sections: list[Section],
    opened: Section | None,
    expected: int | None,
    now: datetime,
    data_mark: tuple,
) -> list[Row]:
    """The rows of the page's learners: a cell per section, or per lesson of `opened`
    (whose cells alone are fetched)."""
    learners = [summary.learner for summary in page]
    failed = failed_quizzes([learner.user_id for learner in learners], scope, data_mark)
    if opened is not None:
        # Their last activity is the tallies' (on the whole scope), already on them.
        cells = group_cells(learners, list(opened.lessons), activity=False)
        keys = [(lesson.id, lesson.pass_mark) for lesson in opened.lessons]
    today = timezone.localdate(now)
    rows = []
    for summary in page:
        learner = summary.learner
        if opened is None:
            row_cells = [
                SectionCell.of(tally, section, today)
                for tally, section in zip(summary.per_section, sections, strict=True)
            ]
        else:
            done = cells.done.get(learner.user_id, set())
            best = cells.best.get(learner.user_id, {})
            row_cells = [Cell.of(pk in done, best.get(pk), mark) for pk, mark in keys]
        rows.append(
            Row(
                learner=learner,
                cells=row_cells,
                done=summary.focus.done,
                percent_done=summary.percent_done,
                average_best=summary.average_best,
                reasons=attention_reasons(
                    learner, summary.scope_done, failed.get(learner.user_id, []), expected, now
                ),
            )
        )
    return rows


def build_cohort(
    group: StudyGroup,
    lessons: list[LessonColumn],
    filters: Filters,
    page: int,
    now: datetime,
    readers: list[Learner] | None = None,
) -> Cohort:
    """The cohort's dashboard for `filters` and `page` (1-based; out of range: the nearest
    page). `lessons`: the group's whole scope (scope.scope_lessons); `readers`: its
    learners (matrix.group_learners) when already fetched."""
    if readers is None:
        readers = group_learners(group, lessons)
    due = pace.due_dates(group, lessons)
    today = timezone.localdate(now)
    expected = pace.expected_done(due.values(), today) if due else None
    shown = [lesson for lesson in lessons if filters.category in (None, lesson.category_id)]
    sections = sections_of(group, shown, due)
    keys = [section.key for section in sections]
    opened_index = keys.index(filters.section) if filters.section in keys else None
    opened = None if opened_index is None else sections[opened_index]
    learner_ids = [learner.user_id for learner in readers]
    mark = _data_mark()
    found = tallies(learner_ids, lessons, [section.lessons for section in sections], True, mark)
    learners = learners_with_activity(readers, found.last_active)
    every = summaries(learners, found, sections, opened_index, expected, now)
    chosen = select(every, filters)
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    on_page = chosen[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return Cohort(
        sections=sections,
        opened=opened,
        section_totals=section_totals(sections, every, today, found),
        lesson_totals=lesson_totals(learner_ids, opened, mark) if opened else [],
        summaries=chosen,
        rows=page_rows(on_page, lessons, sections, opened, expected, now, mark),
        page=page,
        pages=pages,
        learner_count=len(learners),
        attention_count=sum(summary.needs_attention for summary in every),
        learner_ids=learner_ids,
        scope_size=len(lessons),
        expected_now=expected,
        average_done=sum(s.scope_done for s in every) / len(every) if every else 0.0,
    )
