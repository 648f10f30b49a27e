"""Progress over time: a group's lessons done per day or week beside what its pace
expects (drawn by lessons.kernel.charts)."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from lessons.kernel.charts import Period
from lessons.models import Completion

UNITS = {"week": (7, 12), "day": (1, 30)}  # unit: (days per period, periods shown)


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
