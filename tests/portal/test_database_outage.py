"""While the database is unreachable, every request answers 503 at once with a page that
says so: signed in or not, reading or writing, and an htmx request gets its toast."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse


def _unreachable(execute, sql, params, many, context):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")


@contextmanager
def database_down() -> Iterator[None]:
    """Every statement fails as it does when PostgreSQL has gone away."""
    with connection.execute_wrapper(_unreachable):
        yield


def assert_outage_page(response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"


@pytest.mark.django_db
def test_it_answers_503_with_a_clear_page_when_the_database_is_down(client, lessons):
    with database_down():
        response = client.get(reverse("lessons:home"))
    assert_outage_page(response)
    assert "잠시 후 다시 시도해 주세요" in response.content.decode()


@pytest.mark.django_db
def test_it_serves_again_once_the_database_answers(client, lessons):
    with database_down():
        client.get(reverse("lessons:home"))
    assert client.get(reverse("lessons:home")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["home", "lesson", "progress"])
def test_it_answers_503_to_a_signed_in_learner_reading(alice_client, lessons, page):
    url = {
        "home": reverse("lessons:home"),
        "lesson": lessons[0].get_absolute_url(),
        "progress": reverse("lessons:my_progress"),
    }[page]
    with database_down():
        response = alice_client.get(url)
    assert_outage_page(response)
    assert "잠시 후 다시 시도해 주세요" in response.content.decode()


@pytest.mark.django_db
def test_it_answers_503_to_a_signed_in_learner_marking_a_lesson_done(alice, lessons):
    client = Client(enforce_csrf_checks=False)
    client.force_login(alice)
    url = reverse("lessons:completion", args=[lessons[0].slug])
    with database_down():
        response = client.post(url, {"done": "1"})
    assert_outage_page(response)


@pytest.mark.django_db
def test_it_answers_an_htmx_request_with_a_bare_503_that_htmx_does_not_swap(alice_client, lessons):
    url = reverse("lessons:completion", args=[lessons[0].slug])
    with database_down():
        response = alice_client.post(url, {"done": "1"}, headers={"HX-Request": "true"})
    assert_outage_page(response)
    # The page's htmx configuration swaps no 5xx and shows its toast; the answer says the
    # same in a line for any other client, instead of a whole page.
    assert response.headers["HX-Reswap"] == "none"
    assert b"<html" not in response.content


@pytest.mark.django_db
def test_it_answers_503_to_a_visitor_signing_in(client, alice):
    with database_down():
        response = client.post(
            reverse("login"), {"username": "alice", "password": "alice-password-1"}
        )
    assert_outage_page(response)
