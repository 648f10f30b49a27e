"""Changing a group's questions: asking, answering, accepting, editing, deleting, hiding
and following. Views check who may do what; each `do_*` here changes state."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from lessons.models import Lesson
from lessons.models import Question as QuizQuestion
from portal.discussions import mailing
from portal.models import GroupAnswer, GroupQuestion, QuestionFollow, StudyGroup

# How long after posting its author may still change a post.
EDIT_WINDOW = timedelta(minutes=15)


class RateLimited(Exception):
    """The member posted too much too fast; nothing was saved."""


def check_rate(user) -> None:
    """At most DISCUSSION_POSTS_PER_WINDOW questions and answers by one member in
    DISCUSSION_RATE_WINDOW_SECONDS, across all their groups."""
    since = timezone.now() - timedelta(seconds=settings.DISCUSSION_RATE_WINDOW_SECONDS)
    limit = settings.DISCUSSION_POSTS_PER_WINDOW
    asked = GroupQuestion.objects.filter(author=user, created_at__gte=since)[:limit].count()
    answered = GroupAnswer.objects.filter(author=user, created_at__gte=since)[:limit].count()
    if asked + answered >= limit:
        raise RateLimited


def can_edit(user, post: GroupQuestion | GroupAnswer, now=None) -> bool:
    """The author, within the edit window, of a post neither deleted nor hidden."""
    now = now or timezone.now()
    return (
        user.is_authenticated
        and post.author_id == user.pk
        and not post.is_deleted
        and not post.is_hidden
        and now - post.created_at <= EDIT_WINDOW
    )


def can_delete(user, post: GroupQuestion | GroupAnswer) -> bool:
    return user.is_authenticated and post.author_id == user.pk and not post.is_deleted


def can_accept(user, question: GroupQuestion, is_instructor: bool) -> bool:
    return not question.is_deleted and (is_instructor or question.author_id == user.pk)


@transaction.atomic
def do_ask(
    user,
    group: StudyGroup,
    lesson: Lesson,
    title: str,
    body: str,
    section: str = "",
    quiz_question: QuizQuestion | None = None,
) -> GroupQuestion:
    check_rate(user)
    question = GroupQuestion.objects.create(
        group=group,
        lesson=lesson,
        author=user,
        title=title,
        body=body,
        section=section,
        quiz_question=quiz_question,
    )
    QuestionFollow.objects.create(question=question, user=user)
    return question


@transaction.atomic
def do_answer(user, question: GroupQuestion, body: str) -> GroupAnswer:
    check_rate(user)
    answer = GroupAnswer.objects.create(question=question, author=user, body=body)
    GroupQuestion.objects.filter(pk=question.pk).update(
        answer_count=F("answer_count") + 1, last_activity_at=answer.created_at
    )
    mailing.announce(question, answer, mailing.ANSWERED, user)
    return answer


@transaction.atomic
def do_accept(user, question: GroupQuestion, answer: GroupAnswer | None) -> None:
    """Mark `answer` as the accepted one (None: no answer is); its followers hear of it."""
    question.accepted_answer = answer
    question.save(update_fields=["accepted_answer"])
    if answer is not None:
        mailing.announce(question, answer, mailing.ACCEPTED, user)


def do_edit(post: GroupQuestion | GroupAnswer, body: str, title: str | None = None) -> None:
    post.body = body
    post.edited_at = timezone.now()
    fields = ["body", "edited_at"]
    if title is not None and isinstance(post, GroupQuestion):
        post.title = title
        fields.append("title")
    post.save(update_fields=fields)


@transaction.atomic
def do_delete(post: GroupQuestion | GroupAnswer) -> None:
    """Delete a post; a question others answered keeps its place as "삭제된 글"."""
    if isinstance(post, GroupQuestion):
        if post.answers.exists():
            post.deleted_at = timezone.now()
            post.body = ""
            post.title = "-"
            post.save(update_fields=["deleted_at", "body", "title"])
        else:
            post.delete()
        return
    GroupQuestion.objects.filter(pk=post.question_id).update(answer_count=F("answer_count") - 1)
    post.delete()


def do_hide(post: GroupQuestion | GroupAnswer, reason: str) -> None:
    post.hidden_at = timezone.now()
    post.hidden_reason = reason
    post.save(update_fields=["hidden_at", "hidden_reason"])


def do_unhide(post: GroupQuestion | GroupAnswer) -> None:
    post.hidden_at = None
    post.hidden_reason = ""
    post.save(update_fields=["hidden_at", "hidden_reason"])


def do_follow(user, question: GroupQuestion, follow: bool) -> None:
    if not follow:
        QuestionFollow.objects.filter(question=question, user=user).delete()
        return
    try:
        with transaction.atomic():
            QuestionFollow.objects.create(question=question, user=user)
    except IntegrityError:
        pass  # already following: a double click or a second tab
