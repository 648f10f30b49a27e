"""The instructor's page: settings and pace, invite link, members."""

import re

import pytest
from django.urls import reverse

from portal.models import StudyGroup
from tests.conftest import make_user
from tests.test_groups_helpers import logged_in, make_group

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def teacher(db):
    return make_user("teacher")


def test_it_shows_the_invite_link_and_the_members(
    teacher, alice, bob, django_assert_max_num_queries
):
    group = make_group(instructors=(teacher,), learners=(alice, bob))
    client = logged_in(teacher)
    with django_assert_max_num_queries(6):
        html = client.get(reverse("groups:manage", args=[group.pk])).content.decode()
    assert "http://testserver" + reverse("groups:join_link", args=[group.invite_code]) in html
    assert "앨리스" in html
    assert reverse("groups:remove_member", args=[group.pk, alice.pk]) in html


def test_it_saves_the_settings(teacher, cka):
    group = make_group(instructors=(teacher,))
    response = logged_in(teacher).post(
        reverse("groups:manage", args=[group.pk]),
        {"name": "새 이름", "categories": [cka.pk], "pace": "none"},
    )
    group.refresh_from_db()
    assert response.status_code == 302
    assert group.name == "새 이름"
    assert list(group.categories.all()) == [cka]


def test_it_keeps_the_settings_when_the_form_is_wrong(teacher):
    group = make_group(instructors=(teacher,))
    response = logged_in(teacher).post(
        reverse("groups:manage", args=[group.pk]),
        {"name": "", "pace": "weekly", "lessons_per_week": "-3"},
    )
    group.refresh_from_db()
    assert response.status_code == 200
    assert group.name == "쿠버네티스 스터디"
    assert group.pace == StudyGroup.Pace.NONE


def test_it_offers_a_copy_button_that_needs_javascript(teacher):
    group = make_group(instructors=(teacher,))
    html = logged_in(teacher).get(reverse("groups:manage", args=[group.pk])).content.decode()
    assert re.search(r'<input id="invite-url" class="invite-url" type="text" readonly', html)
    button = re.search(r"<button[^>]*data-copy-target=\"invite-url\"[^>]*>", html).group(0)
    assert " hidden" in button  # shown by static/js/copy.js, absent without JavaScript
    assert 'data-copied="The invite link is copied."' in button
    assert '<span id="invite-copy-status" class="muted" role="status">' in html
    assert '<script src="/static/js/copy.js" defer></script>' in html
    assert "<script>" not in html and " style=" not in html  # nothing the CSP would block
