"""`manage.py make_bench_data`: fill the database up to a realistic size for `make bench`
(by default 1,000 published lessons, 2,000 learners, 100,000 completions, 40,000 review
items and 3,000 finished mock exam sittings of 20 questions), on top of whatever is there.
Rows are bulk-inserted; lesson bodies reuse one rendered seed lesson."""

import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from lessons.models import (
    Category,
    Completion,
    Exam,
    Lesson,
    MockSitting,
    Question,
    ReviewItem,
    SittingQuestion,
)
from lessons.models.review import BOX_INTERVAL_DAYS
from portal.models import User

BENCH_PASSWORD = "bench-password-1"


class Command(BaseCommand):
    help = "Add lessons, learners and completions until the database has the given size."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--lessons", type=int, default=1000)
        parser.add_argument("--learners", type=int, default=2000)
        parser.add_argument("--completions", type=int, default=100_000)
        parser.add_argument("--review-items", type=int, default=40_000)
        parser.add_argument("--sittings", type=int, default=3000)

    @transaction.atomic
    def handle(
        self,
        *args,
        lessons: int,
        learners: int,
        completions: int,
        review_items: int,
        sittings: int,
        **options,
    ) -> None:
        rng = random.Random(1)
        sample = Lesson.objects.published().order_by("-reading_minutes").first()
        category, _ = Category.objects.get_or_create(
            slug="bench", defaults={"name": "Bench", "position": 99}
        )
        missing = lessons - Lesson.objects.published().count()
        Lesson.objects.bulk_create(
            Lesson(
                category=category,
                title=f"벤치마크 레슨 {n}: 배포와 네트워크",
                slug=f"bench-{n}",
                summary="합성 레슨",
                body=sample.body,
                body_html=sample.body_html,
                toc=sample.toc,
                reading_minutes=sample.reading_minutes,
                position=n,
                status=Lesson.Status.PUBLISHED,
            )
            for n in range(max(missing, 0))
        )
        password = make_password(BENCH_PASSWORD)
        missing = learners - User.objects.filter(is_staff=False).count()
        User.objects.bulk_create(
            User(username=f"bench{n}", password=password, display_name=f"학습자 {n}")
            for n in range(max(missing, 0))
        )
        lesson_ids = list(Lesson.objects.published().values_list("id", flat=True))
        user_ids = list(User.objects.filter(is_staff=False).values_list("id", flat=True))
        missing = completions - Completion.objects.count()
        pairs = set()
        while len(pairs) < max(missing, 0):
            pairs.add((rng.choice(user_ids), rng.choice(lesson_ids)))
        Completion.objects.bulk_create(
            (Completion(user_id=u, lesson_id=lesson) for u, lesson in pairs),
            batch_size=5000,
            ignore_conflicts=True,
        )
        add_review_items(rng, user_ids, review_items)
        _add_sittings(sittings, user_ids, rng)
        self.stdout.write(
            f"{MockSitting.objects.count()} mock exam sittings, "
            f"{Lesson.objects.published().count()} lessons, "
            f"{User.objects.filter(is_staff=False).count()} learners, "
            f"{Completion.objects.count()} completions, "
            f"{ReviewItem.objects.count()} review items. Learners log in as benchN / "
            f"{BENCH_PASSWORD}."
        )


def add_review_items(rng: random.Random, user_ids: list[int], total: int) -> None:
    """Review queues for the learners, up to `total` items: questions of the quizzes there
    are, spread over the boxes, about a third due now and a few retired."""
    question_ids = list(Question.objects.values_list("id", flat=True))
    missing = total - ReviewItem.objects.count()
    if not question_ids or missing <= 0:
        return
    # At most half of all (learner, question) pairs, so that drawing them stays quick.
    wanted = min(missing, len(user_ids) * len(question_ids) // 2)
    pairs = set()
    while len(pairs) < wanted:
        pairs.add((rng.choice(user_ids), rng.choice(question_ids)))
    now = timezone.now()

    def item(user_id: int, question_id: int) -> ReviewItem:
        box = rng.randint(1, 5)
        if rng.random() < 0.35:
            due_at = now - timedelta(hours=rng.uniform(1, 72))
        else:
            due_at = now + timedelta(days=rng.uniform(0.1, BOX_INTERVAL_DAYS[box]))
        retired = now - timedelta(days=rng.randint(1, 60)) if rng.random() < 0.1 else None
        return ReviewItem(
            user_id=user_id,
            question_id=question_id,
            box=box,
            due_at=due_at,
            retired_at=retired,
            times_missed=rng.randint(1, 4),
        )

    ReviewItem.objects.bulk_create(
        (item(u, q) for u, q in pairs), batch_size=5000, ignore_conflicts=True
    )


def _add_sittings(wanted: int, user_ids: list[int], rng: random.Random) -> None:
    """Finished mock exams of the first exam with randomly right answers; the first
    bench learner (the one `make bench` signs in as) has 20 of them."""
    exam = Exam.objects.first()
    missing = wanted - MockSitting.objects.count()
    if exam is None or missing <= 0:
        return
    pool = list(Question.objects.filter(domain__exam=exam).values_list("id", "domain_id"))
    size = min(exam.questions_per_sitting, len(pool))
    first = User.objects.filter(username="bench1").values_list("id", flat=True).first()
    owners = [first] * 20 if first else []
    owners += [rng.choice(user_ids) for _ in range(missing - len(owners))]
    now = timezone.now()
    sittings = MockSitting.objects.bulk_create(
        (
            MockSitting(
                user_id=user_id,
                exam=exam,
                started_at=now - timedelta(days=n % 60 + 1),
                deadline=now
                - timedelta(days=n % 60 + 1)
                + timedelta(minutes=exam.duration_minutes),
                finished_at=now - timedelta(days=n % 60 + 1) + timedelta(minutes=60),
                max_score=size,
            )
            for n, user_id in enumerate(owners[:missing])
        ),
        batch_size=1000,
    )
    rows = []
    for sitting in sittings:
        start = len(rows)
        for position, (question_id, domain_id) in enumerate(rng.sample(pool, size), start=1):
            answered = rng.random() < 0.9
            rows.append(
                SittingQuestion(
                    sitting=sitting,
                    question_id=question_id,
                    domain_id=domain_id,
                    position=position,
                    is_correct=rng.random() < 0.6 if answered else None,
                    answered_at=sitting.started_at + timedelta(minutes=position)
                    if answered
                    else None,
                )
            )
        score = sum(1 for row in rows[start:] if row.is_correct)
        sitting.score, sitting.passed = score, exam.passes(score, size)
    SittingQuestion.objects.bulk_create(rows, batch_size=5000)
    MockSitting.objects.bulk_update(sittings, ["score", "passed"], batch_size=1000)
