"""A group's learner × lesson matrix: a cell per learner and lesson (done, best quiz score),
per-learner and per-lesson totals, and who needs attention.

Cells are aggregated in SQL by a fixed number of queries, whatever the group's size; the
totals are sums over those cells, so they always agree with the table they sit under.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from lessons.kernel.numbers import average, percent
from portal.dashboards import attention
from portal.dashboards.figures import group_cells
from portal.dashboards.learners import (
    Filters,
    Learner,
    group_learners,
    learners_with_activity,
    matches,
    sort_rows,
)
from portal.dashboards.rows import Row, learner_row, tally
from portal.groups import pace
from portal.groups.scope import LessonColumn
from portal.models import StudyGroup


@dataclass(frozen=True)
class LessonTotal:
    lesson: LessonColumn
    done: int
    completion_rate: int
    attempted: int
    average_best: int | None


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
    reach_out: attention.AttentionList | None = None  # whom to reach out to first

    @property
    def learner_count(self) -> int:
        return len(self.learner_ids)


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

    rows, concerns = [], []
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
        failed = attention.failed_count(row.reasons)
        concerns.append(attention.concern(learner, len(done), failed, expected, now))
        if filters.search and not matches(learner, filters.search):
            continue
        if filters.attention_only and not row.reasons:
            continue
        rows.append(row)

    totals = []
    columns = list(zip(*(row.cells for row in rows), strict=True)) or [()] * len(shown)
    for lesson, column in zip(shown, columns, strict=True):
        lesson_done, scores = tally(column)
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
        reach_out=attention.attention_list(concerns),
    )
