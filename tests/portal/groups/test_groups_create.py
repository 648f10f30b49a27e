"""Starting a new study group."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from lessons.models import Category
from portal.groups import membership
from portal.models import Membership, StudyGroup

pytestmark = pytest.mark.django_db

TOKEN = "0123456789abcdef0123456789abcdef"


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
            "form_token": TOKEN,
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
    response = alice_client.post(
        reverse("groups:create"), {"name": "G", "pace": "weekly", "form_token": TOKEN}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "A weekly pace needs a start date." in html
    assert "A weekly pace needs at least one lesson." in html
    assert not StudyGroup.objects.exists()


def test_it_refuses_an_unknown_category(alice_client):
    unknown = (Category.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    response = alice_client.post(
        reverse("groups:create"),
        {"name": "G", "pace": "none", "categories": [unknown], "form_token": TOKEN},
    )
    assert response.status_code == 200
    assert not StudyGroup.objects.exists()


def test_it_sends_an_anonymous_visitor_to_log_in(client, db):
    response = client.get(reverse("groups:create"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def _form_token(html: str) -> str:
    match = re.search(r'<input type="hidden" name="form_token" value="([0-9a-f]{32})"', html)
    assert match, "no one-time token in the form"
    return match.group(1)


def test_it_makes_one_group_from_a_double_submit(alice_client, alice, basic):
    token = _form_token(alice_client.get(reverse("groups:create")).content.decode())
    posted = {"name": "CKA 스터디", "pace": "none", "categories": [basic.pk], "form_token": token}
    first = alice_client.post(reverse("groups:create"), posted)
    second = alice_client.post(reverse("groups:create"), posted)  # a double click, a retry
    group = StudyGroup.objects.get()
    assert first.url == second.url == reverse("groups:manage", args=[group.pk])
    assert Membership.objects.filter(group=group).count() == 1
    assert list(group.categories.all()) == [basic]


def test_each_form_makes_its_own_group(alice_client):
    for _ in range(2):
        token = _form_token(alice_client.get(reverse("groups:create")).content.decode())
        alice_client.post(
            reverse("groups:create"), {"name": "같은 이름", "pace": "none", "form_token": token}
        )
    assert StudyGroup.objects.filter(name="같은 이름").count() == 2


def test_it_does_not_hand_over_a_group_made_by_someone_else(alice_client, bob, basic):
    token = _form_token(alice_client.get(reverse("groups:create")).content.decode())
    alice_client.post(reverse("groups:create"), {"name": "A", "pace": "none", "form_token": token})
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.create_group(bob, StudyGroup(name="B"), token)
    assert not Membership.objects.filter(user=bob).exists()


def test_it_asks_again_when_the_form_has_no_token(alice_client, settings):
    settings.LANGUAGE_CODE = "en"
    response = alice_client.post(reverse("groups:create"), {"name": "G", "pace": "none"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "This form has expired. Check the values and submit it again." in html
    assert 'value="G"' in html  # what was typed is kept
    assert not StudyGroup.objects.exists()
    alice_client.post(
        reverse("groups:create"), {"name": "G", "pace": "none", "form_token": _form_token(html)}
    )
    assert StudyGroup.objects.count() == 1
