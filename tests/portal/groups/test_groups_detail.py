"""A member's own group page: their progress beside the group's average, and nothing
about any other member."""

import pytest
from django.urls import reverse

from tests.helpers.groups import logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_it_shows_my_progress_beside_the_group_average(hand_made, django_assert_max_num_queries):
    client = logged_in(hand_made.bob)
    # 12: a learner's permissions are read (two queries) to know whether to offer the
    # dashboard, which only an instructor or an operator sees.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("groups:detail", args=[hand_made.group.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    # bob: 1 of 4 done, best scores 50 and 50. Group: 5 of 12 done (42%); best scores
    # 100, 75, 50, 50, 50 average 65.
    assert '<td class="num">25% <span class="meta">(1/4)</span></td>' in html
    assert '<td class="num">42%</td>' in html
    assert '<td class="num">50%</td>' in html
    assert '<td class="num">65%</td>' in html
    assert "By today the group's pace expects 2 lessons done." in html


def test_it_shows_no_other_member(hand_made):
    html = (
        logged_in(hand_made.bob)
        .get(reverse("groups:detail", args=[hand_made.group.pk]))
        .content.decode()
    )
    assert "앨리스" not in html and "alice" not in html
    assert "charlie" not in html
    assert reverse("groups:dashboard", args=[hand_made.group.pk]) not in html


def test_it_shows_the_instructor_the_way_to_the_dashboard(hand_made):
    html = (
        logged_in(hand_made.teacher)
        .get(reverse("groups:detail", args=[hand_made.group.pk]))
        .content.decode()
    )
    assert reverse("groups:dashboard", args=[hand_made.group.pk]) in html
    assert "Group average (3 learners)" in html


def test_it_answers_404_to_someone_outside_the_group(hand_made):
    response = logged_in(hand_made.outsider).get(
        reverse("groups:detail", args=[hand_made.group.pk])
    )
    assert response.status_code == 404


def test_its_instructor_sees_it_within_the_same_budget(hand_made, django_assert_max_num_queries):
    client = logged_in(hand_made.teacher)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("groups:detail", args=[hand_made.group.pk]))
    assert response.status_code == 200
