"""Drilling into one learner: progress, scores per quiz and a timeline."""

import pytest
from django.urls import reverse

from tests.helpers.groups import logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _page(hand_made, learner) -> str:
    url = reverse("groups:dashboard_learner", args=[hand_made.group.pk, learner.pk])
    response = logged_in(hand_made.teacher).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_learner_progress(hand_made):
    assert "1 of 4 (25%)" in _page(hand_made, hand_made.bob)


def test_it_shows_attempts_best_and_latest_score_per_quiz(hand_made):
    html = _page(hand_made, hand_made.alice)
    scores = html[html.index('id="scores-heading"') : html.index('id="timeline-heading"')]
    pods = scores[scores.index(">Pods</a>") : scores.index(">Services</a>")]
    # Pods: 2/4 then 4/4 -> two attempts, best 100, latest 100, passed.
    assert '<td class="num">2</td>' in pods
    assert pods.count('<td class="num">100%</td>') == 2
    assert "Passed" in pods
    bob = _page(hand_made, hand_made.bob)
    assert "Below the pass mark" in bob
    assert "Not tried" in bob  # Architecture


def test_it_lists_completions_and_attempts_newest_first(hand_made):
    html = _page(hand_made, hand_made.alice)
    timeline = html[html.index('id="timeline-heading"') :]
    assert timeline.index("Quiz on “Architecture”: 1 of 2 (50%)") < timeline.index(
        "Marked “Pods” done"
    )
    assert timeline.index("Marked “Pods” done") < timeline.index("Quiz on “Pods”: 2 of 4 (50%)")
    assert "dave" not in html


def test_it_leaves_out_lessons_outside_the_group(hand_made, cka):
    hand_made.group.categories.set([cka])
    html = _page(hand_made, hand_made.alice)
    assert "Architecture" in html
    assert "Pods" not in html
