"""The dashboard's table as CSV: the same rows and columns as on screen, in UTF-8 with a
byte order mark so that Excel keeps Korean intact, and safe to open in a spreadsheet."""

import csv
import io
from collections.abc import Iterator

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.dashboards.matrix import Matrix
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


def table_rows(matrix: Matrix) -> Iterator[list[object]]:
    """The header, one row per learner, and the two per-lesson total rows."""
    header = [
        _("Learner"),
        _("Username"),
        _("Lessons done"),
        _("Done (%)"),
        _("Average best score (%)"),
        _("Last active"),
        _("Needs attention"),
    ]
    for lesson in matrix.lessons:
        header += [
            _("%(lesson)s: done") % {"lesson": lesson.title},
            _("%(lesson)s: best score (%%)") % {"lesson": lesson.title},
        ]
    yield header
    for row in matrix.rows:
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
        yield line
    lead = [""] * 6
    yield [
        _("Completion rate (%)"),
        *lead,
        *(v for t in matrix.totals for v in (t.completion_rate, "")),
    ]
    yield [
        _("Average best score (%)"),
        *lead,
        *(v for t in matrix.totals for v in ("", _blank_if_none(t.average_best))),
    ]


def csv_response(group: StudyGroup, matrix: Matrix) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in table_rows(matrix):
        writer.writerow([neutralize(value) for value in line])
    filename = "{}-{}.csv".format(
        slugify(group.name, allow_unicode=True) or "group", timezone.localdate().isoformat()
    )
    return HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
