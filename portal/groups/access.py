"""The one place that decides who may see a study group, and how much of it."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from portal.models import Membership, StudyGroup


def dashboard_groups_for(user) -> QuerySet[StudyGroup]:
    """The groups whose dashboard `user` may see and whose members they may manage: the
    groups they teach, or every group for staff. Anyone else (a learner of the group, an
    instructor of another group, an anonymous visitor) sees none of it."""
    if not user.is_authenticated:
        return StudyGroup.objects.none()
    if user.is_staff:
        return StudyGroup.objects.all()
    return StudyGroup.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.INSTRUCTOR
    )


def get_group_for_dashboard(user, group_id: int) -> StudyGroup:
    """The group, or 404 (never 403, so that a group's existence is not confirmed)."""
    return get_object_or_404(dashboard_groups_for(user), pk=group_id)


def get_group_for_member(user, group_id: int) -> StudyGroup:
    """The group as its own members see it: any member, or whoever may see its dashboard."""
    if not user.is_authenticated:
        return get_object_or_404(StudyGroup.objects.none(), pk=group_id)
    member_of = Membership.objects.filter(user=user).values("group_id")
    visible = StudyGroup.objects.filter(
        Q(pk__in=member_of) | Q(pk__in=dashboard_groups_for(user).values("pk"))
    )
    return get_object_or_404(visible, pk=group_id)
