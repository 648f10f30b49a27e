"""`manage.py make_bench_data`: fill the database up to a realistic size for `make bench`
(by default 1,000 published lessons, 2,000 learners, 100,000 completions and 40,000 review
items), on top of whatever is there. Rows are bulk-inserted; lesson bodies reuse one
rendered seed lesson."""

import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from lessons.models import Category, Completion, Lesson, Question, ReviewItem
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

    @transaction.atomic
    def handle(
        self, *args, lessons: int, learners: int, completions: int, review_items: int, **options
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
        self.stdout.write(
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
