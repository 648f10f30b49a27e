"""The "needs attention" rules: behind the pace, inactive for 7 days, or below the pass
mark on a quiz they tried."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.dashboards import attention
from portal.dashboards.learners import Filters
from portal.dashboards.matrix import build_matrix
from portal.groups.scope import scope_lessons
from tests.helpers.groups import attempt, complete, logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _reasons(hand_made, **filters):
    group = hand_made.group
    matrix = build_matrix(group, scope_lessons(group), Filters(**filters), timezone.now())
    return {row.learner.username: [r.kind for r in row.reasons] for row in matrix.rows}


def test_it_finds_who_needs_attention_and_why(hand_made):
    assert _reasons(hand_made) == {
        "alice": [],
        "bob": ["behind", "inactive", "below_pass"],
        "charlie": ["behind", "inactive"],
    }


def test_it_says_why_in_words(hand_made):
    group = hand_made.group
    matrix = build_matrix(group, scope_lessons(group), Filters(), timezone.now())
    bob = next(row for row in matrix.rows if row.learner.username == "bob")
    assert [r.label for r in bob.reasons] == [
        "Behind the pace: 1 of 2 due lessons done",
        "Inactive for 10 days",
        "Below the pass mark: Pods, Services",
    ]


def test_it_lets_a_passing_retake_clear_the_pass_mark(hand_made):
    attempt(hand_made.bob, hand_made.quizzes["pods"], 3, 4)
    attempt(hand_made.bob, hand_made.quizzes["services"], 4, 4)
    assert "below_pass" not in _reasons(hand_made)["bob"]


def test_it_clears_behind_and_inactive_once_the_learner_catches_up(hand_made):
    complete(hand_made.charlie, hand_made.lessons[0])
    complete(hand_made.charlie, hand_made.lessons[2])
    assert _reasons(hand_made)["charlie"] == []


def test_it_has_no_one_behind_without_a_pace(hand_made):
    hand_made.group.pace = "none"
    hand_made.group.save()
    reasons = _reasons(hand_made)
    assert reasons["charlie"] == ["inactive"]
    assert "behind" not in reasons["bob"]


def test_it_starts_counting_inactivity_at_seven_days():
    now = timezone.now()
    joined = now - timedelta(days=30)
    assert attention.inactive(now - timedelta(days=6, hours=23), joined, now) is None
    assert attention.inactive(now - timedelta(days=7), joined, now).kind == "inactive"
    assert attention.inactive(None, now - timedelta(days=2), now) is None


def test_it_lists_only_those_who_need_attention_when_asked(hand_made):
    assert sorted(_reasons(hand_made, attention_only=True)) == ["bob", "charlie"]
    url = reverse("groups:dashboard", args=[hand_made.group.pk]) + "?attention=1"
    html = logged_in(hand_made.teacher).get(url).content.decode()
    assert "밥" in html and "charlie" in html
    assert "앨리스" not in html


def test_it_names_a_few_failed_quizzes_and_counts_the_rest():
    reason = attention.below_pass_mark(["A", "B", "C", "D", "E"])
    assert reason.label == "Below the pass mark: A, B, C and 2 more"
    assert attention.below_pass_mark([]) is None
    assert reason.in_full == "Below the pass mark: A, B, C, D, E"
    assert attention.below_pass_mark(["A"]).in_full == "Below the pass mark: A"


def test_the_attention_link_ends_without_a_stray_full_stop(hand_made):
    html = (
        logged_in(hand_made.teacher)
        .get(reverse("groups:dashboard", args=[hand_made.group.pk]))
        .content.decode()
    )
    link = re.search(r'<a href="\?[^"]*" class="attention-link">([^<]*)</a>(.?)', html)
    assert link.group(1) == "2 need attention"
    assert link.group(2) != "."
