"""Site-level records: accounts and study groups."""

from portal.models.accounts import PasswordResetRequest, User
from portal.models.groups import LessonTarget, Membership, StudyGroup, new_invite_code

__all__ = [
    "LessonTarget",
    "Membership",
    "PasswordResetRequest",
    "StudyGroup",
    "User",
    "new_invite_code",
]
