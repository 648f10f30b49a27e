"""Nudges from the dashboard: one learner, or everyone behind the pace, with one click.

Each goes through notifications.nudges (a short mail through the queue, at most one per
learner a day, written and sent by the worker); a second click on the same day says so
and sends nothing. The forms are plain POSTs (a redirect back to the dashboard with a
message) that htmx sends in place: the button becomes what happened, and the live region
says it.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from lessons.kernel import web
from lessons.kernel.web import HtmxHttpRequest
from portal.dashboards import attention
from portal.groups import pace
from portal.groups.access import instructed_groups_for
from portal.groups.scope import learner_memberships, scope_lessons
from portal.models import StudyGroup, User
from portal.notifications.nudges import NudgeRefused, do_nudge, nudge_many, nudged_today


@dataclass(frozen=True)
class ReachOut:
    """The ranked list as the dashboard shows it."""

    people: attention.AttentionList
    nudged: set[int]  # learners of the list nudged today
    can_nudge: bool  # the viewer runs the group (an operator who only watches cannot)


def reach_out(user, group: StudyGroup, people: attention.AttentionList | None) -> ReachOut | None:
    """Two queries: whether `user` runs the group, and who of the top was nudged today."""
    if people is None or not people.total:
        return None
    can_nudge = instructed_groups_for(user).filter(pk=group.pk).exists()
    ids = [concern.learner.user_id for concern in people.top]
    nudged = nudged_today(ids) if can_nudge else set()
    return ReachOut(people, nudged, can_nudge)


def behind_learners(group: StudyGroup) -> list[User]:
    """The group's learners behind the pace today and past their week of grace (the rule
    of attention.is_behind): two queries, whatever the group's size."""
    lessons = scope_lessons(group)
    due = pace.due_dates(group, lessons)
    if not due:
        return []
    expected = pace.expected_done(due.values(), timezone.localdate())
    now = timezone.now()
    members = (
        learner_memberships(group)
        .select_related("user")
        .annotate(
            done=Count(
                "user__completions",
                filter=Q(user__completions__lesson_id__in=[lesson.id for lesson in lessons]),
            )
        )
        .order_by("user__username")
    )
    return [
        member.user
        for member in members
        if attention.is_behind(member.done, expected, member.joined_at, now)
    ]


def _group_to_nudge_in(user, group_id: int) -> StudyGroup:
    """A group `user` runs, or 404 (an operator who may watch every group nudges none)."""
    return get_object_or_404(instructed_groups_for(user), pk=group_id)


def _back(group: StudyGroup) -> HttpResponse:
    return redirect(reverse("groups:dashboard", args=[group.pk]) + "#reach-out")


@require_POST
def nudge_learner(request: HtmxHttpRequest, group_id: int, user_id: int) -> HttpResponse:
    group = _group_to_nudge_in(request.user, group_id)
    member = get_object_or_404(learner_memberships(group).select_related("user"), user_id=user_id)
    learner = member.user
    try:
        do_nudge(request.user, learner, group)
    except NudgeRefused as refused:
        sent, said = False, str(refused)
    else:
        sent, said = True, _("Nudge sent to %(name)s.") % {"name": learner}
    if web.is_partial(request):
        response = render(
            request,
            "dashboards/_reach_out.html#nudged",
            {"group": group, "nudge_id": learner.pk, "sent": sent, "said": said},
        )
        return trigger_client_event(response, "portal:announce", {"message": said})
    (messages.success if sent else messages.info)(request, said)
    return _back(group)


@require_POST
def nudge_behind(request: HtmxHttpRequest, group_id: int) -> HttpResponse:
    """Nudge every learner behind the pace; those nudged today, or who take no nudges,
    are counted and left alone."""
    group = _group_to_nudge_in(request.user, group_id)
    behind = behind_learners(group)
    sent = len(nudge_many(request.user, behind, group))
    refused = len(behind) - sent
    said = ngettext(
        "Nudged %(n)d learner behind the pace.", "Nudged %(n)d learners behind the pace.", sent
    ) % {"n": sent}
    if refused:
        said += " " + ngettext(
            "%(n)d not nudged (already nudged today, or nudges turned off).",
            "%(n)d not nudged (already nudged today, or nudges turned off).",
            refused,
        ) % {"n": refused}
    if web.is_partial(request):
        response = render(
            request,
            "dashboards/_reach_out.html#nudged_behind",
            {"group": group, "sent": sent, "said": said},
        )
        return trigger_client_event(response, "portal:announce", {"message": said})
    (messages.success if sent else messages.info)(request, said)
    return _back(group)
