"""The dashboard's query count does not grow with the group: the same number of queries
for 3 learners × 8 lessons as for 40 learners × 60 lessons (the whole matrix), and for 10
learners × 260 lessons as for 70 × 40 and 200 × 100 (a cohort's summary and pages)."""

import random
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
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
from tests.helpers.groups import logged_in

pytestmark = pytest.mark.django_db


def _bulk_group(name: str, learner_count: int, lesson_count: int) -> tuple[StudyGroup, User]:
    """A group with its own category, lessons, one-question quizzes, completions, attempts
    and answers, made with bulk_create."""
    rng = random.Random(learner_count)
    now = timezone.now()
    category = Category.objects.create(name=name, slug=name)
    lessons = Lesson.objects.bulk_create(
        Lesson(
            category=category,
            title=f"{name} {n}",
            slug=f"{name}-{n}",
            body="본문",
            status=Lesson.Status.PUBLISHED,
            position=n,
        )
        for n in range(lesson_count)
    )
    quizzes = Quiz.objects.bulk_create(Quiz(lesson=lesson) for lesson in lessons)
    questions = Question.objects.bulk_create(
        Question(quiz=quiz, kind="single", prompt="?", prompt_html="<p>?</p>") for quiz in quizzes
    )
    Choice.objects.bulk_create(
        Choice(question=question, text=text, is_correct=text == "맞음")
        for question in questions
        for text in ("맞음", "틀림")
    )
    teacher = User.objects.create(username=f"{name}-teacher")
    learners = User.objects.bulk_create(
        User(username=f"{name}-{n}", display_name=f"학습자 {n}") for n in range(learner_count)
    )
    group = StudyGroup.objects.create(
        name=name, pace="weekly", pace_start=timezone.localdate() - timedelta(days=30),
        lessons_per_week=2,
    )  # fmt: skip
    group.categories.set([category])
    Membership.objects.bulk_create(
        [Membership(group=group, user=teacher, role="instructor")]
        + [Membership(group=group, user=user, role="learner") for user in learners]
    )
    completions, attempts = [], []
    for user in learners:
        for lesson, quiz in zip(lessons, quizzes, strict=True):
            if rng.random() < 0.6:
                completions.append(
                    Completion(user=user, lesson=lesson, completed_at=now - timedelta(days=3))
                )
            if rng.random() < 0.5:
                right = rng.random() < 0.7
                attempts.append(
                    QuizAttempt(user=user, quiz=quiz, score=int(right), max_score=1, passed=right)
                )
    for attempt in attempts:
        attempt.form_token = str(attempt.quiz_id)
    Completion.objects.bulk_create(completions)
    attempts = QuizAttempt.objects.bulk_create(attempts)
    question_of = {question.quiz_id: question for question in questions}
    AttemptAnswer.objects.bulk_create(
        AttemptAnswer(attempt=made, question=question_of[made.quiz_id], is_correct=made.passed)
        for made in attempts
    )
    return group, teacher


def _count(client, url: str, **headers) -> int:
    cache.clear()  # the cohort's figures are cached: count what a first view costs
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries)


def test_it_makes_as_many_queries_for_40_x_60_as_for_3_x_8():
    small, small_teacher = _bulk_group("small", 3, 8)
    big, big_teacher = _bulk_group("big", 40, 60)
    assert Completion.objects.filter(lesson__category__slug="big").count() > 1_000

    def urls(group: StudyGroup) -> list[tuple[str, dict]]:
        learner = group.memberships.filter(role="learner").order_by("user_id").first().user_id
        lesson = Lesson.objects.filter(category__study_groups=group).order_by("pk").first().pk
        return [
            (reverse("groups:dashboard", args=[group.pk]), {}),
            (reverse("groups:dashboard", args=[group.pk]), {"HX-Request": "true"}),
            (reverse("groups:dashboard", args=[group.pk]) + "?sort=-progress&attention=1", {}),
            (reverse("groups:dashboard_csv", args=[group.pk]), {}),
            (reverse("groups:dashboard_learner", args=[group.pk, learner]), {}),
            (reverse("groups:dashboard_lesson", args=[group.pk, lesson]), {}),
            (reverse("groups:detail", args=[group.pk]), {}),
        ]

    small_client, big_client = logged_in(small_teacher), logged_in(big_teacher)
    for (small_url, headers), (big_url, _) in zip(urls(small), urls(big), strict=True):
        small_count = _count(small_client, small_url, **headers)
        big_count = _count(big_client, big_url, **headers)
        assert small_count == big_count, (big_url, headers, small_count, big_count)
        # The reach-out list adds one query (who was nudged today), whatever the size.
        assert big_count <= 13, (big_url, big_count)


def test_a_cohort_makes_as_many_queries_at_10_70_and_200_learners():
    """A cohort's first view, a page of rows, an opened section, the activity panel and
    the CSV each cost a fixed number of queries, whatever the number of learners."""
    groups = [
        _bulk_group("few", 10, 260),  # a cohort by its cells
        _bulk_group("more", 70, 40),  # a cohort by its learners
        _bulk_group("many", 200, 100),
    ]
    assert Completion.objects.filter(lesson__category__slug="many").count() > 10_000

    def urls(group: StudyGroup) -> list[tuple[str, dict]]:
        base = reverse("groups:dashboard", args=[group.pk])
        return [
            (base, {}),
            (base, {"HX-Request": "true"}),
            (base + "?sort=-progress&attention=1", {}),
            (base + "?sort=last_active&page=2", {}),
            (base + "?page=2&rows=1", {"HX-Request": "true"}),
            (base + "?section=w1", {}),
            (base + "?panel=activity", {"HX-Request": "true"}),
            (reverse("groups:dashboard_csv", args=[group.pk]), {}),
        ]

    counts = []
    for group, teacher in groups:
        client = logged_in(teacher)
        counts.append([_count(client, url, **headers) for url, headers in urls(group)])
    assert counts[0] == counts[1] == counts[2], counts
    assert max(counts[0]) <= 15, counts[0]  # 14 before the reach-out list
