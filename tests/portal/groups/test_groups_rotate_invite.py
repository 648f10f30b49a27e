"""Rotating a group's invite code: the old link stops working."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.models import Membership, StudyGroup
from tests.conftest import make_user
from tests.helpers.groups import logged_in, make_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(db):
    return make_user("teacher")


def test_it_gives_the_group_a_new_code_and_retires_the_old_one(teacher, alice):
    group = make_group(instructors=(teacher,))
    old = group.invite_code
    response = logged_in(teacher).post(reverse("groups:rotate_invite", args=[group.pk]))
    group.refresh_from_db()
    assert response.status_code == 302
    assert group.invite_code != old
    client = logged_in(alice)
    assert client.post(reverse("groups:join_link", args=[old])).status_code == 404
    client.post(reverse("groups:join_link", args=[group.invite_code]))
    assert Membership.objects.filter(group=group, user=alice).exists()


def test_it_answers_htmx_with_the_new_invite_fragment(teacher):
    group = make_group(instructors=(teacher,))
    response = logged_in(teacher).post(
        reverse("groups:rotate_invite", args=[group.pk]), headers={"HX-Request": "true"}
    )
    group.refresh_from_db()
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="invite"')
    assert group.invite_code in html
    assert reverse("groups:join_link", args=[group.invite_code]) in html


def test_it_only_rotates_on_post(teacher):
    group = make_group(instructors=(teacher,))
    response = logged_in(teacher).get(reverse("groups:rotate_invite", args=[group.pk]))
    assert response.status_code == 405


def test_it_answers_htmx_with_the_invite_fragment_or_an_honest_404(teacher, bob):
    group = make_group(instructors=(teacher,))
    url = reverse("groups:rotate_invite", args=[group.pk])
    response = logged_in(teacher).post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<section id="invite"')
    old = StudyGroup.objects.get(pk=group.pk).invite_code
    assert logged_in(bob).post(url, headers={"HX-Request": "true"}).status_code == 404
    assert Client().post(url, headers={"HX-Request": "true"}).status_code == 404
    assert StudyGroup.objects.get(pk=group.pk).invite_code == old
