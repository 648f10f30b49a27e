"""The home page of a learner in a study group: the one next step is the lesson their
group expects soonest, each group's week ("this week's goal": done of due, by when), and
the streak, within a fixed number of queries whatever the number of groups."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from portal.models import StudyGroup
from tests.helpers.groups import complete, logged_in, make_group

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SEOUL = ZoneInfo("Asia/Seoul")


def seoul_today():
    return timezone.now().astimezone(SEOUL).date()


def weekly(name, learners, categories, *, started_days_ago=8, per_week=2):
    return make_group(
        name,
        learners=learners,
        categories=categories,
        pace=StudyGroup.Pace.WEEKLY,
        pace_start=seoul_today() - timedelta(days=started_days_ago),
        lessons_per_week=per_week,
    )


def home(client):
    return BeautifulSoup(client.get(reverse("lessons:home")).content, "html.parser")


def test_it_leads_with_the_lesson_the_group_expects_soonest(alice, lessons, basic):
    # Started 8 days ago, 2 a week: Pods and Services were due 2 days ago, Volumes
    # (the third lesson of Basic) is due in 5 days.
    weekly("쿠버네티스 스터디", [alice], [basic])
    complete(alice, lessons[0])
    page = home(logged_in(alice))
    lead = page.find(id="today-heading").parent
    assert "Services" in lead.find(class_="card-title").text
    assert "Overdue" in lead.text
    assert "쿠버네티스 스터디" in lead.text
    assert lead.find("a", class_="button")["href"] == reverse("lessons:lesson", args=["services"])
    assert page.find(id="continue-heading") is None  # one next step, not two


def test_it_shows_this_weeks_goal_done_of_due_by_the_next_due_date(alice, lessons, basic):
    group = weekly("쿠버네티스 스터디", [alice], [basic])
    complete(alice, lessons[0])
    page = home(logged_in(alice))
    card = page.find(id=f"goal-{group.pk}").find_parent("article")
    due = seoul_today() + timedelta(days=5)
    assert f"By {due:%B} {due.day}" in card.find(class_="bar-label").text
    assert "1 of 3 (33%)" in card.find(class_="bar-numbers").text
    assert "1 overdue" in card.text
    assert "5 days left" in card.text
    assert [a.text for a in card.select(".due-list a")] == ["Services", "Volumes"]


def test_a_learner_in_two_groups_sees_both_paces(alice, lessons, basic, cka):
    first = weekly("Basic 스터디", [alice], [basic])
    second = weekly("CKA 스터디", [alice], [cka], started_days_ago=1, per_week=1)
    page = home(logged_in(alice))
    assert page.find(id=f"goal-{first.pk}").text == "Basic 스터디"
    second_card = page.find(id=f"goal-{second.pk}").find_parent("article")
    assert "0 of 1 (0%)" in second_card.find(class_="bar-numbers").text
    assert "On track" in second_card.text


def test_it_says_the_goal_is_met(alice, lessons, basic):
    weekly("쿠버네티스 스터디", [alice], [basic])
    for lesson in lessons[:3]:
        complete(alice, lesson)
    page = home(logged_in(alice))
    assert "Goal met" in page.find(class_="week-goal").text
    # Nothing due: the lead is the learner's own next lesson, ahead of the pace.
    lead = page.find(id="today-heading").parent
    assert "Architecture" in lead.text


def test_a_group_without_a_pace_says_so(alice, lessons, basic):
    make_group("자유 스터디", learners=[alice], categories=[basic])
    page = home(logged_in(alice))
    assert "This group has no pace" in page.find(class_="week-goal").text


def test_it_shows_the_streak_and_whether_it_is_at_risk(alice, lessons, basic):
    weekly("쿠버네티스 스터디", [alice], [basic])
    yesterday = timezone.now() - timedelta(days=1)
    complete(alice, lessons[0], at=yesterday)
    complete(alice, lessons[3], at=yesterday - timedelta(days=1))
    streak = home(logged_in(alice)).find(class_="streak")
    assert "2-day streak" in streak.text
    assert "makes it 3 days" in streak.text
    complete(alice, lessons[1])
    streak = home(logged_in(alice)).find(class_="streak")
    assert "3-day streak" in streak.text
    assert "Done for today" in streak.text


def test_a_learner_in_no_group_sees_the_home_page_as_before(alice, lessons):
    page = home(logged_in(alice))
    assert page.find(id="today-heading") is None
    assert page.find(id="weeks-heading") is None
    assert page.find(id="continue-heading") is not None


def test_an_instructor_is_not_shown_a_learners_week(alice, bob, lessons, basic):
    group = weekly("쿠버네티스 스터디", [alice], [basic])
    group.memberships.create(user=bob, role="instructor")
    assert home(logged_in(bob)).find(id="weeks-heading") is None


def test_the_panel_costs_a_fixed_number_of_queries_whatever_the_groups(
    alice, lessons, basic, cka, django_assert_max_num_queries
):
    client = logged_in(alice)
    client.get(reverse("lessons:home"))  # a learner's groups are kept in the cache
    # The session, the user, the home page's statement: a learner in no group costs
    # nothing more.
    with django_assert_max_num_queries(3):
        client.get(reverse("lessons:home"))
    for n in range(6):
        weekly(f"스터디 {n}", [alice], [basic, cka], started_days_ago=n)
    client.get(reverse("lessons:home"))  # the groups' plans are read once a day
    # Besides: their lessons done among the plans, their activity days for the streak.
    with django_assert_max_num_queries(3 + 2):
        response = client.get(reverse("lessons:home"))
    assert response.content.decode().count('class="card week-goal"') == 6


def test_a_learner_who_joins_a_group_sees_it_at_once(alice, lessons, basic):
    client = logged_in(alice)
    assert home(client).find(id="weeks-heading") is None
    group = weekly("쿠버네티스 스터디", [], [basic])
    group.memberships.create(user=alice)
    assert home(client).find(id=f"goal-{group.pk}") is not None
    group.memberships.filter(user=alice).delete()
    assert home(client).find(id="weeks-heading") is None


def test_a_group_whose_pace_changes_shows_the_new_plan_at_once(alice, lessons, basic):
    group = weekly("쿠버네티스 스터디", [alice], [basic])
    client = logged_in(alice)
    home(client)
    group.lessons_per_week = 3
    group.save()
    card = home(client).find(id=f"goal-{group.pk}").find_parent("article")
    assert "Goal met" not in card.text
    assert "0 of 3 (0%)" in card.find(class_="bar-numbers").text
    assert "3 overdue" in card.text
