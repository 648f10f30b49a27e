"""Starting a new study group."""

import pytest
from django.urls import reverse

from lessons.models import Category
from portal.models import Membership, StudyGroup

pytestmark = pytest.mark.django_db


def test_it_creates_a_group_run_by_its_creator(alice_client, alice, basic):
    response = alice_client.post(
        reverse("groups:create"),
        {
            "name": "CKA 스터디",
            "description": "매주 토요일",
            "categories": [basic.pk],
            "pace": "weekly",
            "pace_start": "2026-12-01",
            "lessons_per_week": "2",
        },
    )
    group = StudyGroup.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("groups:manage", args=[group.pk])
    assert group.name == "CKA 스터디"
    assert list(group.categories.all()) == [basic]
    assert (group.pace, group.lessons_per_week) == ("weekly", 2)
    assert Membership.objects.get(group=group).user == alice
    assert Membership.objects.get(group=group).role == Membership.Role.INSTRUCTOR
    assert len(group.invite_code) == 10


def test_it_explains_an_incomplete_weekly_pace(alice_client, settings):
    settings.LANGUAGE_CODE = "en"
    response = alice_client.post(reverse("groups:create"), {"name": "G", "pace": "weekly"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "A weekly pace needs a start date." in html
    assert "A weekly pace needs at least one lesson." in html
    assert not StudyGroup.objects.exists()


def test_it_refuses_an_unknown_category(alice_client):
    unknown = (Category.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    response = alice_client.post(
        reverse("groups:create"), {"name": "G", "pace": "none", "categories": [unknown]}
    )
    assert response.status_code == 200
    assert not StudyGroup.objects.exists()


def test_it_sends_an_anonymous_visitor_to_log_in(client, db):
    response = client.get(reverse("groups:create"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
