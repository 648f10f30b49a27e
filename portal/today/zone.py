"""The one place that says in which time zone a learner's day runs (their streak, "due
today", "this week")."""

from zoneinfo import ZoneInfo

from django.conf import settings


def learner_zone(time_zone: str | None = None) -> ZoneInfo:
    """The learner's chosen zone when they chose one, else the portal's (Asia/Seoul)."""
    try:
        return ZoneInfo(time_zone or settings.TIME_ZONE)
    except (ValueError, KeyError):
        return ZoneInfo(settings.TIME_ZONE)
