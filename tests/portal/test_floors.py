"""The floor views `make bench` measures pages against (mounted only with BENCH_FLOORS)."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from portal import floors

pytestmark = pytest.mark.django_db


def request_by(user):
    request = RequestFactory().get("/bench/")
    request.user = user
    return request


def test_the_lean_floor_serves_a_lessons_stored_html(alice, lessons):
    response = floors.lean_lesson(request_by(alice), "pods")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Pods</h1>" in html
    assert lessons[0].body_html in html


def test_the_lean_floor_hides_drafts_as_the_lesson_page_does(alice, lessons):
    with pytest.raises(Http404):
        floors.lean_lesson(request_by(alice), "secret-draft")


def test_the_essentials_floor_loads_what_the_lesson_page_loads(alice, lessons):
    html = floors.lesson_essentials(request_by(alice), "services").content.decode()
    assert "Services" in html and "pods" in html and "volumes" in html
