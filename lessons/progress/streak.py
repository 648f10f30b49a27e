"""The streak: days in a row, in the learner's own time zone, on which they did a lesson,
submitted a quiz or answered a review. One query however long the streak (a year at most).

The time zone is the caller's to give (`lessons` knows no preferences): the portal passes
the learner's chosen zone, so a lesson done at 23:30 in Seoul counts for that Seoul day
even though it is still the day before in UTC.
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo

from lessons.models import Completion, QuizAttempt, Review
from lessons.progress.tracking import from_db_datetime
from lessons.sql import activity

# A streak of more than a year is counted as a year: every day back is read to count it.
STREAK_LOOKBACK_DAYS = 366


def activity_days(
    user_ids: Iterable[int], zones: dict[int, tzinfo], today: date, lookback_days: int
) -> dict[int, set[date]]:
    """The local days (in each learner's zone) on which each learner did a lesson, took a
    quiz or answered a review, over the last `lookback_days` days: one query for all."""
    user_ids = list(user_ids)
    if not user_ids:
        return {}
    first_day = today - timedelta(days=lookback_days)
    since = min(datetime.combine(first_day, time.min, zones[user_id]) for user_id in user_ids)
    who = {"user_id__in": user_ids}
    moments = (
        Completion.objects.filter(**who, completed_at__gte=since)
        .values_list("user_id", "completed_at")
        .order_by()
        .union(
            QuizAttempt.objects.filter(**who, submitted_at__gte=since)
            .values_list("user_id", "submitted_at")
            .order_by(),
            Review.objects.filter(**who, submitted_at__gte=since)
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
    submitted a quiz or answered a review, ending today (or yesterday, while today is
    still open): one query."""
    if not user.is_authenticated:
        return 0
    return streak_from(days_active(user.pk, tz, today), today)


def days_active(user_id: int, tz: tzinfo, today: date) -> set[date]:
    """activity_days for one learner, through one written-out statement (lessons/sql)."""
    since = datetime.combine(today - timedelta(days=STREAK_LOOKBACK_DAYS), time.min, tz)
    return {moment.astimezone(tz).date() for moment in activity.moments(user_id, since)}
