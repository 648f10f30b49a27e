"""Site-level records: accounts, study groups and their questions."""

from portal.models.accounts import User
from portal.models.calendars import CalendarFeed
from portal.models.discussions import GroupAnswer, GroupQuestion, QuestionFollow
from portal.models.groups import LessonTarget, Membership, StudyGroup, new_invite_code

__all__ = [
    "CalendarFeed",
    "GroupAnswer",
    "GroupQuestion",
    "LessonTarget",
    "Membership",
    "QuestionFollow",
    "StudyGroup",
    "User",
    "new_invite_code",
]
