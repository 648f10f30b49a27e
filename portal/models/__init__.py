"""Site-level records: accounts, study groups, their questions and notifications."""

from portal.models.accounts import PasswordResetRequest, User
from portal.models.calendars import CalendarFeed
from portal.models.discussions import GroupAnswer, GroupQuestion, QuestionFollow
from portal.models.groups import LessonTarget, Membership, StudyGroup, new_invite_code
from portal.models.notifications import NotificationPreference, Nudge, SentMail

__all__ = [
    "CalendarFeed",
    "GroupAnswer",
    "GroupQuestion",
    "LessonTarget",
    "Membership",
    "NotificationPreference",
    "Nudge",
    "PasswordResetRequest",
    "QuestionFollow",
    "SentMail",
    "StudyGroup",
    "User",
    "new_invite_code",
]
