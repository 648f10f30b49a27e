"""Site-level records: accounts, study groups and notifications."""

from portal.models.accounts import User
from portal.models.calendars import CalendarFeed
from portal.models.groups import LessonTarget, Membership, StudyGroup, new_invite_code
from portal.models.notifications import NotificationPreference, Nudge, SentMail

__all__ = [
    "CalendarFeed",
    "LessonTarget",
    "Membership",
    "NotificationPreference",
    "Nudge",
    "SentMail",
    "StudyGroup",
    "User",
    "new_invite_code",
]
