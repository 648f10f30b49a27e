"""Mail to the followers of a group question when it gets an answer or an answer is
accepted, through the notifications' queue (portal/notifications): at once, or gathered
into one mail at the follower's evening hour, as each chose on their account page.

Posting enqueues one task once the post is committed (`announce`); the worker then
queues one mail per follower, never to the one who acted. A mail at once is keyed by the
event, an evening mail by the follower's local day: the sent-mail record keeps each to
one copy however often the task runs.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from portal.models import GroupAnswer, GroupQuestion, QuestionFollow, SentMail, User
from portal.notifications import mail, preferences, queue

ANSWERED = "answered"
ACCEPTED = "accepted"
KIND = SentMail.Kind.ANSWERS


def announce(question: GroupQuestion, answer: GroupAnswer, event: str, actor: User) -> None:
    """After the post commits, tell its followers (by the task queue)."""
    from portal.discussions.tasks import notify_followers

    args = (question.pk, answer.pk, event, actor.pk)
    transaction.on_commit(lambda: notify_followers.enqueue(*args))


def next_evening(chosen: preferences.Preferences, now: datetime) -> datetime:
    """The follower's next evening hour (today's, or tomorrow's once it has passed)."""
    local = now.astimezone(chosen.zone)
    at = local.replace(hour=chosen.hour, minute=0, second=0, microsecond=0)
    return at if at > local else at + timedelta(days=1)


def notify(question_id: int, answer_id: int, event: str, actor_id: int) -> int:
    """Queue the mails of one event; how many were queued."""
    question = (
        GroupQuestion.objects.filter(pk=question_id, deleted_at=None)
        .select_related("group", "lesson")
        .first()
    )
    answer = GroupAnswer.objects.filter(pk=answer_id, question_id=question_id).first()
    if question is None or answer is None or answer.is_hidden:
        return 0
    followers = User.objects.filter(
        pk__in=QuestionFollow.objects.filter(question=question).values("user_id"),
        memberships__group=question.group,
        is_active=True,
    ).exclude(pk=actor_id)
    if question.is_hidden:
        # Only its author still sees what a hidden question is about.
        followers = followers.filter(pk=question.author_id)
    queued = 0
    now = timezone.now()
    for follower in followers:
        if not follower.email:
            continue
        chosen = preferences.for_user(follower)
        if chosen.answers == "now":
            rendered = mail.render_mail(
                "answers",
                {"question": question, "answer": answer, "event": event,
                 "url": mail.absolute(question.get_absolute_url())},
                follower, KIND, chosen.language,
            )  # fmt: skip
            row = mail.enqueue_mail(
                follower, KIND, f"{event}:{answer.pk}", subject=rendered.subject,
                text=rendered.text, html=rendered.html,
            )  # fmt: skip
            queued += row is not None
        elif chosen.answers == "evening":
            queued += _queue_evening(follower, chosen, now)
    return queued


def _queue_evening(follower: User, chosen: preferences.Preferences, now: datetime) -> int:
    """One mail for the follower's evening, composed when it is sent."""
    from portal.discussions.tasks import send_evening_answers

    at = next_evening(chosen, now)
    with transaction.atomic():
        row, created = SentMail.objects.get_or_create(
            user=follower, kind=KIND, key=f"evening:{at.date().isoformat()}",
            defaults={"subject": "", "text": ""},
        )  # fmt: skip
        if created:
            queue.enqueue_later(send_evening_answers, [[row.pk]], at - now)
    return int(created)


def compose_evening(mail_ids: list[int]) -> None:
    """Write each evening mail: the answers and acceptances of the last day on the
    questions its person follows, by others (a hidden question's for its author only);
    nothing to say keeps it quiet."""
    since = timezone.now() - timedelta(days=1)
    for row in SentMail.objects.filter(pk__in=mail_ids, status=SentMail.Status.QUEUED):
        user = row.user
        followed = QuestionFollow.objects.filter(user=user).values("question_id")
        answers = list(
            GroupAnswer.objects.filter(
                question_id__in=followed,
                question__group__memberships__user=user,
                question__deleted_at=None,
                created_at__gte=since,
                hidden_at=None,
                deleted_at=None,
            )
            .exclude(author=user)
            .exclude(~Q(question__author=user), question__hidden_at__isnull=False)
            .select_related("question", "author")
            .order_by("question_id", "created_at")[:50]
        )
        if not answers:
            row.status = SentMail.Status.QUIET
            row.save(update_fields=["status"])
            continue
        chosen = preferences.for_user(user)
        questions = {}
        for answer in answers:
            entry = questions.setdefault(
                answer.question_id,
                {"question": answer.question, "answers": [],
                 "url": mail.absolute(reverse("groups:question", args=[
                     answer.question.group_id, answer.question_id]))},
            )  # fmt: skip
            entry["answers"].append(answer)
        rendered = mail.render_mail(
            "answers_evening", {"questions": list(questions.values())}, user, KIND,
            chosen.language,
        )  # fmt: skip
        row.subject, row.text, row.html = rendered.subject, rendered.text, rendered.html
        row.save(update_fields=["subject", "text", "html"])
