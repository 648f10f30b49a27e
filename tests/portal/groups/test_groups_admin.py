"""Study groups in the admin, with members and instructors inline."""

import pytest
from django.urls import reverse

from portal.models import Membership, StudyGroup
from tests.helpers.groups import make_group

pytestmark = pytest.mark.django_db


def test_it_lists_groups_with_their_counts(editor_client, alice, bob, editor):
    make_group(instructors=(editor,), learners=(alice, bob))
    response = editor_client.get(reverse("admin:portal_studygroup_changelist"))
    assert response.status_code == 200
    assert "쿠버네티스 스터디" in response.content.decode()


def test_it_shows_members_and_instructors_inline(editor_client, alice, editor):
    group = make_group(instructors=(editor,), learners=(alice,))
    html = editor_client.get(
        reverse("admin:portal_studygroup_change", args=[group.pk])
    ).content.decode()
    assert "memberships-TOTAL_FORMS" in html
    assert "alice" in html or "앨리스" in html


def _inline_post(group, rows):
    data = {
        "name": group.name,
        "description": "",
        "invite_code": group.invite_code,
        "pace": "none",
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "lesson_targets-TOTAL_FORMS": "0",
        "lesson_targets-INITIAL_FORMS": "0",
        "lesson_targets-MIN_NUM_FORMS": "0",
        "lesson_targets-MAX_NUM_FORMS": "1000",
    }
    for index, (user, role) in enumerate(rows):
        data[f"memberships-{index}-user"] = str(user.pk)
        data[f"memberships-{index}-role"] = role
    return data


def test_it_needs_an_instructor(editor_client, alice):
    group = StudyGroup.objects.create(name="No teacher")
    response = editor_client.post(
        reverse("admin:portal_studygroup_change", args=[group.pk]),
        _inline_post(group, [(alice, "learner")]),
    )
    assert response.status_code == 200
    assert not Membership.objects.exists()


def test_it_saves_members_and_instructors(editor_client, alice, bob):
    group = StudyGroup.objects.create(name="Admin group")
    response = editor_client.post(
        reverse("admin:portal_studygroup_change", args=[group.pk]),
        _inline_post(group, [(alice, "instructor"), (bob, "learner")]),
    )
    assert response.status_code == 302
    assert dict(Membership.objects.values_list("user__username", "role")) == {
        "alice": "instructor",
        "bob": "learner",
    }


def test_it_rotates_invite_codes_as_an_action(editor_client):
    group = make_group()
    old = group.invite_code
    editor_client.post(
        reverse("admin:portal_studygroup_changelist"),
        {"action": "rotate_invite_codes", "_selected_action": [group.pk]},
    )
    group.refresh_from_db()
    assert group.invite_code != old
