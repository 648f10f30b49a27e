"""Missed questions enter the review queue in one upsert (lessons/sql/misses.py); it holds
to the queue's rule as the ORM writes it (an insert of new items, then an update of all),
on both databases, for a question new to the queue, one waiting in a box, one retired."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from lessons.models import ReviewItem
from lessons.review import queue as review
from lessons.sql import misses
from tests.conftest import make_lesson
from tests.helpers.quiz_fixtures import make_quiz

pytestmark = pytest.mark.django_db

FIELDS = [
    "question_id",
    "box",
    "due_at",
    "retired_at",
    "times_missed",
    "times_reviewed",
    "last_missed_at",
    "last_reviewed_at",
    "last_review_correct",
    "created_at",
]


def by_models(user, question_ids, due_at, now) -> None:
    """The queue's rule through the ORM, as it was written before the statement."""
    ReviewItem.objects.bulk_create(
        [ReviewItem(user=user, question_id=q, box=1, due_at=due_at) for q in question_ids],
        ignore_conflicts=True,
    )
    ReviewItem.objects.filter(user=user, question_id__in=question_ids).update(
        box=1,
        due_at=due_at,
        retired_at=None,
        times_missed=F("times_missed") + 1,
        last_missed_at=now,
    )


def queue_of(user, now) -> list[dict]:
    """The learner's items; of `created_at`, whether the item was there before `now`."""
    rows = list(ReviewItem.objects.filter(user=user).order_by("question_id").values(*FIELDS))
    for row in rows:
        row["created_at"] = row["created_at"] < now
    return rows


def with_items(user, questions, now) -> None:
    waiting, retired = questions[1], questions[2]
    ReviewItem.objects.create(
        user=user, question=waiting, box=3, due_at=now + timedelta(days=5), times_missed=2,
        times_reviewed=4, last_missed_at=now - timedelta(days=9),
        last_reviewed_at=now - timedelta(days=2), last_review_correct=True,
    )  # fmt: skip
    ReviewItem.objects.create(
        user=user, question=retired, box=5, due_at=now - timedelta(days=1), times_missed=1,
        times_reviewed=5, retired_at=now - timedelta(days=1), last_review_correct=True,
    )  # fmt: skip
    ReviewItem.objects.filter(user=user).update(created_at=now - timedelta(days=30))


def test_the_upsert_writes_what_the_models_write(alice, bob, basic):
    _, questions = make_quiz(make_lesson(basic, "Pods"), 4)
    now = timezone.now().replace(microsecond=0) - timedelta(hours=3)
    due_at = now + timedelta(days=1)
    for user in (alice, bob):
        with_items(user, questions, now)
    missed = [q.id for q in questions[:3]]

    by_models(alice, missed, due_at, now)
    misses.record_misses(bob.id, missed, due_at, now)

    assert queue_of(bob, now) == queue_of(alice, now)
    new, waiting, retired = queue_of(bob, now)
    assert (new["box"], new["times_missed"], new["last_missed_at"]) == (1, 1, now)
    assert not new["created_at"] and waiting["created_at"]
    assert (waiting["box"], waiting["times_missed"], waiting["times_reviewed"]) == (1, 3, 4)
    assert (retired["retired_at"], retired["due_at"]) == (None, due_at)


def test_the_queue_sends_one_statement_for_many_misses(alice, basic, django_assert_num_queries):
    _, questions = make_quiz(make_lesson(basic, "Pods"), 5)
    results = [(q.id, False) for q in questions] + [(questions[0].id, True)]

    with django_assert_num_queries(1):
        review.record_misses(alice, results)
    with django_assert_num_queries(0):
        review.record_misses(alice, [(questions[1].id, True)])

    assert (
        list(ReviewItem.objects.filter(user=alice).values_list("times_missed", flat=True))
        == [1] * 5
    )
