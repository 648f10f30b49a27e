"""A learner's streak: days in a row, in their own time zone, on which they did a lesson,
submitted a quiz or answered a review. The today screen shows it and the evening reminder
warns when it is about to break; both count it here."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo

from django.utils import timezone

from lessons.models import Completion, QuizAttempt, Review
from lessons.progress.tracking import from_db_datetime

# A streak of more than a year is counted as a year: every day back is read to count it.
STREAK_LOOKBACK_DAYS = 366


def activity_days(
    user_ids: Iterable[int], zones: dict[int, tzinfo], today: date, lookback_days: int
) -> dict[int, set[date]]:
    """The local days (in each learner's zone) on which each learner did a lesson, took a
    quiz or answered a review, over the last `lookback_days` days: one query for all."""
    user_ids = list(user_ids)
    earliest_zone_start = min(
        (datetime.combine(today - timedelta(days=lookback_days), time.min, zone) for zone in
         zones.values()),
        default=timezone.now(),
    )  # fmt: skip
    since = {"user_id__in": user_ids}
    moments = (
        Completion.objects.filter(**since, completed_at__gte=earliest_zone_start)
        .values_list("user_id", "completed_at")
        .order_by()
        .union(
            QuizAttempt.objects.filter(**since, submitted_at__gte=earliest_zone_start)
            .values_list("user_id", "submitted_at")
            .order_by(),
            Review.objects.filter(**since, submitted_at__gte=earliest_zone_start)
            .values_list("user_id", "submitted_at")
            .order_by(),
            all=True,
        )
    )
    days: dict[int, set[date]] = {user_id: set() for user_id in user_ids}
    for user_id, moment in moments:
        days[user_id].add(from_db_datetime(moment).astimezone(zones[user_id]).date())
    return days


def streak_from(days: set[date], today: date) -> int:
    """Days in a row with something done, up to today; a streak that reached yesterday
    still counts today until the day is over (it is "about to break", not broken)."""
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def streak_days(user, tz: tzinfo, today: date) -> int:
    """How many days in a row, in the learner's time zone `tz`, they have done a lesson,
    submitted a quiz or answered a review, up to `today` (or yesterday, while today is
    still open): one query."""
    if not user.is_authenticated:
        return 0
    days = activity_days([user.pk], {user.pk: tz}, today, STREAK_LOOKBACK_DAYS)
    return streak_from(days[user.pk], today)
