"""Progress over time: a group's lessons done per day or week beside what its pace
expects, as numbers and as the geometry of a server-rendered SVG chart."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from lessons.models import Completion

UNITS = {"week": (7, 12), "day": (1, 30)}  # unit: (days per period, periods shown)


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    done: int
    expected: int | None  # lessons the pace schedules in the period, for every learner


def periods_until(today: date, unit: str) -> list[tuple[date, date]]:
    """The last periods up to today: whole weeks from Monday, or days."""
    length, count = UNITS[unit]
    last_start = today - timedelta(days=today.weekday()) if unit == "week" else today
    starts = [last_start - timedelta(days=length * n) for n in range(count - 1, -1, -1)]
    return [(start, start + timedelta(days=length - 1)) for start in starts]


def done_per_day(learners: Iterable[int], lessons: Iterable[int], since: date) -> dict[date, int]:
    """Completions per local day by `learners` (user ids) of `lessons` (lesson ids),
    counted in SQL."""
    start = timezone.make_aware(datetime.combine(since, time.min))
    rows = (
        Completion.objects.filter(
            user_id__in=learners, lesson_id__in=lessons, completed_at__gte=start
        )
        .annotate(day=TruncDate("completed_at"))
        .values("day")
        .order_by()
        .annotate(n=Count("*"))
        .values_list("day", "n")
    )
    return dict(rows)


def progress_over_time(
    *,
    learners: Iterable[int],
    lessons: Iterable[int],
    due: Iterable[date] | None,
    learner_count: int,
    unit: str,
    today: date,
) -> list[Period]:
    """Lessons done per period, and how many the pace (`due`: the due date of each lesson;
    None without a pace) schedules in it for all `learner_count` learners."""
    spans = periods_until(today, unit)
    per_day = done_per_day(learners, lessons, spans[0][0])
    due_days = list(due) if due is not None else None
    periods = []
    for start, end in spans:
        done = sum(n for day, n in per_day.items() if start <= day <= end)
        expected = (
            None
            if due_days is None
            else learner_count * sum(1 for day in due_days if start <= day <= end)
        )
        periods.append(Period(start, end, done, expected))
    return periods


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    period: Period
    pace_y: float | None  # where the pace's mark sits, None without a pace

    @property
    def right(self) -> float:
        return round(self.x + self.width, 1)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    baseline: float
    columns: list[Column]
    peak: int
    has_pace: bool


def column_chart(periods: list[Period], width: int = 640, height: int = 200) -> Chart:
    """Columns for lessons done and a mark for the pace in each period, on one scale."""
    peak = max(
        [p.done for p in periods] + [p.expected for p in periods if p.expected is not None],
        default=0,
    )
    baseline = height - 18
    usable = baseline - 8
    slot = width / max(len(periods), 1)

    def y_of(value: int) -> float:
        return round(baseline - (usable * value / peak if peak else 0), 1)

    columns = [
        Column(
            x=round(index * slot + slot * 0.15, 1),
            y=y_of(period.done),
            width=round(slot * 0.7, 1),
            height=round(baseline - y_of(period.done), 1),
            period=period,
            pace_y=None if period.expected is None else y_of(period.expected),
        )
        for index, period in enumerate(periods)
    ]
    return Chart(
        width=width,
        height=height,
        baseline=baseline,
        columns=columns,
        peak=peak,
        has_pace=any(p.expected is not None for p in periods),
    )
