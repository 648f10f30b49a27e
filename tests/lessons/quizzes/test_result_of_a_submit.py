"""The result a submit shows is built from the answers it just graded, not read back:
it must be the very result the attempt's own page reads from the database."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lessons.models import AttemptAnswer, QuizAttempt
from lessons.quizzes import answer_items as answer_items_module
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


def items_rendered(response) -> int:
    """How many answer items the item template rendered for this response."""
    return sum(1 for template in response.templates if template.name == answer_items_module.ITEM)


def submit(learner, url, fields):
    return learner.post(url, with_token(form_token(learner.get(url).content), fields), **HTMX)


def test_each_answer_item_is_rendered_once_and_kept(learner, url, quiz):
    first = submit(learner, url, quiz.wrong("single", "short"))
    again = submit(learner, url, quiz.wrong("single", "short"))
    other = submit(learner, url, quiz.wrong("multiple"))

    assert items_rendered(first) == 4
    assert items_rendered(again) == 0
    assert answer_items(again.content) == answer_items(first.content)
    # Only the answers given differently (single, multiple and short) are new items.
    assert items_rendered(other) == 3
    assert [item.classes for item in answer_items(other.content)] == [
        ["answer", "is-right"],
        ["answer", "is-wrong"],
        ["answer", "is-right"],
        ["answer", "is-right"],
    ]


def test_a_kept_item_shows_each_learners_own_short_answer_escaped(learner, url, quiz):
    first = submit(learner, url, quiz.wrong("short"))
    hostile = submit(learner, url, quiz.answers(short="<b>kube</b>-dns?"))

    assert "<b>kube</b>" not in hostile.content.decode()
    assert "&lt;b&gt;kube&lt;/b&gt;-dns?" in hostile.content.decode()
    short_of = {item.text for item in answer_items(first.content)} ^ {
        item.text for item in answer_items(hostile.content)
    }
    assert len(short_of) == 2  # the two short-answer items differ; the rest are the same


def test_an_edited_explanation_shows_in_the_next_result(learner, url, quiz):
    submit(learner, url, quiz.wrong("single"))
    question = quiz.questions["single"]
    question.explanation = "Updated: `kubectl create` makes it."
    question.save()

    result = submit(learner, url, quiz.wrong("single"))

    assert "Updated:" in answer_items(result.content)[0].text


def test_each_language_has_its_own_items(learner, url, quiz):
    english = submit(learner, url, quiz.wrong("single"))
    learner.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    korean = submit(learner, url, quiz.wrong("single"))

    assert "Wrong" in answer_items(english.content)[0].text
    assert "오답" in answer_items(korean.content)[0].text
