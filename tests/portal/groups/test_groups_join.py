"""Joining a group with its invite code (typed or pasted) or its invite link."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.models import Membership
from tests.conftest import make_user
from tests.helpers.groups import logged_in, make_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(db):
    return make_group(instructors=(make_user("teacher"),))


def _is_learner(group, user) -> bool:
    return Membership.objects.filter(group=group, user=user, role=Membership.Role.LEARNER).exists()


def test_it_joins_with_a_valid_code(group, alice_client, alice, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        response = alice_client.post(reverse("groups:join"), {"code": group.invite_code})
    assert response.status_code == 302
    assert response.url == reverse("groups:detail", args=[group.pk])
    assert _is_learner(group, alice)


def test_it_accepts_the_code_in_lower_case_with_spaces_or_as_a_pasted_link(group, alice):
    client = logged_in(alice)
    link = "http://127.0.0.1:8000" + reverse("groups:join_link", args=[group.invite_code])
    for typed in (f"  {group.invite_code.lower()} ", link):
        Membership.objects.filter(user=alice).delete()
        client.post(reverse("groups:join"), {"code": typed})
        assert _is_learner(group, alice), typed


def test_it_explains_an_unknown_code_and_joins_nothing(group, alice_client, alice, settings):
    settings.LANGUAGE_CODE = "en"
    response = alice_client.post(reverse("groups:join"), {"code": "NOSUCHCODE"})
    assert response.status_code == 200
    assert "No group has this invite code" in response.content.decode()
    assert not Membership.objects.filter(user=alice).exists()


def test_it_refuses_a_code_that_was_rotated(group, alice_client, alice):
    old_code = group.invite_code
    group.rotate_invite_code()
    alice_client.post(reverse("groups:join"), {"code": old_code})
    assert not Membership.objects.filter(user=alice).exists()
    response = alice_client.get(reverse("groups:join_link", args=[old_code]))
    assert response.status_code == 404
    assert not Membership.objects.filter(user=alice).exists()


def test_it_asks_before_joining_from_a_link(group, alice_client, alice):
    url = reverse("groups:join_link", args=[group.invite_code])
    response = alice_client.get(url)
    assert response.status_code == 200
    assert group.name in response.content.decode()
    assert not Membership.objects.filter(user=alice).exists()
    response = alice_client.post(url)
    assert response.status_code == 302
    assert _is_learner(group, alice)


def test_it_explains_an_unknown_link(group, alice_client, settings):
    settings.LANGUAGE_CODE = "en"
    response = alice_client.get(reverse("groups:join_link", args=["WRONG-or-very-long" * 20]))
    assert response.status_code == 404
    assert "This invite link does not work" in response.content.decode()


def test_it_keeps_one_membership_when_joining_twice(group, alice_client, alice):
    url = reverse("groups:join_link", args=[group.invite_code])
    alice_client.post(url)
    response = alice_client.post(url)
    assert response.status_code == 302
    assert Membership.objects.filter(group=group, user=alice).count() == 1


def test_it_keeps_an_instructor_an_instructor(group):
    teacher = group.memberships.get().user
    logged_in(teacher).post(reverse("groups:join_link", args=[group.invite_code]))
    assert group.memberships.get(user=teacher).role == Membership.Role.INSTRUCTOR


def test_it_lets_a_learner_belong_to_several_groups(group, alice_client, alice):
    other = make_group("두 번째 그룹")
    alice_client.post(reverse("groups:join"), {"code": group.invite_code})
    alice_client.post(reverse("groups:join"), {"code": other.invite_code})
    assert set(Membership.objects.filter(user=alice).values_list("group_id", flat=True)) == {
        group.pk,
        other.pk,
    }


def test_it_sends_an_anonymous_visitor_to_log_in_first(group, client):
    url = reverse("groups:join_link", args=[group.invite_code])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "next=" in response.url


def test_it_needs_the_csrf_token(group, alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("groups:join_link", args=[group.invite_code]))
    assert response.status_code == 403
    assert not Membership.objects.filter(user=alice).exists()
