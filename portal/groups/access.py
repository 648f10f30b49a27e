"""The one place that decides who may see a study group, and how much of it.

By role, never by `is_staff`: a group's dashboards and CSV are for its instructors and for
whoever holds the permission `portal.view_every_group` (the "operators" group has it; a
superuser has every permission); changing a group's settings and members is for its
instructors only (operators change groups in the admin, under its own permissions)."""

from django.db.models import QuerySet
from django.http import Http404

from portal.models import Membership, StudyGroup

VIEW_EVERY_GROUP = "portal.view_every_group"


def may_view_every_group(user) -> bool:
    return user.is_authenticated and user.has_perm(VIEW_EVERY_GROUP)


def instructed_groups_for(user) -> QuerySet[StudyGroup]:
    """The groups `user` teaches: they may see their dashboards and manage them. Anyone
    else (a learner of the group, an instructor of another group, a staff account, an
    anonymous visitor) sees none of it unless they may view every group."""
    if not user.is_authenticated:
        return StudyGroup.objects.none()
    return StudyGroup.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.INSTRUCTOR
    )


def get_group_for_dashboard(user, group_id: int) -> StudyGroup:
    """The group, or 404 (never 403, so that a group's existence is not confirmed). The
    group's own instructors, who open it most, are found without reading permissions."""
    group = instructed_groups_for(user).filter(pk=group_id).first()
    if group is None and may_view_every_group(user):
        group = StudyGroup.objects.filter(pk=group_id).first()
    if group is None:
        raise Http404("No study group matches the given query.")
    return group


def get_group_for_instructor(user, group_id: int) -> StudyGroup:
    """The group to change (settings, pace, invite link, members), or 404."""
    group = instructed_groups_for(user).filter(pk=group_id).first()
    if group is None:
        raise Http404("No study group matches the given query.")
    return group


def get_group_for_member(user, group_id: int) -> StudyGroup:
    """The group as its own members see it: any member (instructors are members), or
    whoever may see every group's dashboard."""
    if not user.is_authenticated:
        raise Http404("No study group matches the given query.")
    group = StudyGroup.objects.filter(pk=group_id, memberships__user=user).first()
    if group is None and may_view_every_group(user):
        group = StudyGroup.objects.filter(pk=group_id).first()
    if group is None:
        raise Http404("No study group matches the given query.")
    return group
