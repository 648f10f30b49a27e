"""Joining, leaving and running a study group. Every function acts for `user`, the
signed-in person; no request names the acting user."""

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q

from portal.models import Membership, StudyGroup, User


class LastInstructorError(Exception):
    """Raised when the only instructor tries to leave: a group always has one."""


def normalize_invite_code(text: str) -> str:
    """The code in what a learner typed or pasted: a whole invite link works too, and case
    and spaces do not matter."""
    last_part = text.strip().rstrip("/").rsplit("/", 1)[-1]
    return "".join(last_part.split()).upper()


def group_for_invite_code(text: str) -> StudyGroup | None:
    code = normalize_invite_code(text)
    if not code:
        return None
    return StudyGroup.objects.filter(invite_code=code).first()


def create_group(instructor: User, group: StudyGroup, token: str) -> tuple[StudyGroup, bool]:
    """Save a new group (an unsaved model from a form) with `instructor` running it, once
    per form `token`: the same form posted again (a double click, a retry, two requests
    at once) gives back the group it made, with False."""
    made = _made_with(instructor, token)
    if made is not None:
        return made, False
    group.creation_token = token
    try:
        with transaction.atomic():
            group.save()
            Membership.objects.create(group=group, user=instructor, role=Membership.Role.INSTRUCTOR)
    except IntegrityError:
        # A parallel request with the same token got there first: its group stands.
        made = _made_with(instructor, token)
        if made is None:
            raise
        return made, False
    return group, True


def _made_with(instructor: User, token: str) -> StudyGroup | None:
    return StudyGroup.objects.filter(
        creation_token=token,
        memberships__user=instructor,
        memberships__role=Membership.Role.INSTRUCTOR,
    ).first()


def join_group(user: User, group: StudyGroup) -> bool:
    """Make `user` a learner of the group; False when they already belong to it (in any
    role). The unique (group, user) constraint absorbs double clicks and parallel tabs."""
    _, created = Membership.objects.get_or_create(
        group=group, user=user, defaults={"role": Membership.Role.LEARNER}
    )
    return created


@transaction.atomic
def leave_group(user: User, group: StudyGroup) -> None:
    # Lock the group's instructors so that two instructors leaving at once cannot both
    # see the other one staying.
    instructors = list(
        Membership.objects.select_for_update()
        .filter(group=group, role=Membership.Role.INSTRUCTOR)
        .values_list("user_id", flat=True)
    )
    if instructors == [user.pk]:
        raise LastInstructorError
    Membership.objects.filter(group=group, user=user).delete()


def role_and_may_leave(user: User, group: StudyGroup) -> tuple[str | None, bool]:
    """The user's role in the group (None: not a member), and whether to offer them
    "leave": a learner may, an instructor only when another instructor stays (leave_group
    refuses the only one in any case). One query."""
    if not user.is_authenticated:
        return None, False
    instructor = Membership.Role.INSTRUCTOR
    found = Membership.objects.filter(group=group).aggregate(
        my_role=Max("role", filter=Q(user=user)),
        other_instructors=Count("id", filter=Q(role=instructor) & ~Q(user=user)),
    )
    role = found["my_role"]
    if role == instructor:
        return role, found["other_instructors"] > 0
    return role, role == Membership.Role.LEARNER


def remove_learner(group: StudyGroup, user_id: int) -> bool:
    """Remove a learner from the group (instructors are managed in the admin); False when
    `user_id` is not one of its learners."""
    deleted, _ = Membership.objects.filter(
        group=group, user_id=user_id, role=Membership.Role.LEARNER
    ).delete()
    return bool(deleted)


def role_in(user: User, group: StudyGroup) -> str | None:
    """The user's role in the group, or None when they do not belong to it."""
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(group=group, user=user).values_list("role", flat=True).first()
