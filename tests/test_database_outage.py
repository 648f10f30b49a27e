"""While the database is unreachable, pages answer 503 at once with a page that says so."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse


@pytest.mark.django_db
def test_it_answers_503_with_a_clear_page_when_the_database_is_down(client, lessons):
    with mock.patch("lessons.kernel.statements.fetch_all", side_effect=OperationalError("down")):
        response = client.get(reverse("lessons:home"))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "잠시 후 다시 시도해 주세요" in response.content.decode()


@pytest.mark.django_db
def test_it_serves_again_once_the_database_answers(client, lessons):
    with mock.patch("lessons.kernel.statements.fetch_all", side_effect=OperationalError("down")):
        client.get(reverse("lessons:home"))
    assert client.get(reverse("lessons:home")).status_code == 200
