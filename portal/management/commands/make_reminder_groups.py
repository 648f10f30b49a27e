"""`manage.py make_reminder_groups`: study groups with a weekly pace and their learners
(by default 200 groups of 50, 10,000 learners with addresses), for `make bench`'s
reminder rows: the scheduler's enqueueing and one worker's mails a second."""

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from lessons.models import Category
from portal.models import Membership, StudyGroup, User


class Command(BaseCommand):
    help = "Add paced study groups full of learners who get evening reminders."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--groups", type=int, default=200)
        parser.add_argument("--learners-per-group", type=int, default=50)

    @transaction.atomic
    def handle(self, *args, groups: int, learners_per_group: int, **options) -> None:
        password = make_password("bench-password-1")
        categories = list(Category.objects.filter(slug__in=["basic", "cka"]))
        start = timezone.localdate() - timedelta(days=10)
        made = StudyGroup.objects.bulk_create(
            StudyGroup(
                name=f"리마인더 스터디 {n}",
                pace=StudyGroup.Pace.WEEKLY,
                pace_start=start,
                lessons_per_week=2,
                invite_code=f"REMIND{n:05d}",
            )
            for n in range(groups)
        )
        for group in made:
            group.categories.set(categories)
        users = User.objects.bulk_create(
            User(
                username=f"remind{n}",
                email=f"remind{n}@example.com",
                display_name=f"학습자 {n}",
                password=password,
            )
            for n in range(groups * learners_per_group)
        )
        Membership.objects.bulk_create(
            Membership(group=made[n // learners_per_group], user=user)
            for n, user in enumerate(users)
        )
        self.stdout.write(f"{len(made)} groups, {len(users)} learners")
