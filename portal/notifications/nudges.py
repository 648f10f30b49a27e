"""An instructor's nudge: a short mail to learners of their group, through the queue, at
most one per learner a day (the learner's own day), recorded for the drill-down.

Pressing "nudge" only records: a mail row per learner (unique per learner and day, so a
double click or two instructors at once queue one) and its `Nudge`, in one transaction
with the task that writes and sends the mails in the worker. So nudging everyone behind
in a cohort of a thousand costs the request a fixed number of queries, not a rendered
mail per learner.
"""

import secrets
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lessons.models import Completion
from portal.groups.access import instructed_groups_for
from portal.groups.scope import learner_memberships
from portal.models import NotificationPreference, Nudge, SentMail, StudyGroup, User
from portal.models.notifications import DEFAULT_TIME_ZONE
from portal.notifications import mail, preferences, tasks
from portal.notifications.reminders import GroupLessons, group_week

TASK_SIZE = 100


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
    queued = _queue(instructor, group, {learner.pk: chosen.zone})
    if not queued:
        raise NudgeRefused(_("%(name)s has already been nudged today.") % {"name": learner})
    return queued[0]


def nudge_many(instructor: User, learners: list[User], group: StudyGroup) -> list[Nudge]:
    """Queue a nudge to each of `learners` (learners of `group`, which `instructor` runs:
    the caller has checked) who takes nudges, has an address and was not nudged today;
    the nudges queued. A fixed number of queries, and one per TASK_SIZE learners."""
    chosen = preferences.for_users([learner.pk for learner in learners])
    zones = {
        learner.pk: chosen[learner.pk].zone
        for learner in learners
        if learner.email and chosen[learner.pk].nudges
    }
    return _queue(instructor, group, zones)


def _queue(instructor: User, group: StudyGroup, zones: dict[int, ZoneInfo]) -> list[Nudge]:
    """Claim a nudge mail per learner for their own today, record a Nudge for each row
    claimed and enqueue them; a learner who already has one for that day is left out."""
    if not zones:
        return []
    now = timezone.now()
    days = {user_id: now.astimezone(zone).date() for user_id, zone in zones.items()}
    claim = secrets.token_hex(16)
    try:
        with transaction.atomic():
            SentMail.objects.bulk_create(
                [
                    SentMail(
                        user_id=user_id, kind=SentMail.Kind.NUDGE, key=day.isoformat(), claim=claim
                    )
                    for user_id, day in days.items()
                ],
                ignore_conflicts=True,
            )
            claimed = dict(
                SentMail.objects.filter(claim=claim).values_list("user_id", "pk").order_by("pk")
            )
            nudges = Nudge.objects.bulk_create(
                Nudge(
                    group=group,
                    learner_id=user_id,
                    instructor=instructor,
                    day=days[user_id],
                    mail_id=mail_id,
                )
                for user_id, mail_id in claimed.items()
            )
            ids = list(claimed.values())
            for start in range(0, len(ids), TASK_SIZE):
                tasks.send_nudges.enqueue(ids[start : start + TASK_SIZE])
    except IntegrityError:
        return []  # a nudge of that day whose mail row is gone: nudged already
    return nudges


def compose(mail_ids: list[int]) -> None:
    """Write the nudges among `mail_ids` not written yet, in each learner's language: the
    instructor's name, the group's lessons due this week, a link to the next one. A fixed
    number of queries for the batch, and one per group."""
    nudges = list(
        Nudge.objects.filter(
            mail_id__in=mail_ids, mail__status=SentMail.Status.QUEUED, mail__subject=""
        ).select_related("group", "instructor", "learner__notification_preference", "mail")
    )
    if not nudges:
        return
    done: dict[int, set[int]] = {nudge.learner_id: set() for nudge in nudges}
    for user_id, lesson_id in Completion.objects.filter(user_id__in=done).values_list(
        "user_id", "lesson_id"
    ):
        done[user_id].add(lesson_id)
    lessons = GroupLessons()
    home = mail.absolute(reverse("lessons:home"))
    rows = []
    for nudge in nudges:
        row = nudge.mail
        if nudge.instructor is None:  # the instructor's account is gone: nobody to speak for
            row.status = SentMail.Status.QUIET
            rows.append(row)
            continue
        week = group_week(nudge.group, nudge.day, done[nudge.learner_id], lessons)
        rendered = mail.render_mail(
            "nudge",
            {
                "instructor": nudge.instructor,
                "group": nudge.group,
                "week": week,
                "next_url": week.due[0].url if week.due else home,
            },
            nudge.learner,
            SentMail.Kind.NUDGE,
            _language(nudge.learner),
        )
        row.subject, row.text, row.html = rendered.subject, rendered.text, rendered.html
        rows.append(row)
    SentMail.objects.bulk_update(rows, ["status", "subject", "text", "html"], batch_size=500)


def _language(learner: User) -> str:
    try:
        row = learner.notification_preference
    except NotificationPreference.DoesNotExist:
        row = None
    return preferences.effective(row, in_paced_group=True, instructs=False).language


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
