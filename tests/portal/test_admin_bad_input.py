"""The admin's add and change pages of every model, walked with hostile values: never a
500. Each page is opened with every form field named in the address (the admin prefills
from it, as `?lesson=…` does on the quiz's add page) and posted with every field set to
the value; a parameter is either used within its bounds or refused with a form error."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.urls import reverse

from portal.models import StudyGroup
from tests.helpers.groups import make_group
from tests.helpers.quiz_fixtures import make_every_kind_quiz

# Values that have given 500s in the admin: a digit Python counts as one but int() does
# not, an integer past Python's 4,300-digit limit, one past 64 bits, and non-numbers.
BAD_VALUES = ["²", "9" * 5000, "abc"]
# Past 64 bits: on SQLite, Django's own multiple-choice fields (a user's groups) hand it to
# the driver, which overflows; PostgreSQL answers it, so it is walked there.
PAST_64_BITS = "99999999999999999999999"


@pytest.fixture
def rows(lessons, alice, editor):
    make_every_kind_quiz(lessons[0])
    make_group(instructors=(editor,), learners=(alice,))


def _pages() -> list[tuple[str, str, bool]]:
    """(name, address, whether the admin prefills it from the address)"""
    pages = []
    for model, _model_admin in admin.site._registry.items():
        meta = model._meta
        add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
        pages.append((f"{meta.label} add", add, True))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            pages.append((f"{meta.label} change", change, False))
    return pages


def _field_names(client: Client, url: str) -> list[str]:
    response = client.get(url)
    form = getattr(response, "context_data", {}) or {}
    admin_form = form.get("adminform")
    return list(admin_form.form.fields) if admin_form else []


@pytest.mark.django_db
def test_it_never_answers_500_on_the_admins_add_and_change_pages(rows, editor_client):
    for name, url, prefilled in _pages():
        fields = _field_names(editor_client, url) or ["id"]
        for value in BAD_VALUES + ([PAST_64_BITS] if connection.vendor == "postgresql" else []):
            data = {field: value for field in fields}
            if prefilled:
                response = editor_client.get(url, data)
                assert response.status_code < 500, f"GET {name} with {value[:20]!r}"
            response = editor_client.post(url, data)
            assert response.status_code < 500, f"POST {name} with {value[:20]!r}"
    assert StudyGroup.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "9" * 5000])
def test_it_opens_the_quiz_add_page_for_a_hostile_lesson_number(rows, editor_client, value):
    response = editor_client.get(reverse("admin:lessons_quiz_add"), {"lesson": value})
    assert response.status_code in (200, 400)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "abc", "9" * 5000, "1.5"])
def test_it_answers_a_hostile_quiz_on_the_question_add_page_with_a_form_error(
    rows, editor_client, value
):
    response = editor_client.post(
        reverse("admin:lessons_question_add"),
        {"quiz": value, "kind": "single", "prompt": "질문", "position": "1"},
    )
    assert response.status_code == 200
    assert response.context_data["adminform"].form.errors["quiz"]
