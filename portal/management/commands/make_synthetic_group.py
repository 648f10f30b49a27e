"""`manage.py make_synthetic_group --learners 200 --lessons 100`: a study group of the
size of a real cohort, with its own lessons, quizzes, completions and attempts spread over
the past weeks, to see how the dashboard behaves at size. Rows are made with bulk_create,
so a large group takes seconds."""

import random
import secrets
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lessons.kernel.rendering import render_markdown
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

BODY = "## 개요\n\n합성 그룹의 레슨입니다.\n\n## 실습\n\n`kubectl get pods`\n"
DAYS = 56


class Command(BaseCommand):
    help = "Create a synthetic study group of a given size to try the dashboard at scale."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--learners", type=int, default=200)
        parser.add_argument("--lessons", type=int, default=100)
        parser.add_argument("--questions", type=int, default=3, help="per quiz")
        parser.add_argument("--seed", type=int, default=None, help="for a repeatable group")

    def handle(self, *args, learners: int, lessons: int, questions: int, seed, **opts) -> None:
        if not (1 <= learners <= 5000 and 1 <= lessons <= 1000 and 1 <= questions <= 20):
            raise CommandError("Use 1-5000 learners, 1-1000 lessons and 1-20 questions.")
        rng = random.Random(seed)
        password = secrets.token_urlsafe(12)
        with transaction.atomic():
            group, instructor = build(learners, lessons, questions, rng, password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Study group “{group.name}” with {learners} learners and {lessons} lessons: "
            )
            + reverse("groups:dashboard", args=[group.pk])
        )
        self.stdout.write(f"Instructor login: {instructor.username} / {password}")


def build(
    learner_count: int, lesson_count: int, question_count: int, rng: random.Random, password: str
) -> tuple[StudyGroup, User]:
    tag = secrets.token_hex(3)
    now = timezone.now()
    category = Category.objects.create(
        name=f"Synthetic {tag}", slug=f"synthetic-{tag}", position=1000
    )
    rendered = render_markdown(BODY)
    lessons = Lesson.objects.bulk_create(
        Lesson(
            category=category,
            title=f"합성 레슨 {n:03d}",
            slug=f"synthetic-{tag}-{n:03d}",
            body=BODY,
            body_html=rendered.html,
            toc=rendered.toc,
            reading_minutes=rendered.reading_minutes,
            position=n,
            status=Lesson.Status.PUBLISHED,
        )
        for n in range(1, lesson_count + 1)
    )
    quizzes = Quiz.objects.bulk_create(Quiz(lesson=lesson, pass_mark=70) for lesson in lessons)
    questions = Question.objects.bulk_create(
        Question(
            quiz=quiz,
            kind=Question.Kind.SINGLE,
            prompt=f"질문 {n}",
            prompt_html=f"<p>질문 {n}</p>",
            position=n,
        )
        for quiz in quizzes
        for n in range(1, question_count + 1)
    )
    choices = Choice.objects.bulk_create(
        Choice(question=question, text=text, is_correct=(n == 0), position=n)
        for question in questions
        for n, text in enumerate(["정답", "흔한 오답", "드문 오답"])
    )
    right = {c.question_id: c.id for c in choices if c.is_correct}
    wrong = {c.question_id: c.id for c in choices if c.text == "흔한 오답"}
    by_quiz: dict[int, list[Question]] = {}
    for question in questions:
        by_quiz.setdefault(question.quiz_id, []).append(question)

    instructor = User.objects.create_user(
        f"synthetic-{tag}-teacher", password=password, display_name=f"강사 {tag}"
    )
    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(username=f"synthetic-{tag}-{n:04d}", display_name=f"학습자 {n:04d}", password=unusable)
        for n in range(1, learner_count + 1)
    )
    group = StudyGroup.objects.create(
        name=f"Synthetic group {tag}",
        pace=StudyGroup.Pace.WEEKLY,
        pace_start=timezone.localdate() - timedelta(days=DAYS),
        lessons_per_week=max(1, lesson_count // 12),
    )
    group.categories.set([category])
    Membership.objects.bulk_create(
        [Membership(group=group, user=instructor, role=Membership.Role.INSTRUCTOR)]
        + [Membership(group=group, user=user, role=Membership.Role.LEARNER) for user in users]
    )
    # Members since the pace started, as their activity says (past the week of grace).
    Membership.objects.filter(group=group).update(
        joined_at=timezone.now() - timedelta(days=DAYS + 1)
    )

    completions, attempts, answers = [], [], []
    for user in users:
        reached = int(lesson_count * rng.betavariate(2, 2))
        skill = rng.uniform(0.4, 0.98)
        for index, (lesson, quiz) in enumerate(zip(lessons[:reached], quizzes, strict=False)):
            days_ago = DAYS * (1 - (index + 1) / (reached + 1)) + rng.uniform(0, 2)
            at = now - timedelta(days=days_ago)
            marks = [rng.random() < skill for _ in by_quiz[quiz.pk]]
            score = sum(marks)
            attempts.append(
                QuizAttempt(
                    user=user,
                    quiz=quiz,
                    score=score,
                    max_score=len(marks),
                    passed=quiz.passes(score, len(marks)),
                    form_token=f"synthetic-{quiz.pk}",
                    submitted_at=at,
                )
            )
            given = zip(by_quiz[quiz.pk], marks, strict=True)
            answers.append([(q, right[q.pk] if ok else wrong[q.pk], ok) for q, ok in given])
            if quiz.passes(score, len(marks)) or rng.random() < 0.3:
                completions.append(Completion(user=user, lesson=lesson, completed_at=at))

    Completion.objects.bulk_create(completions, batch_size=2000)
    moments = [a.submitted_at for a in attempts]
    attempts = QuizAttempt.objects.bulk_create(attempts, batch_size=2000)
    # bulk_create stamps submitted_at with now (auto_now_add); date them back, a day at a time.
    by_day: dict[int, list[int]] = {}
    for made, moment in zip(attempts, moments, strict=True):
        by_day.setdefault((now - moment).days, []).append(made.pk)
    for days_ago, ids in by_day.items():
        QuizAttempt.objects.filter(pk__in=ids).update(submitted_at=now - timedelta(days=days_ago))
    rows = AttemptAnswer.objects.bulk_create(
        (
            AttemptAnswer(attempt=made, question=question, is_correct=ok)
            for made, given in zip(attempts, answers, strict=True)
            for question, _, ok in given
        ),
        batch_size=2000,
    )
    through = AttemptAnswer.choices.through
    chosen = (choice_id for given in answers for _, choice_id, _ in given)
    through.objects.bulk_create(
        (
            through(attemptanswer_id=row.pk, choice_id=choice_id)
            for row, choice_id in zip(rows, chosen, strict=True)
        ),
        batch_size=5000,
    )
    return group, instructor
