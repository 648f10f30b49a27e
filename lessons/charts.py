"""Server-rendered SVG charts: plain numbers in, drawing coordinates out."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    height: float
    day: date
    count: int


@dataclass(frozen=True)
class ColumnChart:
    width: int
    height: int
    columns: list[Column]
    peak: int


def column_chart(
    series: list[tuple[date, int]], width: int = 600, height: int = 160
) -> ColumnChart:
    """Columns for a series of (day, count), scaled so that the highest count fills the
    chart; the template draws them with classes that follow the light or dark theme."""
    peak = max((count for _, count in series), default=0)
    slot = width / max(len(series), 1)
    columns = []
    for index, (day, count) in enumerate(series):
        bar_height = (height - 20) * count / peak if peak else 0
        columns.append(
            Column(
                x=round(index * slot + slot * 0.15, 1),
                y=round(height - 16 - bar_height, 1),
                height=round(bar_height, 1),
                day=day,
                count=count,
            )
        )
    return ColumnChart(width=width, height=height, columns=columns, peak=peak)
