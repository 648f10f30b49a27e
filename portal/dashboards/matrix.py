"""A group's learner × lesson matrix: a cell per learner and lesson (done, best quiz score),
per-learner and per-lesson totals, and who needs attention.

Cells are aggregated in SQL by a fixed number of queries, whatever the group's size; the
totals are sums over those cells, so they always agree with the table they sit under.
"""

import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from django.db.models import (
    CharField,
    Max,
    OuterRef,
    StringAgg,
    Subquery,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.safestring import mark_safe

from lessons.kernel.numbers import average, best_score_percent, percent, rounded
from lessons.models import Completion, QuizAttempt, ReadingPosition
from lessons.progress.tracking import from_db_datetime, plain_rows
from portal.dashboards import attention
from portal.groups import pace
from portal.groups.scope import LessonColumn, learner_memberships
from portal.models import StudyGroup

HEAT_LEVELS = 5


@dataclass(frozen=True)
class Learner:
    user_id: int
    username: str
    name: str
    joined_at: datetime
    last_active: datetime | None  # on the group's lessons


class Cell(NamedTuple):
    done: bool
    best: float | None  # best quiz score in percent, unrounded; None: never tried
    below_pass: bool
    score: int | None  # `best` as shown
    css: str  # the heat-map band (and the below-pass mark) as classes
    text: str  # what the cell shows: ✓ when done, then the score
    html: str  # the cell's <td>

    @classmethod
    @functools.lru_cache(maxsize=4096)
    def of(cls, done: bool, best: float | None, pass_mark: int | None) -> "Cell":
        """The cell for these facts. A 200 × 100 table is made of a few hundred different
        cells, so each is built once and shared (cells are immutable)."""
        score = None if best is None else rounded(best)
        below_pass = score is not None and score < (pass_mark or 0)  # as Quiz.passes
        css = (
            "heat-none"
            if score is None
            else f"heat-{min(HEAT_LEVELS - 1, score * HEAT_LEVELS // 100)}"
        )
        if below_pass:
            css += " below-pass"
        text = "✓" if done else ""
        if score is not None:
            text = f"{text} {score}".lstrip()
        # Fixed class names, digits and ✓: nothing to escape. The row's cells are joined in
        # Python (Row.cells_html): a template loop over 20,000 cells took most of the
        # dashboard's time (about 0.4 s of 1 s for 200 x 100 in `make bench`).
        html = mark_safe(f'<td class="cell {css}">{text}</td>')  # noqa: S308
        return cls(done, best, below_pass, score, mark_safe(css), mark_safe(text), html)  # noqa: S308


@dataclass
class Row:
    learner: Learner
    cells: list[Cell]
    done: int
    percent_done: int
    average_best: int | None
    reasons: list[attention.Reason]

    @property
    def cells_html(self) -> str:
        return mark_safe("".join(cell.html for cell in self.cells))  # noqa: S308  (see Cell.of)


@dataclass(frozen=True)
class LessonTotal:
    lesson: LessonColumn
    done: int
    completion_rate: int
    attempted: int
    average_best: int | None


@dataclass(frozen=True)
class Filters:
    search: str = ""
    category: int | None = None
    sort: str = "name"
    attention_only: bool = False
    section: str = ""  # the opened section of a cohort's dashboard (cohort.Section.key)


@dataclass
class Matrix:
    lessons: list[LessonColumn]  # the columns shown (the category filter applied)
    rows: list[Row]  # the rows shown (search and "needs attention only" applied)
    totals: list[LessonTotal]
    learner_ids: list[int]  # every learner of the group
    attention_count: int  # of those, how many need attention
    scope_size: int  # lessons in the group's scope, before the category filter
    expected_now: int | None  # lessons the pace expects done by today; None: no pace
    average_done: float  # lessons of the scope done per learner, over every learner

    @property
    def learner_count(self) -> int:
        return len(self.learner_ids)


def scope_categories(lessons: list[LessonColumn]) -> list[tuple[int, str]]:
    """The categories of the scope, in learning order: the category filter's choices."""
    return list(dict.fromkeys((lesson.category_id, lesson.category_name) for lesson in lessons))


def group_learners(group: StudyGroup, lessons: list[LessonColumn]) -> list[Learner]:
    """Every learner of the group, with when they last read one of its `lessons` (the
    matrix's cells add their completions and quiz attempts), in one query."""
    last_reading = (
        ReadingPosition.objects.filter(
            user=OuterRef("user_id"), lesson_id__in=[lesson.id for lesson in lessons]
        )
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    rows = (
        learner_memberships(group)
        .annotate(last_reading=Subquery(last_reading))
        .order_by("user_id")
        .values_list("user_id", "user__username", "user__display_name", "joined_at", "last_reading")
    )
    # Straight from the cursor: a cohort's thousand rows cost more in Django's per-row
    # handling than in the database. The moments are read as the ORM would.
    return [
        Learner(
            user_id,
            username,
            display_name or username,
            from_db_datetime(joined_at),
            from_db_datetime(last_reading),
        )
        for user_id, username, display_name, joined_at, last_reading in plain_rows(rows)
    ]


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


def _tally(cells: Sequence[Cell]) -> tuple[int, list[float]]:
    """How many of a row's or a column's cells are done, and their best scores."""
    scores = [cell.best for cell in cells if cell.best is not None]
    return sum(cell.done for cell in cells), scores


def _latest(first: datetime | None, second: datetime | None) -> datetime | None:
    if first is None or (second is not None and second > first):
        return second
    return first


def matches(learner: Learner, search: str) -> bool:
    needle = search.casefold()
    return needle in learner.name.casefold() or needle in learner.username.casefold()


def sort_rows(rows: list, sort: str) -> list:
    """Rows (or anything with `learner`, `percent_done` and `average_best`) in `sort`'s
    order; ties by name."""
    rows = sorted(rows, key=_name_key)
    descending = sort.startswith("-")
    field = sort.removeprefix("-")
    if field == "progress":
        return sorted(rows, key=_progress_key, reverse=descending)
    if field == "last_active":
        return sorted(rows, key=_last_active_key, reverse=descending)
    return list(reversed(rows)) if descending else rows


def _name_key(row) -> tuple[str, str]:
    learner = row.learner
    return learner.name.casefold(), learner.username


def _progress_key(row) -> tuple[int, int]:
    return row.percent_done, -1 if row.average_best is None else row.average_best


def _last_active_key(row) -> datetime:
    # Never active sorts as the longest inactive.
    return row.learner.last_active or datetime.min.replace(tzinfo=UTC)


def attention_reasons(
    learner: Learner,
    done_count: int,
    failed_titles: list[str],
    expected: int | None,
    now: datetime,
) -> list[attention.Reason]:
    """Why `learner` needs attention (empty: they don't), over the group's whole scope."""
    return [
        reason
        for reason in (
            attention.behind_pace(done_count, expected),
            attention.inactive(learner.last_active, learner.joined_at, now),
            attention.below_pass_mark(failed_titles),
        )
        if reason
    ]


def failed_titles(best: dict[int, float], lessons: list[LessonColumn]) -> list[str]:
    """The lessons whose quiz the learner tried and whose best score is below the pass mark
    (as Quiz.passes)."""
    return [
        lesson.title
        for lesson in lessons
        if lesson.id in best and rounded(best[lesson.id]) < (lesson.pass_mark or 0)
    ]


def learner_row(
    learner: Learner,
    done: set[int],
    best: dict[int, float],
    shown: list[LessonColumn],
    scope: list[LessonColumn],
    expected: int | None,
    now: datetime,
    keys: list[tuple[int, int | None]] | None = None,
) -> Row:
    """A learner's row: a cell per lesson of `shown`, the totals over them, and the
    reasons for attention over the whole `scope`."""
    if keys is None:
        keys = [(lesson.id, lesson.pass_mark) for lesson in shown]
    reasons = attention_reasons(learner, len(done), failed_titles(best, scope), expected, now)
    cells = [Cell.of(pk in done, best.get(pk), pass_mark) for pk, pass_mark in keys]
    row_done, scores = _tally(cells)
    return Row(
        learner=learner,
        cells=cells,
        done=row_done,
        percent_done=percent(row_done, len(shown)),
        average_best=average(scores),
        reasons=reasons,
    )


def learners_with_activity(
    learners: list[Learner], last_active: dict[int, datetime]
) -> list[Learner]:
    """`learners` with their last activity: the latest of their reading (already on them)
    and `last_active` (completions and quiz attempts)."""
    # Built directly: dataclasses.replace costs several times more, a thousand times over.
    return [
        Learner(
            learner.user_id,
            learner.username,
            learner.name,
            learner.joined_at,
            _latest(learner.last_active, last_active.get(learner.user_id)),
        )
        for learner in learners
    ]


def build_matrix(
    group: StudyGroup,
    lessons: list[LessonColumn],
    filters: Filters,
    now: datetime,
    readers: list[Learner] | None = None,
) -> Matrix:
    """The dashboard's table for `filters`. `lessons` is the group's whole scope
    (scope_lessons); "needs attention" always looks at the whole scope, the columns and
    totals only at the lessons of the filtered category."""
    if readers is None:
        readers = group_learners(group, lessons)
    cells_of_group = group_cells(readers, lessons)
    learners = learners_with_activity(readers, cells_of_group.last_active)
    due = pace.due_dates(group, lessons)
    expected = pace.expected_done(due.values(), timezone.localdate(now)) if due else None
    shown = [lesson for lesson in lessons if filters.category in (None, lesson.category_id)]
    keys = [(lesson.id, lesson.pass_mark) for lesson in shown]  # for the 20,000-cell loop

    rows = []
    total_done = 0
    attention_count = 0
    for learner in learners:
        done = cells_of_group.done.get(learner.user_id, set())
        total_done += len(done)
        row = learner_row(
            learner, done, cells_of_group.best.get(learner.user_id, {}), shown, lessons,
            expected, now, keys,
        )  # fmt: skip
        attention_count += bool(row.reasons)
        if filters.search and not matches(learner, filters.search):
            continue
        if filters.attention_only and not row.reasons:
            continue
        rows.append(row)

    totals = []
    columns = list(zip(*(row.cells for row in rows), strict=True)) or [()] * len(shown)
    for lesson, column in zip(shown, columns, strict=True):
        lesson_done, scores = _tally(column)
        totals.append(
            LessonTotal(
                lesson=lesson,
                done=lesson_done,
                completion_rate=percent(lesson_done, len(rows)),
                attempted=len(scores),
                average_best=average(scores),
            )
        )
    return Matrix(
        lessons=shown,
        rows=sort_rows(rows, filters.sort),
        totals=totals,
        learner_ids=[learner.user_id for learner in learners],
        attention_count=attention_count,
        scope_size=len(lessons),
        expected_now=expected,
        average_done=total_done / len(learners) if learners else 0.0,
    )
