"""The dashboard's table as CSV: the same rows and columns as on screen, in UTF-8 with a
byte order mark so that Excel keeps Korean intact, and safe to open in a spreadsheet."""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lessons.kernel.numbers import percent, rounded
from portal.dashboards import cohort, figures, learners, rows, sections
from portal.dashboards.learners import Filters
from portal.dashboards.rows import Row
from portal.groups import pace
from portal.groups.scope import LessonColumn
from portal.models import StudyGroup

# A spreadsheet reads a cell starting with one of these as a formula (or, for tab and
# carriage return, may shift it into one).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: object) -> object:
    """Text that a spreadsheet would run as a formula, made plain text by a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _blank_if_none(value: object) -> object:
    return "" if value is None else value


# Learners whose cells are fetched and written at a time: memory stays bounded by this,
# not by the group (the whole group's summaries, one small object per learner, are held
# for the order).
CHUNK = 500
LINES_PER_WRITE = 50  # lines handed to the server at a time (a write per line costs)


@dataclass(frozen=True)
class _Named:
    """A learner as learners.sort_rows sorts them by name."""

    learner: learners.Learner


def _header(lessons: list[LessonColumn]) -> list[object]:
    header = [
        _("Learner"),
        _("Username"),
        _("Lessons done"),
        _("Done (%)"),
        _("Average best score (%)"),
        _("Last active"),
        _("Needs attention"),
    ]
    for lesson in lessons:
        header += [
            _("%(lesson)s: done") % {"lesson": lesson.title},
            _("%(lesson)s: best score (%%)") % {"lesson": lesson.title},
        ]
    return header


def _line(row: Row) -> list[object]:
    last_active = row.learner.last_active
    line = [
        row.learner.name,
        row.learner.username,
        row.done,
        row.percent_done,
        _blank_if_none(row.average_best),
        timezone.localtime(last_active).strftime("%Y-%m-%d %H:%M") if last_active else "",
        "; ".join(reason.in_full for reason in row.reasons),
    ]
    for cell in row.cells:
        line += [1 if cell.done else 0, _blank_if_none(cell.score)]
    return line


def table_rows(
    group: StudyGroup, lessons: list[LessonColumn], filters: Filters, now: datetime
) -> Iterator[list[object]]:
    """The header, one row per learner matching `filters` in their order, and the two
    per-lesson total rows. `lessons`: the group's scope; the columns are those of the
    category filter. Cells are fetched CHUNK learners at a time, as the rows are written."""
    readers = learners.group_learners(group, lessons)
    due = pace.due_dates(group, lessons)
    expected = pace.expected_done(due.values(), timezone.localdate(now)) if due else None
    shown = [lesson for lesson in lessons if filters.category in (None, lesson.category_id)]
    if filters.attention_only or filters.sort.removeprefix("-") != "name":
        # The order or the filter needs every learner's figures first.
        everything = sections.Section("all", "", tuple(shown), None)
        learner_ids = [learner.user_id for learner in readers]
        found = figures.tallies(learner_ids, lessons, [shown])
        active = learners.learners_with_activity(readers, found.last_active)
        summaries = cohort.summaries(active, found, [everything], None, expected, now)
        chosen = [summary.learner for summary in cohort.select(summaries, filters)]
    else:
        chosen = learners.sort_rows(
            [_Named(learner) for learner in readers if learners.matches(learner, filters.search)],
            filters.sort,
        )
        chosen = [named.learner for named in chosen]
    keys = [(lesson.id, lesson.pass_mark) for lesson in shown]
    done_per_lesson = [0] * len(shown)
    scores_per_lesson = [[0, 0.0] for _ in shown]  # how many, their sum
    yield _header(shown)
    for start in range(0, len(chosen), CHUNK):
        cells = figures.group_cells(chosen[start : start + CHUNK], lessons)
        for learner in learners.learners_with_activity(
            chosen[start : start + CHUNK], cells.last_active
        ):
            row = rows.learner_row(
                learner,
                cells.done.get(learner.user_id, set()),
                cells.best.get(learner.user_id, {}),
                shown, lessons, expected, now, keys,
            )  # fmt: skip
            for index, cell in enumerate(row.cells):
                done_per_lesson[index] += cell.done
                if cell.best is not None:
                    scores_per_lesson[index][0] += 1
                    scores_per_lesson[index][1] += cell.best
            yield _line(row)
    lead = [""] * 6
    yield [
        _("Completion rate (%)"),
        *lead,
        *(v for done in done_per_lesson for v in (percent(done, len(chosen)), "")),
    ]
    yield [
        _("Average best score (%)"),
        *lead,
        *(
            v
            for count, total in scores_per_lesson
            for v in ("", rounded(total / count) if count else "")
        ),
    ]


class _Echo:
    """A file whose write() hands back what it was given: csv.writer then makes one line
    at a time for the streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_response(
    group: StudyGroup, lessons: list[LessonColumn], filters: Filters, now: datetime
) -> StreamingHttpResponse:
    language = translation.get_language()

    def lines() -> Iterator[str]:
        # Written after the view has returned: in the request's language all the same.
        writer = csv.writer(_Echo())
        with translation.override(language):
            yield "\ufeff"
            rows = table_rows(group, lessons, filters, now)
            yield writer.writerow([neutralize(value) for value in next(rows)])  # titles
            batch = []
            for line in rows:
                # Past the first seven columns, only numbers and blanks: nothing to neutralize.
                batch.append(writer.writerow([*map(neutralize, line[:7]), *line[7:]]))
                if len(batch) == LINES_PER_WRITE:
                    yield "".join(batch)
                    batch = []
            yield "".join(batch)

    filename = "{}-{}.csv".format(
        slugify(group.name, allow_unicode=True) or "group", timezone.localdate().isoformat()
    )
    return StreamingHttpResponse(
        (text.encode("utf-8") for text in lines()),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
