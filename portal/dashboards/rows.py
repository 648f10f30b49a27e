"""A dashboard's rows and cells: a cell per learner and lesson (done, best quiz score) or
per section of a cohort (the share done), a row per learner with its totals and the
reasons they need attention. Cells are immutable and shared, and carry their HTML."""

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from django.utils.safestring import mark_safe

from lessons.kernel.numbers import average, passes, percent, rounded
from portal.dashboards import attention
from portal.dashboards.figures import Tally
from portal.dashboards.learners import Learner
from portal.dashboards.sections import Section
from portal.groups.scope import LessonColumn

HEAT_LEVELS = 5


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
        below_pass = best is not None and not passes(best, pass_mark)
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
    """Built once for each set of facts and shared (as Cell.of)."""
    share = percent(done, size)
    css = f"heat-{min(HEAT_LEVELS - 1, share * HEAT_LEVELS // 100)}"
    if overdue:
        css += " overdue"
    score = "" if best is None else f'<span class="cell-best">{best}</span>'
    # Classes, digits and %: nothing to escape (as Cell).
    return SectionCell(mark_safe(f'<td class="cell section-cell {css}">{share}%{score}</td>'))  # noqa: S308


def tally(cells: Sequence[Cell]) -> tuple[int, list[float]]:
    """How many of a row's or a column's cells are done, and their best scores."""
    scores = [cell.best for cell in cells if cell.best is not None]
    return sum(cell.done for cell in cells), scores


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
            attention.behind_pace(done_count, expected, learner.joined_at, now),
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
        if lesson.id in best and not passes(best[lesson.id], lesson.pass_mark)
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
    row_done, scores = tally(cells)
    return Row(
        learner=learner,
        cells=cells,
        done=row_done,
        percent_done=percent(row_done, len(shown)),
        average_best=average(scores),
        reasons=reasons,
    )
