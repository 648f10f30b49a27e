"""The quiz pages read their lesson, quiz and whether the learner's open mock exam holds
one of its questions in one written-out statement (lessons/sql/lesson.py, `with_held`);
it holds to access.get_visible_lesson's `with_held` (the models' held_questions rule), on
both databases, before, in and after a sitting's grace."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from lessons.content.access import get_visible_lesson
from lessons.models import Exam, MockSitting
from lessons.models.exams import GRACE
from lessons.sql.lesson import fetch_lesson
from tests.conftest import make_lesson
from tests.helpers.quiz_fixtures import make_quiz

pytestmark = pytest.mark.django_db


def held(user, slug: str, now) -> tuple[bool, bool]:
    with mock.patch("django.utils.timezone.now", return_value=now):
        by_statement = fetch_lesson(user, slug, with_held=True)
        by_models = get_visible_lesson(user, slug, with_held=True)
    assert by_statement.pk == by_models.pk and by_statement.quiz.pk == by_models.quiz.pk
    return by_statement.held, by_models.held


def test_the_held_flag_agrees_with_the_models(alice, bob, basic):
    now = timezone.now()
    quizzes = [make_quiz(make_lesson(basic, title), 2) for title in ("Pods", "Services")]
    exam = Exam.objects.create(name="CKA", slug="cka-exam", duration_minutes=30, pass_mark=66,
                               questions_per_sitting=1)  # fmt: skip
    sitting = MockSitting.objects.create(
        user=alice, exam=exam, started_at=now, deadline=now + timedelta(minutes=30), max_score=1
    )
    sitting.questions.create(question=quizzes[0][1][0], position=1)
    moments = {
        now: True,
        sitting.deadline + GRACE - timedelta(seconds=1): True,  # still held, in the grace
        sitting.deadline + GRACE + timedelta(seconds=1): False,  # time up
    }
    for moment, expected in moments.items():
        assert held(alice, quizzes[0][0].lesson.slug, moment) == (expected, expected)
        assert held(alice, quizzes[1][0].lesson.slug, moment) == (False, False)
        assert held(bob, quizzes[0][0].lesson.slug, moment) == (False, False)
    sitting.finished_at = now
    sitting.save()
    assert held(alice, quizzes[0][0].lesson.slug, now) == (False, False)
