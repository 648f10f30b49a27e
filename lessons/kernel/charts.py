"""The portal's one column chart: counts per day or week (and, for a group with a pace,
what the pace schedules) in, the geometry of a server-rendered SVG out, drawn by
templates/_chart.html with a y axis and the same numbers as a table."""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

MAX_X_LABELS = 6
MAX_Y_STEPS = 4


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    done: int
    expected: int | None = None  # what the pace schedules in the period; None: no pace


def days(series: Iterable[tuple[date, int]]) -> list[Period]:
    """A (day, count) series as one-day periods."""
    return [Period(day, day, count) for day, count in series]


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    period: Period
    pace_y: float | None  # where the pace's mark sits; None without a pace
    label_x: float | None  # where its date is written under the axis; None: not written
    label_anchor: str  # "middle", or "end" for the last, so that it stays in the chart

    @property
    def right(self) -> float:
        return round(self.x + self.width, 1)


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float  # the y axis; its labels sit to the left of it
    right: float
    top: float
    baseline: float
    label_y: float  # the baseline of the dates under the axis
    columns: list[Column]
    ticks: list[Tick]
    peak: int
    has_pace: bool

    @property
    def tick_label_x(self) -> float:
        return self.left - 4

    @property
    def rows(self) -> list[Period]:
        """The periods with something to say, for the table beside the chart."""
        return [c.period for c in self.columns if c.period.done or c.period.expected]


def tick_step(peak: int, most: int = MAX_Y_STEPS) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50… that reaches `peak` in at most `most` steps."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            if peak <= factor * magnitude * most:
                return factor * magnitude
        magnitude *= 10


def column_chart(
    periods: list[Period],
    width: int = 480,
    height: int = 200,
    *,
    margin_left: int = 34,
    margin_right: int = 6,
    margin_top: int = 10,
    margin_bottom: int = 22,
) -> Chart:
    """Columns for lessons done and a mark for the pace in each period, on one scale whose
    top is a round number with a few labelled ticks. Every few columns (always the last)
    get their date under the axis; the last is anchored at its end so it is never cut.
    480 units wide: the labels stay legible when a phone draws the chart 350 px wide."""
    peak = max(
        [p.done for p in periods] + [p.expected for p in periods if p.expected is not None],
        default=0,
    )
    step = tick_step(peak)
    scale_top = max(step * math.ceil(peak / step), step)
    left, right = margin_left, width - margin_right
    top, baseline = margin_top, height - margin_bottom
    slot = (right - left) / max(len(periods), 1)
    every = math.ceil(len(periods) / MAX_X_LABELS) or 1

    def y_of(value: int) -> float:
        return round(baseline - (baseline - top) * value / scale_top, 1)

    columns = []
    for index, period in enumerate(periods):
        x = left + index * slot + slot * 0.15
        column_width = slot * 0.7
        last = index == len(periods) - 1
        labelled = (len(periods) - 1 - index) % every == 0
        columns.append(
            Column(
                x=round(x, 1),
                y=y_of(period.done),
                width=round(column_width, 1),
                height=round(baseline - y_of(period.done), 1),
                period=period,
                pace_y=None if period.expected is None else y_of(period.expected),
                label_x=None
                if not labelled
                else round(x + column_width if last else x + column_width / 2, 1),
                label_anchor="end" if last else "middle",
            )
        )
    return Chart(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        baseline=baseline,
        label_y=height - 6,
        columns=columns,
        ticks=[Tick(value, y_of(value)) for value in range(0, scale_top + 1, step)],
        peak=peak,
        has_pace=any(p.expected is not None for p in periods),
    )


@dataclass(frozen=True)
class PercentBar:
    label: str
    percent: int | None  # None: nothing to draw (too few answers), said in `value_text`
    value_text: str
    extra: object = None  # what the page shows under the bar (e.g. lessons to train)


@dataclass(frozen=True)
class PercentBars:
    bars: list[PercentBar]
    mark: int | None  # a reference line on the 0–100 scale (a pass mark), or None
    mark_label: str


def percent_bars(
    rows: list[tuple], *, mark: int | None = None, mark_label: str = ""
) -> PercentBars:
    """One bar per (label, percent, value text[, extra]) on a 0–100 scale, with an optional
    reference line across all of them. Drawn by templates/lessons/exams/_percent_bars.html:
    the words are HTML (they wrap on a phone), each bar a small SVG on the same scale."""
    return PercentBars([PercentBar(*row) for row in rows], mark, mark_label)
