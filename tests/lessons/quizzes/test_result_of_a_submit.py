"""The result a submit shows is built from the answers it just graded, not read back:
it must be the very result the attempt's own page reads from the database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lessons.models import AttemptAnswer, QuizAttempt
from tests.helpers.quiz_fixtures import answer_items, form_token, with_token

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize(
    "wrong",
    [(), ("single", "short"), ("multiple", "true_false"), ("single", "multiple", "short")],
    ids=["all-right", "single-short", "multiple-true-false", "three-wrong"],
)
def test_the_submit_shows_what_the_attempt_page_reads_back(learner, url, quiz, wrong):
    fields = with_token(form_token(learner.get(url).content), quiz.wrong(*wrong))

    with CaptureQueriesContext(connection) as queries:
        submitted = learner.post(url, fields, **HTMX)
    read = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]

    attempt = QuizAttempt.objects.get()
    page = learner.get(reverse("lessons:quiz_attempt", args=[quiz.lesson.slug, attempt.id]))
    shown = answer_items(submitted.content)
    assert len(shown) == 4
    assert shown == answer_items(page.content)
    assert not [sql for sql in read if AttemptAnswer._meta.db_table in sql]


def test_a_repeated_form_still_reads_its_attempt_back(learner, url, quiz):
    fields = with_token(form_token(learner.get(url).content), quiz.wrong("single"))
    first = learner.post(url, fields, **HTMX)

    again = learner.post(url, fields, **HTMX)

    assert QuizAttempt.objects.count() == 1
    assert answer_items(again.content) == answer_items(first.content)
