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
attention, which name lessons) come from figures.group_cells for that page alone.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from lessons.kernel.numbers import percent
from portal.dashboards import attention, figure_cache
from portal.dashboards.figures import Tallies, Tally, failed_quizzes, group_cells, tallies
from portal.dashboards.learners import (
    Filters,
    Learner,
    group_learners,
    learners_with_activity,
    matches,
    sort_rows,
)
from portal.dashboards.rows import Cell, Row, SectionCell, attention_reasons
from portal.dashboards.sections import LessonTotal, Section, SectionTotal, sections_of
from portal.groups import pace
from portal.groups.scope import LessonColumn
from portal.models import StudyGroup

COHORT_LEARNERS = 50
COHORT_CELLS = 2_500
PAGE_SIZE = 50


def is_cohort(learner_count: int, lesson_count: int) -> bool:
    return learner_count > COHORT_LEARNERS or learner_count * lesson_count > COHORT_CELLS


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
    reach_out: attention.AttentionList | None = None  # whom to reach out to first

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
            or attention.is_behind(scope_done, expected, learner.joined_at, now)
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
    learners (learners.group_learners) when already fetched."""
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
    mark = figure_cache.data_mark()
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
        reach_out=attention.attention_list(
            attention.concern(
                s.learner,
                s.scope_done,
                sum(t.failed for t in found.by_learner.get(s.learner.user_id, {}).values()),
                expected,
                now,
            )
            for s in every
        ),
    )
