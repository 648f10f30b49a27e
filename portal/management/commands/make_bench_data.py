"""`manage.py make_bench_data`: fill the database up to a realistic size for `make bench`
(by default 1,000 published lessons, 2,000 learners and 100,000 completions), on top of
whatever is there. Rows are bulk-inserted; lesson bodies reuse one rendered seed lesson."""

import random

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from lessons.models import Category, Completion, Lesson
from portal.models import User

BENCH_PASSWORD = "bench-password-1"


class Command(BaseCommand):
    help = "Add lessons, learners and completions until the database has the given size."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--lessons", type=int, default=1000)
        parser.add_argument("--learners", type=int, default=2000)
        parser.add_argument("--completions", type=int, default=100_000)

    @transaction.atomic
    def handle(self, *args, lessons: int, learners: int, completions: int, **options) -> None:
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
        self.stdout.write(
            f"{Lesson.objects.published().count()} lessons, "
            f"{User.objects.filter(is_staff=False).count()} learners, "
            f"{Completion.objects.count()} completions. Learners log in as benchN / "
            f"{BENCH_PASSWORD}."
        )
