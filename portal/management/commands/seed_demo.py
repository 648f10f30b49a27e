"""`manage.py seed_demo`: a demo study group with an instructor and five learners whose
progress and quiz attempts are spread over the past weeks, so that a fresh portal's
dashboard has something to show. Running it again changes nothing."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lessons.exams import mock as mock_exams
from lessons.models import (
    AttemptAnswer,
    Completion,
    Exam,
    Lesson,
    MockSitting,
    Question,
    QuizAttempt,
)
from lessons.quizzes.scoring import Answer, grade
from lessons.review import queue as review
from portal.models import Membership, StudyGroup, User

GROUP_NAME = "쿠버네티스 데모 스터디"
GROUP_DESCRIPTION = "make run이 만드는 데모 그룹입니다. 강사로 로그인해 대시보드를 둘러보세요."
PASSWORD = "portal-demo-pass"
PACE_START_DAYS_AGO = 17
LESSONS_PER_WEEK = 2
WRONG_SHORT_ANSWERS = ["모름", "kube-dns", "etcd", "kubelet"]


@dataclass(frozen=True)
class Profile:
    """How a demo learner studies: lessons reached, when, and how well they answer."""

    username: str
    display_name: str
    lessons: int  # how many lessons, in learning order, they have reached
    first_day: int  # days ago they started
    last_day: int  # days ago they were last active
    skill: float  # chance of answering a question right on a first attempt


LEARNERS = [
    Profile("minjun", "김민준", lessons=99, first_day=16, last_day=1, skill=0.92),
    Profile("seoyeon", "이서연", lessons=5, first_day=15, last_day=2, skill=0.8),
    Profile("jiho", "박지호", lessons=3, first_day=14, last_day=4, skill=0.75),
    Profile("sua", "최수아", lessons=4, first_day=16, last_day=11, skill=0.8),
    Profile("doyun", "정도윤", lessons=5, first_day=12, last_day=0, skill=0.45),
]
INSTRUCTOR = ("teacher", "김강사")


class Command(BaseCommand):
    help = "Create the demo study group, its instructor and learners (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off. The demo accounts have a published password.",
        )

    def handle(self, *args, allow_production: bool, **options) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "DEBUG is off: the demo accounts have a published password. "
                "Pass --allow-production to create them anyway."
            )
        lessons = list(Lesson.objects.published().in_learning_order().select_related("quiz"))
        with transaction.atomic():
            teacher = _user(*INSTRUCTOR)
            group = _group(teacher)
            for profile in LEARNERS:
                learner = _user(profile.username, profile.display_name)
                membership, created = Membership.objects.get_or_create(
                    group=group, user=learner, defaults={"role": Membership.Role.LEARNER}
                )
                if created:
                    joined = timezone.now() - timedelta(days=PACE_START_DAYS_AGO + 1)
                    Membership.objects.filter(pk=membership.pk).update(joined_at=joined)
                if not _has_progress(learner):
                    _study(learner, profile, lessons, random.Random(profile.username))
                if not MockSitting.objects.filter(user=learner).exists():
                    _sit_mock_exams(learner, profile, random.Random(f"mock:{profile.username}"))
        self._report(group, lessons)

    def _report(self, group: StudyGroup, lessons: list[Lesson]) -> None:
        if not lessons:
            self.stdout.write(
                self.style.WARNING(
                    "No published lessons yet: run `manage.py import_lessons fixtures/lessons` "
                    "first, then seed_demo again, for the demo learners' progress."
                )
            )
        self.stdout.write(
            self.style.SUCCESS(f"Demo study group “{group.name}”: ")
            + reverse("groups:dashboard", args=[group.pk])
        )
        self.stdout.write(f"Demo logins (password for each: {PASSWORD}):")
        self.stdout.write(f"  {INSTRUCTOR[0]:<8} instructor  {INSTRUCTOR[1]}")
        for profile in LEARNERS:
            self.stdout.write(f"  {profile.username:<8} learner     {profile.display_name}")


def _user(username: str, display_name: str) -> User:
    # An address at example.com (which takes no mail), so that the demo's reminders show
    # in the console of `make run` (or the local SMTP server of the README).
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"display_name": display_name, "email": f"{username}@example.com"},
    )
    if created:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    elif not user.email:
        user.email = f"{username}@example.com"
        user.save(update_fields=["email"])
    return user


def _group(teacher: User) -> StudyGroup:
    group = StudyGroup.objects.filter(
        name=GROUP_NAME,
        memberships__user=teacher,
        memberships__role=Membership.Role.INSTRUCTOR,
    ).first()
    if group is not None:
        return group
    group = StudyGroup.objects.create(
        name=GROUP_NAME,
        description=GROUP_DESCRIPTION,
        pace=StudyGroup.Pace.WEEKLY,
        pace_start=timezone.localdate() - timedelta(days=PACE_START_DAYS_AGO),
        lessons_per_week=LESSONS_PER_WEEK,
    )
    Membership.objects.create(group=group, user=teacher, role=Membership.Role.INSTRUCTOR)
    return group


def _has_progress(user: User) -> bool:
    return (
        Completion.objects.filter(user=user).exists()
        or QuizAttempt.objects.filter(user=user).exists()
    )


def _study(user: User, profile: Profile, lessons: list[Lesson], rng: random.Random) -> None:
    """Reach the profile's lessons one after another between its first and last day: read,
    take the quiz (again, if failed, with what was learned), and the lesson is done once
    passed (or read, when it has no quiz)."""
    reached = lessons[: profile.lessons]
    now = timezone.now()
    for index, lesson in enumerate(reached):
        share = index / max(len(reached) - 1, 1)
        days_ago = profile.first_day - share * (profile.first_day - profile.last_day)
        at = now - timedelta(days=days_ago, hours=rng.uniform(0, 5), minutes=rng.randrange(60))
        at = min(at, now - timedelta(minutes=5))
        quiz = getattr(lesson, "quiz", None)
        questions = (
            list(Question.objects.filter(quiz=quiz).prefetch_related("choices")) if quiz else []
        )
        if not questions:
            Completion.objects.create(user=user, lesson=lesson, completed_at=at)
            continue
        skill = profile.skill
        for try_number in range(1, 4):
            attempt = _attempt(user, quiz, questions, skill, at, try_number, rng)
            if attempt.passed:
                if quiz.marks_done:
                    Completion.objects.create(user=user, lesson=lesson, completed_at=at)
                break
            # A retake after another look at the lesson, or giving up for now.
            if rng.random() < 0.4:
                break
            skill = min(1.0, skill + 0.15)
            at += timedelta(minutes=rng.randrange(20, 180))


def _attempt(user, quiz, questions, skill, at: datetime, try_number: int, rng) -> QuizAttempt:
    answers = [_answer(question, rng.random() < skill, rng) for question in questions]
    score = grade(answers)
    attempt = QuizAttempt.objects.create(
        user=user,
        quiz=quiz,
        score=score,
        max_score=len(questions),
        passed=quiz.passes(score, len(questions)),
        form_token=f"seed-demo-{quiz.pk}-{try_number}",
    )
    # submitted_at is set on insert; the demo dates it in the past afterwards.
    QuizAttempt.objects.filter(pk=attempt.pk).update(submitted_at=at)
    for answer in answers:
        row = AttemptAnswer.objects.create(
            attempt=attempt,
            question=answer.question,
            text=answer.text,
            is_correct=answer.is_correct,
        )
        row.choices.set(answer.choice_ids)
    # Missed questions enter the review queue as they would have then, so most are due now.
    review.record_misses(user, [(a.question.id, a.is_correct) for a in answers], now=at)
    return attempt


def _sit_mock_exams(user: User, profile: Profile, rng: random.Random) -> None:
    """One finished mock exam of each exam, a few days before the learner's last day,
    answered with the learner's skill (the last question or two left unanswered)."""
    for exam in Exam.objects.all():
        try:
            sitting = mock_exams.start(user, exam, rng)
        except mock_exams.SittingRefused:
            continue
        # Hands-on tasks drawn into the sitting are left unanswered in the demo.
        items = list(
            sitting.questions.filter(question__isnull=False)
            .select_related("question")
            .order_by("position")
        )
        questions = Question.objects.prefetch_related("choices").in_bulk(
            [item.question_id for item in items]
        )
        for item in items[: len(items) - rng.randrange(0, 3)]:
            answer = _answer(questions[item.question_id], rng.random() < profile.skill, rng)
            grade([answer])
            item.choice_ids, item.text, item.is_correct = (
                answer.choice_ids,
                answer.text,
                (answer.is_correct),
            )
            item.answered_at = sitting.started_at
            item.save()
        sitting = mock_exams.finish(sitting)
        shift = timedelta(days=profile.last_day + 1)
        MockSitting.objects.filter(pk=sitting.pk).update(
            started_at=sitting.started_at - shift,
            deadline=sitting.deadline - shift,
            finished_at=sitting.started_at - shift + timedelta(minutes=rng.randrange(40, 110)),
        )
        sitting.questions.filter(answered_at__isnull=False).update(
            answered_at=sitting.started_at - shift + timedelta(minutes=30)
        )


def _answer(question: Question, right: bool, rng: random.Random) -> Answer:
    """What a learner answers, right or not: wrong answers lean to the first wrong choice,
    so that the group has a "most chosen wrong answer" as real groups do."""
    if question.kind == Question.Kind.SHORT:
        accepted = question.accepted_answer_list()
        text = accepted[0] if right and accepted else rng.choice(WRONG_SHORT_ANSWERS)
        return Answer(question, [], text)
    choices = list(question.choices.all())
    correct = [c.id for c in choices if c.is_correct]
    wrong = [c.id for c in choices if not c.is_correct]
    if right or not wrong:
        return Answer(question, sorted(correct), "")
    pick = wrong[0] if rng.random() < 0.6 else rng.choice(wrong)
    if question.kind == Question.Kind.MULTIPLE:
        return Answer(question, sorted({*correct[:-1], pick}), "")
    return Answer(question, [pick], "")
