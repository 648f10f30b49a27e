"""Health endpoints for load balancers."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse


def test_it_says_the_process_is_alive(client):
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


@pytest.mark.django_db
def test_it_says_ready_when_the_database_answers(client):
    assert client.get(reverse("readyz")).status_code == 200


@pytest.mark.django_db
def test_it_says_503_when_the_database_does_not_answer(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError):
        response = client.get(reverse("readyz"))
    assert response.status_code == 503
