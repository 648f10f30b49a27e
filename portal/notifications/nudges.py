"""An instructor's nudge: a short mail to one learner of their group, through the queue,
at most one per learner a day (the learner's own day), recorded for the drill-down."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lessons.progress import tracking
from portal.groups.access import instructed_groups_for
from portal.groups.scope import learner_memberships
from portal.models import Nudge, SentMail, StudyGroup, User
from portal.models.notifications import DEFAULT_TIME_ZONE
from portal.notifications import mail, preferences
from portal.notifications.reminders import GroupLessons, group_week


class NudgeRefused(Exception):
    """Why a nudge was not sent; str() is the message for the instructor."""


def do_nudge(instructor: User, learner: User, group: StudyGroup) -> Nudge:
    """Queue a nudge to `learner` from `instructor`, who must run `group`
    where `learner` is a learner. Raises NudgeRefused when the learner was already nudged
    today, takes no nudges, or has no address."""
    if not instructed_groups_for(instructor).filter(pk=group.pk).exists():
        raise NudgeRefused(_("Only the group's instructors can nudge its learners."))
    if not learner_memberships(group).filter(user_id=learner.pk).exists():
        raise NudgeRefused(_("That person is not a learner of this group."))
    chosen = preferences.for_user(learner)
    if not chosen.nudges:
        raise NudgeRefused(_("%(name)s has turned nudges off.") % {"name": learner})
    if not learner.email:
        raise NudgeRefused(_("%(name)s has no e-mail address.") % {"name": learner})
    now = timezone.now()
    today = now.astimezone(chosen.zone).date()
    week = group_week(group, today, _done_ids(learner), GroupLessons())
    next_url = week.due[0].url if week.due else mail.absolute(reverse("lessons:home"))
    rendered = mail.render_mail(
        "nudge",
        {"instructor": instructor, "group": group, "week": week, "next_url": next_url},
        learner,
        SentMail.Kind.NUDGE,
        chosen.language,
    )
    try:
        with transaction.atomic():
            nudge = Nudge.objects.create(
                group=group, learner=learner, instructor=instructor, day=today
            )
            nudge.mail = mail.enqueue_mail(
                learner,
                SentMail.Kind.NUDGE,
                today.isoformat(),
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
            )
            if nudge.mail is None:
                raise IntegrityError("a nudge mail for this day exists")
            nudge.save(update_fields=["mail"])
    except IntegrityError as error:
        raise NudgeRefused(
            _("%(name)s has already been nudged today.") % {"name": learner}
        ) from error
    return nudge


def nudged_today(learner_ids: list[int], now: datetime | None = None) -> set[int]:
    """Which of these learners were nudged on their own today (for the buttons of a list).
    A nudge's day is the learner's, in their time zone, as do_nudge counts it: one
    query for the nudges of the days around `now`, each compared with its learner's day."""
    now = now or timezone.now()
    utc_day = now.astimezone(UTC).date()
    recent = Nudge.objects.filter(
        learner_id__in=learner_ids,
        day__range=(utc_day - timedelta(days=1), utc_day + timedelta(days=1)),
    ).values_list("learner_id", "day", "learner__notification_preference__time_zone")
    return {
        learner_id
        for learner_id, day, zone in recent
        if day == now.astimezone(ZoneInfo(zone or DEFAULT_TIME_ZONE)).date()
    }


def nudges_for(learner: User, group: StudyGroup) -> QuerySet[Nudge]:
    """The learner's nudges in this group, newest first, with who sent them."""
    return Nudge.objects.filter(learner=learner, group=group).select_related("instructor", "mail")


def _done_ids(learner: User) -> set[int]:
    return tracking.completed_lesson_ids(learner)
