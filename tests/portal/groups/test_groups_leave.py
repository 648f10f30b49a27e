"""Leaving a group."""

import pytest
from django.urls import reverse

from portal.models import Membership
from tests.conftest import make_user
from tests.helpers.groups import logged_in, make_group

pytestmark = pytest.mark.django_db


def test_it_lets_a_learner_leave(alice_client, alice):
    group = make_group(instructors=(make_user("teacher"),), learners=(alice,))
    response = alice_client.post(reverse("groups:leave", args=[group.pk]))
    assert response.status_code == 302
    assert response.url == reverse("groups:list")
    assert not Membership.objects.filter(group=group, user=alice).exists()


def test_it_keeps_the_learner_in_their_other_groups(alice_client, alice):
    group = make_group(learners=(alice,))
    other = make_group("두 번째 그룹", learners=(alice,))
    alice_client.post(reverse("groups:leave", args=[group.pk]))
    assert list(Membership.objects.filter(user=alice).values_list("group", flat=True)) == [other.pk]


def test_it_keeps_the_only_instructor(alice):
    teacher = make_user("teacher")
    group = make_group(instructors=(teacher,), learners=(alice,))
    response = logged_in(teacher).post(reverse("groups:leave", args=[group.pk]))
    assert response.status_code == 302
    assert response.url == reverse("groups:detail", args=[group.pk])
    assert Membership.objects.filter(group=group, user=teacher).exists()


def test_it_lets_one_of_two_instructors_leave():
    first, second = make_user("first"), make_user("second")
    group = make_group(instructors=(first, second))
    logged_in(first).post(reverse("groups:leave", args=[group.pk]))
    assert list(group.memberships.values_list("user", flat=True)) == [second.pk]


def test_it_answers_404_to_someone_outside_the_group(alice_client, bob):
    group = make_group(learners=(bob,))
    assert alice_client.post(reverse("groups:leave", args=[group.pk])).status_code == 404


def test_it_only_leaves_on_post(alice_client, alice):
    group = make_group(learners=(alice,))
    assert alice_client.get(reverse("groups:leave", args=[group.pk])).status_code == 405
    assert Membership.objects.filter(user=alice).exists()


def test_the_only_instructor_is_not_offered_to_leave(alice, settings):
    settings.LANGUAGE_CODE = "en"
    teacher = make_user("teacher")
    group = make_group(instructors=(teacher,), learners=(alice,))
    html = logged_in(teacher).get(reverse("groups:detail", args=[group.pk])).content.decode()
    assert "Leave this group" not in html
    assert reverse("groups:leave", args=[group.pk]) not in html
    assert "You are this group's only instructor" in html
    learner_html = logged_in(alice).get(reverse("groups:detail", args=[group.pk])).content.decode()
    assert "Leave this group" in learner_html


def test_one_of_two_instructors_is_offered_to_leave(settings):
    settings.LANGUAGE_CODE = "ko"
    first, second = make_user("first"), make_user("second")
    group = make_group(instructors=(first, second))
    html = logged_in(first).get(reverse("groups:detail", args=[group.pk])).content.decode()
    assert "그룹 나가기" in html
