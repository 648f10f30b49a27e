"""Study group pages: the list of one's groups, creating, joining and leaving a group, its
members' page, and the instructor's page to run it.

The instructor's pages follow the dashboard's rule (portal.groups.access): anyone else,
anonymous visitors included, gets 404 rather than a login page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lessons.kernel import web
from lessons.kernel.web import HtmxHttpRequest
from lessons.progress.tracking import completed_lesson_ids
from portal.groups import membership, pace
from portal.groups.access import (
    get_group_for_instructor,
    get_group_for_member,
    may_view_every_group,
)
from portal.groups.forms import GroupForm, JoinForm, NewGroupForm, PaceDatesForm
from portal.groups.scope import learner_memberships, scope_lessons
from portal.groups.standing import member_standing
from portal.models import Membership, StudyGroup


@require_GET
@login_required
def group_list(request: HtmxHttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("group")
        .order_by("group__name", "group_id")
    )
    return render(
        request,
        "groups/list.html",
        {
            "teaching": [m.group for m in memberships if m.role == Membership.Role.INSTRUCTOR],
            "learning": [m.group for m in memberships if m.role == Membership.Role.LEARNER],
            "join_form": JoinForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def create(request: HtmxHttpRequest) -> HttpResponse:
    form = NewGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            group, created = membership.create_group(
                request.user, form.save(commit=False), form.cleaned_data["form_token"]
            )
            if created:
                form.save_m2m()
        if created:
            messages.success(request, _("Group created. Share its invite link with your learners."))
        return redirect("groups:manage", group.pk)
    return render(request, "groups/create.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def join(request: HtmxHttpRequest) -> HttpResponse:
    """Join with a code (or a pasted link) typed into a form."""
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _joined(request, form.group)
    return render(request, "groups/join.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def join_link(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """The invite link: GET asks to confirm (a link preview or a prefetch must not join
    anyone), POST joins."""
    group = membership.group_for_invite_code(code)
    if group is None:
        return render(
            request, "groups/join.html", {"form": JoinForm(), "unknown_link": True}, status=404
        )
    if request.method == "POST":
        return _joined(request, group)
    return render(
        request,
        "groups/join_link.html",
        {
            "group": group,
            "code": group.invite_code,
            "role": membership.role_in(request.user, group),
        },
    )


def _joined(request: HtmxHttpRequest, group: StudyGroup) -> HttpResponse:
    if membership.join_group(request.user, group):
        messages.success(request, _("Welcome to %(group)s.") % {"group": group.name})
    else:
        messages.info(request, _("You are already in %(group)s.") % {"group": group.name})
    return redirect("groups:detail", group.pk)


@require_GET
@login_required
def detail(request: HtmxHttpRequest, group_id: int) -> HttpResponse:
    """The group as a member sees it: their own progress beside the group's average."""
    group = get_group_for_member(request.user, group_id)
    role, can_leave = membership.role_and_may_leave(request.user, group)
    lessons = scope_lessons(group)
    due = pace.due_dates(group, lessons)
    today = timezone.localdate()
    return render(
        request,
        "groups/detail.html",
        {
            "group": group,
            "role": role,
            "is_learner": role == Membership.Role.LEARNER,
            "can_see_dashboard": role == Membership.Role.INSTRUCTOR
            or may_view_every_group(request.user),
            "can_manage": role == Membership.Role.INSTRUCTOR,
            "can_leave": can_leave,
            "standing": member_standing(
                group,
                request.user,
                is_learner=role == Membership.Role.LEARNER,
                lesson_count=len(lessons),
            ),
            "lessons": [(lesson, due.get(lesson.id)) for lesson in lessons],
            "done_ids": completed_lesson_ids(request.user),
            "expected": pace.expected_done(due.values(), today) if due else None,
            "today": today,
        },
    )


@require_POST
@login_required
def leave(request: HtmxHttpRequest, group_id: int) -> HttpResponse:
    group = get_group_for_member(request.user, group_id)
    try:
        membership.leave_group(request.user, group)
    except membership.LastInstructorError:
        messages.error(
            request,
            _("You are this group's only instructor. Add another instructor before leaving."),
        )
        return redirect("groups:detail", group.pk)
    messages.success(request, _("You have left %(group)s.") % {"group": group.name})
    return redirect("groups:list")


def _manage_context(request: HtmxHttpRequest, group: StudyGroup, form: GroupForm) -> dict:
    people = Membership.objects.filter(group=group).select_related("user").order_by("joined_at")
    return {
        "group": group,
        "form": form,
        "invite_url": request.build_absolute_uri(
            reverse("groups:join_link", args=[group.invite_code])
        ),
        "instructors": [m for m in people if m.role == Membership.Role.INSTRUCTOR],
        "learners": [m for m in people if m.role == Membership.Role.LEARNER],
    }


@require_http_methods(["GET", "POST"])
def manage(request: HtmxHttpRequest, group_id: int) -> HttpResponse:
    """The instructor's page: settings and pace, the invite link, the members."""
    group = get_group_for_instructor(request.user, group_id)
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Group settings saved."))
        return redirect("groups:manage", group.pk)
    return render(request, "groups/manage.html", _manage_context(request, group, form))


@require_POST
def rotate_invite(request: HtmxHttpRequest, group_id: int) -> HttpResponse:
    """A new invite code; the old link stops working at once."""
    group = get_group_for_instructor(request.user, group_id)
    group.rotate_invite_code()
    if web.is_partial(request):
        return render(
            request,
            "groups/manage.html#invite",
            _manage_context(request, group, GroupForm(instance=group)) | {"rotated": True},
        )
    messages.success(request, _("The group has a new invite link; the old one no longer works."))
    return redirect("groups:manage", group.pk)


@require_http_methods(["GET", "POST"])
def remove_member(request: HtmxHttpRequest, group_id: int, user_id: int) -> HttpResponse:
    """GET asks first (the page a browser without JavaScript opens); POST removes. An htmx
    POST gets the members list back, saying whether the person was still a learner."""
    group = get_group_for_instructor(request.user, group_id)
    if request.method == "GET":
        member = get_object_or_404(
            learner_memberships(group).select_related("user"), user_id=user_id
        )
        return render(request, "groups/remove_member.html", {"group": group, "member": member})
    removed = membership.remove_learner(group, user_id)
    if web.is_partial(request):
        return render(
            request,
            "groups/manage.html#members",
            _manage_context(request, group, GroupForm(instance=group)) | {"removed": removed},
        )
    if removed:
        messages.success(request, _("The learner was removed from the group."))
    else:
        messages.info(request, _("That person is not a learner of this group."))
    return redirect("groups:manage", group.pk)


@require_http_methods(["GET", "POST"])
def pace_dates(request: HtmxHttpRequest, group_id: int) -> HttpResponse:
    """A target date for each lesson of the group (the "dates" pace)."""
    group = get_group_for_instructor(request.user, group_id)
    lessons = scope_lessons(group)
    form = PaceDatesForm(
        request.POST or None,
        lessons=lessons,
        initial_dates={lesson.id: lesson.target for lesson in lessons if lesson.target},
    )
    if request.method == "POST" and form.is_valid():
        pace.set_target_dates(group, form.dates())
        messages.success(request, _("Target dates saved; the group's pace follows them."))
        return redirect("groups:manage", group.pk)
    return render(request, "groups/pace_dates.html", {"group": group, "form": form})
