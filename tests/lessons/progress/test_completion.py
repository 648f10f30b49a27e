"""Marking a lesson done (and undoing it): the form post, the htmx control, and its rules."""

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from lessons.models import Completion, Lesson
from tests.conftest import bar_numbers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def completion_url(slug: str = "pods") -> str:
    return reverse("lessons:completion", args=[slug])


def done_slugs(user) -> set[str]:
    return set(Completion.objects.filter(user=user).values_list("lesson__slug", flat=True))


class TopLevelElements(HTMLParser):
    """The tags and attributes of the elements at the top of an HTML fragment."""

    VOID = {"input", "br", "hr", "img", "meta", "link"}

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        if self.depth == 0:
            self.elements.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.depth += 1

    def handle_endtag(self, tag):
        self.depth -= 1


def top_level_elements(html: str) -> list[tuple[str, dict]]:
    parser = TopLevelElements()
    parser.feed(html)
    return parser.elements


def test_it_marks_a_lesson_done_and_returns_to_the_lesson(alice_client, alice, lessons):
    response = alice_client.post(completion_url(), {"done": "1"})

    assert response.status_code == 302
    assert response.url == reverse("lessons:lesson", args=["pods"]) + "#completion"
    assert done_slugs(alice) == {"pods"}
    html = alice_client.get(response.url).content.decode()
    assert "You have finished this lesson." in html
    completion = html[html.index('<section id="completion"') :]
    assert "Marked “Pods” done." in completion[: completion.index("</section>")]
    assert 'name="done" value="0"' in html


def test_it_undoes_a_completion(alice_client, alice, lessons):
    alice_client.post(completion_url(), {"done": "1"})

    response = alice_client.post(completion_url(), {"done": "0"})

    assert response.status_code == 302
    assert response.url == reverse("lessons:lesson", args=["pods"]) + "#completion"
    assert done_slugs(alice) == set()
    html = alice_client.get(response.url).content.decode()
    assert 'name="done" value="1"' in html


def test_it_returns_to_the_control_whatever_next_says(alice_client, lessons):
    response = alice_client.post(completion_url(), {"done": "1", "next": "https://evil.example/"})

    assert response.url == reverse("lessons:lesson", args=["pods"]) + "#completion"


