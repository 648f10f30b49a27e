"""The instructor's page: settings and pace, invite link, members."""

import re
from datetime import date

import pytest
from django.urls import reverse

from portal.models import StudyGroup
from tests.conftest import make_lesson, make_user
from tests.helpers.groups import logged_in, make_group

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


@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01", "1999-12-31", "2100-01-01"])
def test_it_refuses_a_pace_start_outside_the_sane_range(teacher, alice, start):
    group = make_group(instructors=(teacher,), learners=(alice,))
    response = logged_in(teacher).post(
        reverse("groups:manage", args=[group.pk]),
        {"name": "스터디", "pace": "weekly", "pace_start": start, "lessons_per_week": "1"},
    )

    assert response.status_code == 200
    assert "Choose a date from 2000-01-01 to 2099-12-31." in response.content.decode()
    group.refresh_from_db()
    assert group.pace == StudyGroup.Pace.NONE


def test_it_shows_every_page_of_a_group_whose_pace_starts_at_the_end_of_time(teacher, alice, basic):
    make_lesson(basic, "Pods", 1)
    group = make_group(
        instructors=(teacher,),
        learners=(alice,),
        pace=StudyGroup.Pace.WEEKLY,
        pace_start=date(9999, 12, 31),
        lessons_per_week=1,
    )
    for user, name in [(teacher, "dashboard"), (teacher, "dashboard_csv"), (alice, "detail")]:
        response = logged_in(user).get(reverse(f"groups:{name}", args=[group.pk]))
        assert response.status_code == 200, name


@pytest.mark.parametrize("category", ["9223372036854775808", "-9223372036854775809", "1" * 30])
def test_it_refuses_a_category_id_no_database_can_hold(teacher, category):
    # Found by tests/portal/test_fuzz_forms.py: on SQLite the id overflowed inside the query.
    group = make_group(instructors=(teacher,))
    response = logged_in(teacher).post(
        reverse("groups:manage", args=[group.pk]),
        {"name": "새 이름", "pace": "none", "categories": [category]},
    )

    assert response.status_code == 200
    assert "is not a valid value" in response.content.decode()
    group.refresh_from_db()
    assert group.name == "쿠버네티스 스터디"
