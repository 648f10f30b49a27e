"""Builders shared by the study-group and dashboard tests (no tests here): groups, quizzes,
attempts and completions at chosen moments, and the hand-made group whose numbers the
dashboard tests check."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.test import Client
from django.utils import timezone

from lessons.models import (
    AttemptAnswer,
    Category,
    Choice,
    Completion,
    Lesson,
    Question,
    Quiz,
    QuizAttempt,
)
from portal.models import Membership, StudyGroup, User
from tests.conftest import make_lesson, make_user


def make_group(
    name: str = "쿠버네티스 스터디",
    *,
    instructors: tuple[User, ...] = (),
    learners: tuple[User, ...] = (),
    categories: tuple[Category, ...] = (),
    **fields,
) -> StudyGroup:
    group = StudyGroup.objects.create(name=name, **fields)
    group.categories.set(categories)
    for user in instructors:
        Membership.objects.create(group=group, user=user, role=Membership.Role.INSTRUCTOR)
    for user in learners:
        Membership.objects.create(group=group, user=user, role=Membership.Role.LEARNER)
    return group


def make_quiz(lesson: Lesson, *, questions: int = 2, pass_mark: int = 70) -> Quiz:
    """A quiz of single-choice questions, each with a right choice and two wrong ones."""
    quiz = Quiz.objects.create(lesson=lesson, pass_mark=pass_mark)
    for n in range(1, questions + 1):
        question = Question.objects.create(
            quiz=quiz, kind=Question.Kind.SINGLE, prompt=f"{lesson.title} 질문 {n}", position=n
        )
        Choice.objects.create(question=question, text=f"정답 {n}", is_correct=True, position=1)
        Choice.objects.create(question=question, text=f"오답 {n}-가", position=2)
        Choice.objects.create(question=question, text=f"오답 {n}-나", position=3)
    return quiz


def complete(user: User, lesson: Lesson, at: datetime | None = None) -> Completion:
    return Completion.objects.create(user=user, lesson=lesson, completed_at=at or timezone.now())


def attempt(
    user: User,
    quiz: Quiz,
    score: int,
    max_score: int,
    at: datetime | None = None,
    chosen: list[Choice] | None = None,
) -> QuizAttempt:
    """An attempt (submitted_at is set after the insert, past auto_now_add), answering
    with `chosen` choices, one per question, when given."""
    made = QuizAttempt.objects.create(
        user=user,
        quiz=quiz,
        score=score,
        max_score=max_score,
        passed=quiz.passes(score, max_score),
        form_token=uuid.uuid4().hex,
    )
    if at is not None:
        QuizAttempt.objects.filter(pk=made.pk).update(submitted_at=at)
        made.submitted_at = at
    for choice in chosen or []:
        answer = AttemptAnswer.objects.create(
            attempt=made, question=choice.question, is_correct=choice.is_correct
        )
        answer.choices.set([choice])
    return made


def htmx_get(client: Client, url: str, **extra):
    return client.get(url, headers={"HX-Request": "true"}, **extra)


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@dataclass
class HandMadeGroup:
    """Three learners on four lessons; the expected numbers are worked out by hand in the
    docstring of `hand_made` and asserted in test_dashboard_matrix."""

    group: StudyGroup
    teacher: User
    alice: User
    bob: User
    charlie: User
    outsider: User
    lessons: list[Lesson]
    quizzes: dict[str, Quiz]


def build_hand_made(alice: User, bob: User, charlie: User, basic, cka) -> HandMadeGroup:
    """
    Lessons (learning order): Pods, Services, Volumes (Basic), Architecture (CKA); a draft
    is not in scope. Quizzes: Pods and Services pass at 70, Architecture at 50; Volumes
    has none. Pace: one lesson a week from 14 days ago, so Pods and Services are due.

    alice:   done all four. Pods 2/4 then 4/4 (best 100), Services 3/4 (75),
             Architecture 1/2 (50, passes). Active today.
    bob:     done Pods. Pods 1/4 then 2/4 (best 50), Services 2/4 (50). Everything
             10 days ago.
    charlie: nothing, joined 8 days ago.
    dave (not in the group) did Pods with 0/4: counts nowhere.

    Rows:    alice 100% done, average best (100+75+50)/3 = 75
             bob 25% done, average best (50+50)/2 = 50
             charlie 0%, no average
    Columns: Pods 2/3 = 67%, best (100+50)/2 = 75; Services 1/3 = 33%, (75+50)/2 = 62.5
             -> 63 (half up); Volumes 33%, none; Architecture 33%, 50.
    Attention: alice none; bob behind (1 of 2), inactive 10 days, below the pass mark on
             Pods and Services; charlie behind (0 of 2), no activity for 8 days.
    """
    now = timezone.now()
    teacher = make_user("teacher", display_name="선생님")
    outsider = make_user("dave")
    pods = make_lesson(basic, "Pods", 1)
    services = make_lesson(basic, "Services", 2)
    volumes = make_lesson(basic, "Volumes", 3)
    architecture = make_lesson(cka, "Architecture", 1)
    make_lesson(basic, "Secret draft", 4, status=Lesson.Status.DRAFT)
    quizzes = {
        "pods": make_quiz(pods, questions=4),
        "services": make_quiz(services, questions=4),
        "architecture": make_quiz(architecture, questions=2, pass_mark=50),
    }
    group = make_group(
        instructors=(teacher,),
        learners=(alice, bob, charlie),
        pace=StudyGroup.Pace.WEEKLY,
        pace_start=timezone.localdate() - timedelta(days=14),
        lessons_per_week=1,
    )
    # Members since the pace started (past their week of grace); charlie came later.
    Membership.objects.filter(group=group).update(joined_at=now - timedelta(days=15))
    Membership.objects.filter(user=charlie).update(joined_at=now - timedelta(days=8, hours=1))

    for lesson in (pods, services, volumes, architecture):
        complete(alice, lesson, now - timedelta(hours=2))
    attempt(alice, quizzes["pods"], 2, 4, now - timedelta(days=1))
    attempt(alice, quizzes["pods"], 4, 4, now - timedelta(hours=3))
    attempt(alice, quizzes["services"], 3, 4, now - timedelta(hours=3))
    attempt(alice, quizzes["architecture"], 1, 2, now - timedelta(hours=1))

    ten_days_ago = now - timedelta(days=10, hours=1)
    complete(bob, pods, ten_days_ago)
    attempt(bob, quizzes["pods"], 1, 4, ten_days_ago)
    attempt(bob, quizzes["pods"], 2, 4, ten_days_ago)
    attempt(bob, quizzes["services"], 2, 4, ten_days_ago)

    complete(outsider, pods)
    attempt(outsider, quizzes["pods"], 0, 4)
    return HandMadeGroup(
        group=group,
        teacher=teacher,
        alice=alice,
        bob=bob,
        charlie=charlie,
        outsider=outsider,
        lessons=[pods, services, volumes, architecture],
        quizzes=quizzes,
    )
