"""The one htmx response policy (lessons/kernel/web.py): every htmx form and link answers a valid,
an invalid and an anonymous request with something htmx can swap into its target."""

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from lessons.models import QuizAttempt
from tests.helpers.quiz_fixtures import form_token, make_every_kind_quiz, parse, with_token

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def quiz(lessons):
    return make_every_kind_quiz(lessons[0])


def root_id(html: bytes) -> str:
    """The id of a fragment's first element: what htmx puts into (or in place of) the target."""
    match = re.match(r"\s*<[a-z0-9]+[^>]*\sid=\"([^\"]+)\"", html.decode())
    assert match, html[:200]
    return match.group(1)


def test_it_loads_htmx_without_the_debug_script_that_replaces_the_page(client, settings, lessons):
    for debug in (True, False):
        settings.DEBUG = debug
        html = client.get(reverse("lessons:home")).content.decode()
        assert "django_htmx/htmx-2.min.js" in html
        assert "django-htmx.js" not in html


def test_it_swaps_only_form_errors_among_error_answers(client, lessons):
    html = client.get(reverse("lessons:home")).content.decode()
    config = json.loads(re.search(r'name="htmx-config" content=\'([^\']+)\'', html).group(1))
    swapped = [rule["code"] for rule in config["responseHandling"] if rule["swap"]]
    assert swapped == ["[23]..", "422"]


def test_it_never_writes_an_inline_style_the_policy_refuses(client, lessons):
    """No indicator <style> element, and no `style` attribute carried from an old element
    to its replacement while a swap settles (tests/browser/test_quiz_evening.py)."""
    html = client.get(reverse("lessons:home")).content.decode()
    config = json.loads(re.search(r'name="htmx-config" content=\'([^\']+)\'', html).group(1))
    assert config["includeIndicatorStyles"] is False
    assert "style" not in config["attributesToSettle"]


def test_it_varies_every_page_on_hx_request(client, alice_client, lessons):
    for response in (
        client.get(reverse("lessons:home")),
        alice_client.get(reverse("lessons:lesson", args=["pods"])),
        client.get(reverse("lessons:search"), {"q": "pods"}),
    ):
        assert "HX-Request" in response["Vary"]


def test_it_gives_a_history_restore_the_whole_page(alice_client, quiz):
    url = reverse("lessons:quiz", args=[quiz.lesson.slug])
    restore = {**HTMX, "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}

    assert "<html" in alice_client.get(url, **restore).content.decode()
    assert "<html" not in alice_client.get(url, **HTMX).content.decode()


def test_it_answers_an_incomplete_quiz_with_422_and_the_form_alone(alice_client, quiz):
    url = reverse("lessons:quiz", args=[quiz.lesson.slug])
    token = form_token(alice_client.get(url).content)
    single = quiz.questions["single"]

    fields = with_token(token, quiz.answers()) | {f"q{single.id}": []}

    response = alice_client.post(url, fields, **HTMX)

    assert response.status_code == 422
    assert response["HX-Retarget"] == "#quiz-form"
    assert response["HX-Reswap"] == "outerHTML"
    assert root_id(response.content) == "quiz-form"
    summary = parse(response.content).find("div", class_="error-summary")
    assert summary.find("a").attrs["href"] == f"#question-{single.id}"
    assert "data-focus-after-swap" in summary.attrs
    fieldset = parse(response.content).find("fieldset", id=f"question-{single.id}")
    assert "has-error" in fieldset.attrs["class"]
    assert f"question-{single.id}-error" in fieldset.attrs["aria-describedby"]
    assert "Question 1 has no answer." in fieldset.text
    assert not QuizAttempt.objects.exists()


def test_it_answers_a_scored_quiz_with_the_result_and_its_address(alice_client, quiz):
    url = reverse("lessons:quiz", args=[quiz.lesson.slug])
    token = form_token(alice_client.get(url).content)

    response = alice_client.post(url, with_token(token, quiz.answers()), **HTMX)

    attempt = QuizAttempt.objects.get()
    assert response.status_code == 200
    assert response["HX-Push-Url"] == reverse(
        "lessons:quiz_attempt", args=[quiz.lesson.slug, attempt.id]
    )
    assert root_id(response.content) == "quiz-result"
    assert "data-focus-after-swap" in parse(response.content).find("section").attrs


def test_it_offers_a_retake_into_the_same_area(alice_client, quiz):
    url = reverse("lessons:quiz", args=[quiz.lesson.slug])
    token = form_token(alice_client.get(url).content)
    alice_client.post(url, with_token(token, quiz.answers()))

    again = alice_client.get(url, **HTMX)

    assert again.status_code == 200
    assert root_id(again.content) == "quiz-form"


def test_it_answers_an_invalid_review_with_422_into_the_review(alice_client, quiz):
    url = reverse("lessons:quiz", args=[quiz.lesson.slug])
    token = form_token(alice_client.get(url).content)
    alice_client.post(url, with_token(token, quiz.wrong("single")))
    review = reverse("lessons:review")

    response = alice_client.post(review, {"form_token": "x" * 20}, **HTMX)

    assert response.status_code == 422
    assert response["HX-Retarget"] == "#review-body"
    assert root_id(response.content) == "review-body"


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(reverse("lessons:review"), id="review"),
        pytest.param(reverse("lessons:my_progress"), id="my-progress"),
    ],
)
def test_it_sends_an_expired_session_to_log_in_and_back_to_its_page(client, lessons, path):
    page = "http://testserver/lessons/pods/?tab=1"

    response = client.get(path, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=page)

    # The whole page goes to the login page: never a login form inside a fragment.
    assert response.status_code == 200
    location = urlsplit(response["HX-Redirect"])
    assert location.path == reverse("login")
    assert parse_qs(location.query)["next"] == ["/lessons/pods/?tab=1"]
    assert b"<form" not in response.content


def test_it_never_sends_an_expired_session_back_to_another_site(client, lessons):
    response = client.get(
        reverse("lessons:review"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="https://evil.example/steal",
    )

    assert parse_qs(urlsplit(response["HX-Redirect"]).query)["next"] == ["/review/"]


def test_it_keeps_plain_requests_on_the_ordinary_login_redirect(client, lessons):
    response = client.get(reverse("lessons:review"))

    assert response.status_code == 302
    assert urlsplit(response.url).path == reverse("login")


def test_it_refuses_a_bad_done_value_without_a_swap(alice_client, lessons):
    url = reverse("lessons:completion", args=["pods"])

    response = alice_client.post(url, {"done": "maybe"}, **HTMX)

    # 400 is not swapped (see the htmx config); portal.js shows a message instead.
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("name", "data", "target"),
    [
        ("lessons:completion", {"done": "1"}, "completion"),
        ("lessons:quiz", None, "quiz-form"),
    ],
)
def test_it_answers_every_htmx_form_with_its_target(alice_client, quiz, name, data, target):
    url = reverse(name, args=[quiz.lesson.slug])
    if data is None:
        data = {"form_token": form_token(alice_client.get(url).content)}

    valid_or_invalid = alice_client.post(url, data, **HTMX)
    anonymous = Client().post(url, data, **HTMX)

    assert valid_or_invalid.status_code in (200, 422)
    assert root_id(valid_or_invalid.content) == target
    assert anonymous.status_code == 200
    assert urlsplit(anonymous["HX-Redirect"]).path == reverse("login")


def test_it_answers_live_search_with_its_listbox(client, lessons):
    response = client.get(
        reverse("lessons:search"),
        {"q": "pods"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="site-search-results",
    )

    assert response.status_code == 200
    assert root_id(response.content) == "site-search-listbox"
