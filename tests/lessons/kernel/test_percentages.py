"""One rounding rule for every percentage: the same learner's share shows the same number
on their group page, their progress page, the dashboard and its drill-downs."""

import re

import pytest
from django.urls import reverse

from lessons.kernel import numbers
from lessons.models import Quiz
from tests.conftest import bar_numbers, make_lesson
from tests.helpers.groups import attempt, complete, logged_in, make_group, make_quiz

pytestmark = pytest.mark.django_db


def test_it_rounds_half_up():
    assert numbers.rounded(12.5) == 13
    assert numbers.rounded(0.5) == 1
    assert numbers.rounded(66.49) == 66
    assert numbers.percent(1, 8) == 13
    assert numbers.percent(2, 3) == 67
    assert numbers.percent(5, 0) == 0
    assert numbers.average([62, 63]) == 63
    assert numbers.average([]) is None


@pytest.fixture
def one_of_eight(alice, bob, basic):
    """alice, a learner of bob's group of eight lessons, has done one (12.5%) and scored
    2 of 3 (66.7%) on the first lesson's quiz."""
    lessons = [make_lesson(basic, f"Lesson {n}", n) for n in range(1, 9)]
    group = make_group(instructors=(bob,), learners=(alice,), categories=(basic,))
    complete(alice, lessons[0])
    quiz = make_quiz(lessons[0], questions=3)
    made = attempt(alice, quiz, 2, 3)
    return group, lessons, quiz, made


def test_it_shows_one_of_eight_as_13_percent_everywhere(one_of_eight, alice, bob):
    group, _, _, _ = one_of_eight
    learner = logged_in(alice)
    group_page = learner.get(reverse("groups:detail", args=[group.pk])).content.decode()
    assert re.search(r"13% <span class=\"meta\">\(1/8\)</span>", group_page)
    assert bar_numbers(group_page, "group").endswith("(13%)")

    progress = learner.get(reverse("lessons:my_progress")).content.decode()
    assert bar_numbers(progress, "overall").endswith("(13%)")

    instructor = logged_in(bob)
    dashboard = instructor.get(reverse("groups:dashboard", args=[group.pk])).content.decode()
    assert '<td class="num">13% <span class="meta">(1)</span></td>' in dashboard

    drill_down = instructor.get(
        reverse("groups:dashboard_learner", args=[group.pk, alice.pk])
    ).content.decode()
    assert "(13%)" in drill_down
    assert "(12%)" not in group_page + progress + dashboard + drill_down


def test_it_shows_a_quiz_of_two_out_of_three_as_67_percent_everywhere(one_of_eight, alice, bob):
    group, lessons, _, made = one_of_eight
    assert made.percent == 67
    result = (
        logged_in(alice)
        .get(reverse("lessons:quiz_attempt", args=[lessons[0].slug, made.pk]))
        .content.decode()
    )
    assert "(67%)" in result

    instructor = logged_in(bob)
    dashboard = instructor.get(reverse("groups:dashboard", args=[group.pk])).content.decode()
    assert '<td class="cell heat-3 below-pass">✓ 67</td>' in dashboard

    drill_down = instructor.get(
        reverse("groups:dashboard_learner", args=[group.pk, alice.pk])
    ).content.decode()
    assert '<td class="num">67%</td>' in drill_down  # best and latest score
    assert "(67%)" in drill_down  # the timeline
    lesson_page = instructor.get(
        reverse("groups:dashboard_lesson", args=[group.pk, lessons[0].pk])
    ).content.decode()
    assert '<td class="num">67%</td>' in lesson_page
    assert "66%" not in result + dashboard + drill_down + lesson_page


def test_it_ranks_the_best_attempt_by_its_exact_share(one_of_eight, alice):
    _, lessons, quiz, _ = one_of_eight
    attempt(alice, Quiz.objects.get(pk=quiz.pk), 3, 3)
    page = logged_in(alice).get(reverse("lessons:quiz", args=[lessons[0].slug])).content.decode()
    assert "3 / 3 (100%)" in page
