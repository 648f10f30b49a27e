"""Today's review reads the learner's queue in one written-out statement
(lessons/sql/review.py); it holds to the queue's own rule (`queue` in
lessons/review/queue.py: items of lessons learners may see now, except questions drawn
into the learner's open mock exam), on both databases and in every state a lesson or
mock exam can be in."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from lessons.models import Exam, Lesson, MockSitting, ReviewItem
from lessons.models.exams import GRACE
from lessons.review import queue as review
from lessons.sql import review as review_sql
from tests.conftest import make_lesson
from tests.helpers.quiz_fixtures import make_quiz

pytestmark = pytest.mark.django_db


def by_statement(user, now) -> set[int]:
    with mock.patch("django.utils.timezone.now", return_value=now):
        return {row.id for row in review_sql.queue_rows(user, now)}


def by_models(user, now) -> set[int]:
    with mock.patch("django.utils.timezone.now", return_value=now):
        return set(review.queue(user).values_list("id", flat=True))


def test_the_statement_holds_the_queue_to_the_models_rules(alice, bob, basic):
    now = timezone.now()
    published = make_quiz(make_lesson(basic, "Pods"), 3)[1]
    draft = make_quiz(make_lesson(basic, "Draft", status=Lesson.Status.DRAFT), 1)[1]
    later = now + timedelta(hours=2)
    scheduled = make_quiz(make_lesson(basic, "Later", visible_from=later), 1)[1]
    for user in (alice, bob):
        ReviewItem.objects.bulk_create(
            ReviewItem(user=user, question=q, box=1, due_at=now - timedelta(hours=1))
            for q in [*published, *draft, *scheduled]
        )
    exam = Exam.objects.create(name="CKA", slug="cka-exam", duration_minutes=30, pass_mark=66,
                               questions_per_sitting=1)  # fmt: skip
    deadline = now + timedelta(minutes=30)
    sitting = MockSitting.objects.create(
        user=alice, exam=exam, started_at=now, deadline=deadline, max_score=1
    )
    sitting.questions.create(question=published[0], position=1)

    moments = [
        now,  # the first question held by the open mock exam; the draft and later out
        sitting.deadline + GRACE - timedelta(seconds=1),  # still held, in the grace
        sitting.deadline + GRACE + timedelta(seconds=1),  # time up: no longer held
        later + timedelta(seconds=1),  # the scheduled lesson's time has come
    ]
    seen = []
    for moment in moments:
        for user in (alice, bob):
            assert by_statement(user, moment) == by_models(user, moment)
        seen.append(len(by_statement(alice, moment)))
    assert seen == [2, 2, 3, 4]
    sitting.finished_at = now
    sitting.save()
    assert by_statement(alice, now) == by_models(alice, now)
    assert len(by_statement(alice, now)) == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_today_s_review_reads_the_queue_prepared(alice, alice_client, basic):
    """Planning the ORM's queries for the card cost more than running them."""
    question = make_quiz(make_lesson(basic, "Pods"), 1)[1][0]
    ReviewItem.objects.create(
        user=alice, question=question, box=1, due_at=timezone.now() - timedelta(hours=1)
    )
    for _ in range(6):  # psycopg prepares a statement from its fifth run
        page = alice_client.get(reverse("lessons:review_today")).content.decode()
    assert "Pods" in page
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any("lessons_reviewitem" in statement for statement in prepared)
