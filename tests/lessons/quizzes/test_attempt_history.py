"""The "Your attempts" list of a quiz: kept rendered per learner and quiz, so that a long
history is not rendered again on every visit, and never stale after a new attempt."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from lessons.models import QuizAttempt
from lessons.quizzes import history
from tests.helpers.quiz_fixtures import form_token, in_english, parse
from tests.helpers.quiz_fixtures import with_token as with_form_token

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def take(client, url: str, fields: dict, **headers):
    return client.post(url, with_form_token(form_token(client.get(url).content), fields), **headers)


def listed(response) -> list[str]:
    section = parse(response.content).find("section", class_="attempts")
    return [item.text.split("— ")[1] for item in section.find("ol").find_all("li")]


def items_rendered(response) -> int:
    """How many attempts the list's own template rendered for this response."""
    return sum(
        len(context.get("attempts", []))
        for template, context in zip(response.templates, response.context, strict=True)
        if template.name == history.ITEMS
    )


@pytest.fixture
def blocks_of_two(monkeypatch):
    monkeypatch.setattr(history, "CHUNK", 2)


def test_a_second_visit_renders_none_of_the_list_again(learner, url, quiz, blocks_of_two):
    for fields in (quiz.wrong("single", "short"), quiz.answers(), quiz.wrong("multiple")):
        take(learner, url, fields)
    first = learner.get(url)
    again = learner.get(url)

    # Each attempt fetched the form first: the block of the first two was kept then.
    assert items_rendered(first) == 1
    assert items_rendered(again) == 0
    assert (
        listed(again)
        == listed(first)
        == [
            "3 / 4 (75%) passed",
            "4 / 4 (100%) passed",
            "2 / 4 (50%) not passed",
        ]
    )


def test_a_new_attempt_shows_at_once_and_renders_only_the_newest_block(
    learner, url, quiz, blocks_of_two
):
    for fields in (quiz.wrong("single", "short"), quiz.wrong("multiple"), quiz.answers()):
        take(learner, url, fields)
    learner.get(url)

    result = take(learner, url, quiz.wrong("single"), **HTMX)

    assert items_rendered(result) == 2  # the third and fourth; the first two were kept
    assert listed(result) == [
        "3 / 4 (75%) passed",
        "4 / 4 (100%) passed",
        "3 / 4 (75%) passed",
        "2 / 4 (50%) not passed",
    ]
    best = parse(result.content).find("section", class_="attempts").find("p").text
    assert best == "Best score: 4 / 4 (100%)"
    page = learner.get(url)
    assert items_rendered(page) == 0
    assert listed(page) == listed(result)
    # The newest block kept before the fourth attempt is let go: two blocks are kept.
    assert sum("lessons:attempt-items" in key for key in cache._cache) == 2
    section = parse(page.content).find("section", class_="attempts")
    links = [a.attrs["href"] for a in section.find("ol").find_all("a")]
    assert links == [
        reverse("lessons:quiz_attempt", args=[quiz.lesson.slug, pk])
        for pk in QuizAttempt.objects.values_list("id", flat=True)
    ]


def test_another_process_renders_only_what_it_lacks(learner, url, quiz, blocks_of_two):
    """Web processes that do not share a cache: one that kept nothing renders every
    block once, then only the newest block after each new attempt."""
    for fields in (quiz.answers(), quiz.wrong("multiple"), quiz.answers()):
        take(learner, url, fields)
    cache.clear()
    assert items_rendered(learner.get(url)) == 3
    assert items_rendered(learner.get(url)) == 0


def test_an_attempt_added_elsewhere_shows_on_the_next_visit(learner, alice, url, quiz):
    take(learner, url, quiz.answers())
    learner.get(url)
    QuizAttempt.objects.create(
        user=alice, quiz=quiz.quiz, score=1, max_score=4, passed=False, form_token="other"
    )

    assert listed(learner.get(url)) == ["1 / 4 (25%) not passed", "4 / 4 (100%) passed"]


def test_each_learner_and_each_language_has_their_own_list(learner, bob, url, quiz):
    take(learner, url, quiz.answers())
    learner.get(url)

    other = in_english(Client())
    other.force_login(bob)
    assert b"attempts-heading" not in other.get(url).content
    learner.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    in_korean = parse(learner.get(url).content).find("section", class_="attempts")
    assert "통과" in in_korean.text and "passed" not in in_korean.text
