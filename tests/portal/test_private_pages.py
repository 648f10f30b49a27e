"""Pages with one person's records are never kept by a cache: `Cache-Control: private,
no-store` on the dashboard, its drill-downs and CSV, my progress, review and quiz results."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.helpers.groups import logged_in


def private_pages(hand_made) -> list[tuple[str, Client]]:
    group = hand_made.group.pk
    teacher, alice = logged_in(hand_made.teacher), logged_in(hand_made.alice)
    attempt = hand_made.alice.quiz_attempts.select_related("quiz__lesson").first()
    return [
        (reverse("groups:dashboard", args=[group]), teacher),
        (reverse("groups:dashboard_csv", args=[group]), teacher),
        (reverse("groups:dashboard_learner", args=[group, hand_made.bob.pk]), teacher),
        (reverse("groups:dashboard_lesson", args=[group, hand_made.lessons[0].pk]), teacher),
        (reverse("groups:detail", args=[group]), alice),
        (reverse("lessons:my_progress"), alice),
        (reverse("lessons:review"), alice),
        (
            reverse("lessons:quiz_attempt", args=[attempt.quiz.lesson.slug, attempt.pk]),
            alice,
        ),
    ]


@pytest.mark.django_db
def test_it_tells_caches_not_to_keep_private_pages(hand_made):
    for url, client in private_pages(hand_made):
        response = client.get(url)
        assert response.status_code == 200, url
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, url


@pytest.mark.django_db
def test_it_leaves_public_pages_to_a_visitor_cacheable(client, lessons):
    response = client.get(reverse("lessons:lesson", args=["pods"]))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
