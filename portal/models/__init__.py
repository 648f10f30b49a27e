"""Site-level records: accounts and study groups."""

from portal.models.accounts import User
from portal.models.calendars import CalendarFeed
from portal.models.groups import LessonTarget, Membership, StudyGroup, new_invite_code

__all__ = ["CalendarFeed", "LessonTarget", "Membership", "StudyGroup", "User", "new_invite_code"]
