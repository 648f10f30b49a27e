"""The instructors' weekly digest: for each group they run, how far its learners are,
who has slipped behind the pace, and the week's questions still waiting for an answer.
Three queries per group, whatever its size."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count
from django.urls import reverse

from lessons.kernel.numbers import percent
from lessons.models import Completion
from portal.groups import pace
from portal.groups.scope import learner_memberships
from portal.models import (
    GroupQuestion,
    Membership,
    NotificationPreference,
    SentMail,
    StudyGroup,
)
from portal.notifications import mail, preferences
from portal.notifications.reminders import GroupLessons

SLIPPED_LISTED = 10
UNANSWERED_LISTED = 10


@dataclass(frozen=True)
class Unanswered:
    title: str
    lesson: str
    url: str


@dataclass(frozen=True)
class Slipped:
    name: str
    done: int
    expected: int
    url: str


@dataclass
class GroupSummary:
    group: StudyGroup
    url: str
    learners: int = 0
    lessons: int = 0
    average_percent: int = 0
    expected: int | None = None  # lessons due by now, when the group has a pace
    slipped: list[Slipped] = field(default_factory=list)
    unanswered: list[Unanswered] = field(default_factory=list)

    @property
    def listed(self) -> list[Slipped]:
        return self.slipped[:SLIPPED_LISTED]

    @property
    def more(self) -> int:
        return max(0, len(self.slipped) - SLIPPED_LISTED)


def unanswered_this_week(group: StudyGroup, at: datetime) -> list[Unanswered]:
    """The group's questions of the last seven days with no accepted answer, oldest first."""
    rows = (
        GroupQuestion.objects.filter(
            group=group,
            created_at__gte=at - timedelta(days=7),
            accepted_answer=None,
            deleted_at=None,
            hidden_at=None,
        )
        .order_by("created_at", "id")
        .values_list("pk", "title", "lesson__title")[:UNANSWERED_LISTED]
    )
    return [
        Unanswered(title, lesson, mail.absolute(reverse("groups:question", args=[group.pk, pk])))
        for pk, title, lesson in rows
    ]


def summarize(group: StudyGroup, today, lessons: GroupLessons) -> GroupSummary:
    columns, due = lessons.of(group)
    summary = GroupSummary(
        group=group,
        url=mail.absolute(reverse("groups:dashboard", args=[group.pk])),
        lessons=len(columns),
    )
    if due:
        summary.expected = pace.expected_done(due.values(), today)
    learners = list(learner_memberships(group).select_related("user").order_by("user__username"))
    done = dict(
        Completion.objects.filter(
            user_id__in=[m.user_id for m in learners], lesson_id__in=[c.id for c in columns]
        )
        .values("user_id")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    summary.learners = len(learners)
    summary.average_percent = percent(sum(done.values()), len(learners) * len(columns))
    if summary.expected:
        behind = [
            Slipped(
                name=str(m.user),
                done=done.get(m.user_id, 0),
                expected=summary.expected,
                url=mail.absolute(reverse("groups:dashboard_learner", args=[group.pk, m.user_id])),
            )
            for m in learners
            if done.get(m.user_id, 0) < summary.expected
        ]
        summary.slipped = sorted(behind, key=lambda s: (s.done - s.expected, s.name))
    return summary


def compose(mail_ids: list[int], at: datetime) -> None:
    rows = list(
        SentMail.objects.filter(
            pk__in=mail_ids, status=SentMail.Status.QUEUED, kind=SentMail.Kind.DIGEST, subject=""
        ).select_related("user__notification_preference")
    )
    lessons = GroupLessons()
    for row in rows:
        try:
            chosen = row.user.notification_preference
        except NotificationPreference.DoesNotExist:
            chosen = None
        prefs = preferences.effective(chosen, in_paced_group=False, instructs=True)
        today = at.astimezone(prefs.zone).date()
        groups = StudyGroup.objects.filter(
            memberships__user_id=row.user_id, memberships__role=Membership.Role.INSTRUCTOR
        ).order_by("name", "id")
        summaries = [summarize(group, today, lessons) for group in groups]
        for summary in summaries:
            summary.unanswered = unanswered_this_week(summary.group, at)
        if not any(summary.learners for summary in summaries):
            row.status = SentMail.Status.QUIET
            continue
        rendered = mail.render_mail(
            "digest", {"summaries": summaries, "today": today}, row.user, row.kind, prefs.language
        )
        row.subject, row.text, row.html = rendered.subject, rendered.text, rendered.html
    SentMail.objects.bulk_update(rows, ["status", "subject", "text", "html"], batch_size=500)
