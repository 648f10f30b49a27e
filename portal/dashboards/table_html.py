"""The matrix's repeated parts as HTML, built in Python rather than in template loops: a
column header per lesson, a row per learner, a total per lesson.

At 200 learners x 100 lessons the template engine spent over 100 ms on these loops
(several variable lookups, a URL and two date filters per row); joined here they take a
few milliseconds. Every text that comes from the database is escaped with html.escape,
as the template engine escapes it (Django's escape() only adds a lazy-string check,
which costs here). The table's fixed parts stay in dashboards/dashboard.html.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from portal.dashboards import attention
from portal.dashboards.cohort import Cohort
from portal.dashboards.forms import query_for
from portal.dashboards.learners import Filters
from portal.dashboards.matrix import Matrix
from portal.dashboards.rows import Row
from portal.dashboards.sections import Section
from portal.groups.scope import LessonColumn

# An id no learner or lesson has, reversed once and replaced by each one's own:
# reverse() per row was the largest cost left here.
_MARKER = 987654321987654321

# How each "needs attention" reason looks (the design system's status chips).
_CHIP = attention.CHIP


@dataclass(frozen=True)
class MatrixHtml:
    lesson_headers: SafeString
    rows: SafeString
    completion_rates: SafeString
    average_bests: SafeString


def parts(group_id: int, matrix: Matrix) -> MatrixHtml:
    """The parts of `matrix` that repeat per lesson or learner, for the dashboard template."""
    lesson_url = _url_maker("groups:dashboard_lesson", group_id)
    return MatrixHtml(
        lesson_headers=_joined(_lesson_header(lesson_url, lesson) for lesson in matrix.lessons),
        rows=_rows(group_id, matrix.rows),
        completion_rates=_joined(
            f'<td class="num">{total.completion_rate}%</td>' for total in matrix.totals
        ),
        average_bests=_joined(
            f'<td class="num">{_number(total.average_best)}</td>' for total in matrix.totals
        ),
    )


@dataclass(frozen=True)
class CohortHtml:
    headers: SafeString  # a column per section, or per lesson of the opened section
    rows: SafeString


def cohort_parts(group_id: int, cohort: Cohort, filters: Filters, chart: str) -> CohortHtml:
    """The repeated parts of a cohort's page of learners."""
    if cohort.opened is not None:
        lesson_url = _url_maker("groups:dashboard_lesson", group_id)
        headers = _joined(_lesson_header(lesson_url, lesson) for lesson in cohort.opened.lessons)
    else:
        headers = _joined(
            _section_header(section, query_for(filters, chart, section=section.key))
            for section in cohort.sections
        )
    return CohortHtml(headers=headers, rows=_rows(group_id, cohort.rows))


def _section_header(section: Section, query: str) -> str:
    # A plain link that htmx follows in place (the attributes it needs are inherited
    # from the cohort's table).
    url = escape(f"?{query}")
    return (
        f'<th scope="col" class="lesson-col section-col">'
        f'<a href="{url}" hx-get="{url}">{escape(section.title)}</a></th>'
    )


def _lesson_header(url_of: Callable[[int], str], lesson: LessonColumn) -> str:
    # The whole title, written across and wrapped in a narrow column (never cut).
    return (
        f'<th scope="col" class="lesson-col">'
        f'<a href="{escape(url_of(lesson.id))}">{escape(lesson.title)}</a></th>'
    )


def _rows(group_id: int, rows: list[Row]) -> SafeString:
    """A row per learner: their totals, why they need attention, and their cells
    (Row.cells_html)."""
    learner_url = _url_maker("groups:dashboard_learner", group_id)
    dates: dict[date, str] = {}
    never = escape(gettext("never"))

    def moment_html(moment: datetime | None) -> str:
        if moment is None:
            return never
        local = timezone.localtime(moment)
        if local.date() not in dates:
            dates[local.date()] = escape(formats.date_format(local, "SHORT_DATE_FORMAT"))
        return f'<time datetime="{local.isoformat()}">{dates[local.date()]}</time>'

    return _joined(
        _row(row, escape(learner_url(row.learner.user_id)), moment_html(row.learner.last_active))
        for row in rows
    )


def _row(row: Row, url: str, last_active: str) -> str:
    reasons = "".join(
        # One line in the table: a long reason is cut there, and whole in its title.
        f'<span class="chip {_CHIP[reason.kind]} reason-{escape(reason.kind)}"'
        f' title="{escape(reason.label)}">{escape(reason.label)}</span>'
        for reason in row.reasons
    )
    return (
        "<tr>"
        f'<th scope="row" class="learner-col"><a href="{url}">{escape(row.learner.name)}</a></th>'
        f'<td class="num">{row.percent_done}% <span class="meta">({row.done})</span></td>'
        f'<td class="num">{_number(row.average_best)}</td>'
        f"<td>{last_active}</td>"
        f'<td class="attention-col">{reasons}</td>'
        f"{row.cells_html}"
        "</tr>"
    )


def _number(value: int | None) -> str:
    return "–" if value is None else str(value)


def _joined(parts) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308  (built from escaped parts)


def _url_maker(name: str, group_id: int) -> Callable[[int], str]:
    """The URL `name` of the group for any id, from one reverse()."""
    before, after = reverse(name, args=[group_id, _MARKER]).split(str(_MARKER))
    return lambda pk: f"{before}{pk}{after}"