def test_it_answers_htmx_with_the_control_and_out_of_band_bars(alice_client, alice, lessons, basic):
    response = alice_client.post(completion_url(), {"done": "1"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()

    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="completion"')
    assert "You have finished this lesson." in html
    assert 'name="done" value="0"' in html
    assert "<html" not in html
    assert "본문입니다." not in html  # not the lesson again
    assert f'id="bar-{basic.id}" hx-swap-oob="true"' in html
    assert 'id="bar-overall" hx-swap-oob="true"' in html
    assert bar_numbers(html, basic.id) == "1 of 3 (33%)"
    assert bar_numbers(html, "overall") == "1 of 4 (25%)"
    assert done_slugs(alice) == {"pods"}


def test_it_answers_htmx_undo_with_the_lowered_bars(alice_client, alice, lessons, basic):
    alice_client.post(completion_url("pods"), {"done": "1"})
    alice_client.post(completion_url("services"), {"done": "1"})

    response = alice_client.post(completion_url("pods"), {"done": "0"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()

    assert 'name="done" value="1"' in html
    assert bar_numbers(html, basic.id) == "1 of 3 (33%)"
    assert bar_numbers(html, "overall") == "1 of 4 (25%)"
    assert done_slugs(alice) == {"services"}


def test_it_answers_htmx_with_nothing_but_the_control_and_the_bars(alice_client, lessons, basic):
    response = alice_client.post(completion_url(), {"done": "1"}, HTTP_HX_REQUEST="true")

    top = [(tag, attrs.get("id")) for tag, attrs in top_level_elements(response.content.decode())]
    assert sorted(top, key=str) == sorted(
        [
            ("section", "completion"),
            ("span", "lesson-status"),
            ("div", f"bar-{basic.id}"),
            ("div", "bar-overall"),
        ],
        key=str,
    )


def test_it_keeps_focus_on_the_control_and_announces_the_change(alice_client, lessons):
    response = alice_client.post(completion_url(), {"done": "1"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert '<button type="submit" name="done" value="0" class="secondary" data-focus' in html
    assert "lesson-status" in html and "✓ Done" in html
    assert json.loads(response["HX-Trigger"]) == {
        "portal:announce": {"message": "Marked “Pods” done."}
    }


def test_it_keeps_one_completion_and_its_first_date_when_posted_twice(alice_client, alice, lessons):
    alice_client.post(completion_url(), {"done": "1"})
    first = Completion.objects.get(user=alice)

    response = alice_client.post(completion_url(), {"done": "1"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert Completion.objects.filter(user=alice).count() == 1
    assert Completion.objects.get(user=alice).completed_at == first.completed_at


@pytest.mark.parametrize("done", ["", "2", "yes", "true", " 1", "1 "])
def test_it_refuses_a_done_value_other_than_1_or_0(alice_client, alice, lessons, done):
    alice_client.post(completion_url("services"), {"done": "1"})

    response = alice_client.post(completion_url(), {"done": done})

    assert response.status_code == 400
    assert done_slugs(alice) == {"services"}


def test_it_refuses_a_post_without_done(alice_client, alice, lessons):
    assert alice_client.post(completion_url(), {}).status_code == 400
    assert done_slugs(alice) == set()


def test_it_hides_a_draft_from_learners(alice_client, alice, lessons):
    response = alice_client.post(completion_url("secret-draft"), {"done": "1"})

    assert response.status_code == 404
    assert done_slugs(alice) == set()


def test_it_lets_staff_mark_a_draft_done(editor_client, editor, lessons):
    assert editor_client.post(completion_url("secret-draft"), {"done": "1"}).status_code == 302
    assert done_slugs(editor) == {"secret-draft"}


def test_it_answers_404_for_an_unknown_lesson(alice_client, lessons):
    assert alice_client.post(completion_url("no-such-lesson"), {"done": "1"}).status_code == 404


def test_it_refuses_get(alice_client, alice, lessons):
    assert alice_client.get(completion_url(), {"done": "1"}).status_code == 405
    assert done_slugs(alice) == set()


def test_it_refuses_a_post_without_the_csrf_token(alice, lessons):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(completion_url(), {"done": "1"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 403
    assert done_slugs(alice) == set()


def test_it_accepts_the_csrf_token_htmx_sends_from_the_page(alice, lessons):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    page = client.get(reverse("lessons:lesson", args=["pods"])).content.decode()
    token = re.search(r"""hx-headers='\{"x-csrftoken": "([^"]+)"\}'""", page).group(1)

    response = client.post(
        completion_url(), {"done": "1"}, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token
    )

    assert response.status_code == 200
    assert done_slugs(alice) == {"pods"}


def test_it_accepts_the_token_in_the_page_form(alice, lessons):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    page = client.get(reverse("lessons:lesson", args=["pods"])).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response = client.post(completion_url(), {"done": "1", "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert done_slugs(alice) == {"pods"}


def test_it_records_only_for_the_signed_in_learner(alice_client, alice, bob, lessons):
    pods = Lesson.objects.get(slug="pods")
    Completion.objects.create(user=bob, lesson=pods)

    alice_client.post(completion_url("services"), {"done": "1", "user": bob.pk})
    alice_client.post(completion_url("pods"), {"done": "0", "user": bob.pk, "user_id": bob.pk})

    assert done_slugs(alice) == {"services"}
    assert done_slugs(bob) == {"pods"}


def test_it_shows_each_learner_only_their_own_completion(alice_client, bob, lessons):
    alice_client.post(completion_url(), {"done": "1"})
    bob_client = Client()
    bob_client.force_login(bob)

    html = bob_client.get(reverse("lessons:lesson", args=["pods"])).content.decode()

    assert "You have finished this lesson." not in html
    assert 'name="done" value="1"' in html


def test_it_records_a_completion_in_few_queries(
    alice_client, lessons, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        alice_client.post(completion_url(), {"done": "1"})
    with django_assert_max_num_queries(4):
        alice_client.post(completion_url(), {"done": "0"})


def test_it_answers_htmx_in_few_queries(alice_client, lessons, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        alice_client.post(completion_url(), {"done": "1"}, HTTP_HX_REQUEST="true")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_completion_when_eight_tabs_post_at_once(alice, lessons):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time")
    tabs = 8
    clients = []
    for _ in range(tabs):
        client = Client()
        client.force_login(alice)
        clients.append(client)
    barrier = threading.Barrier(tabs)

    def post_done(n: int) -> int:
        try:
            barrier.wait(timeout=30)
            htmx = {"HTTP_HX_REQUEST": "true"} if n % 2 else {}
            return clients[n].post(completion_url(), {"done": "1"}, **htmx).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=tabs) as pool:
        statuses = list(pool.map(post_done, range(tabs)))

    assert sorted(statuses) == [200] * (tabs // 2) + [302] * (tabs // 2)
    assert Completion.objects.filter(user=alice).count() == 1


def test_it_sends_an_expired_htmx_session_to_log_in_as_a_whole_page(client, lessons):
    response = client.post(
        reverse("lessons:completion", args=["pods"]), {"done": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith(reverse("login"))
    assert "next=/lessons/pods/" in response.headers["HX-Redirect"]


def test_it_offers_the_next_lesson_not_done_once_a_lesson_is_done(alice_client, lessons):
    alice_client.post(completion_url("services"), {"done": "1"})

    response = alice_client.post(completion_url("pods"), {"done": "1"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    step = html[html.index('class="completion-next') :]
    assert f'href="{lessons[2].get_absolute_url()}"' in step.split("</p>")[0]  # Volumes
    undone = alice_client.post(completion_url("pods"), {"done": "0"}, HTTP_HX_REQUEST="true")
    assert "completion-next" not in undone.content.decode()
