"""The one place that says in which time zone a learner's day runs (their streak, "due
today", "this week")."""

from zoneinfo import ZoneInfo

from django.conf import settings


def learner_zone(time_zone: str | None = None) -> ZoneInfo:
    """The zone the learner chose with their mail preferences (portal/notifications), else
    the portal's (TIME_ZONE, Asia/Seoul)."""
    try:
        return ZoneInfo(time_zone or settings.TIME_ZONE)
    except (ValueError, KeyError):
        return ZoneInfo(settings.TIME_ZONE)
