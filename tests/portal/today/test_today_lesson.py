"""The lesson page says when the lesson is due for each of the learner's groups."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from portal.models import NotificationPreference, StudyGroup
from tests.helpers.groups import complete, logged_in, make_group
from tests.portal.today.test_today_home import seoul_today, weekly

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def due_chips(client, slug):
    page = BeautifulSoup(client.get(reverse("lessons:lesson", args=[slug])).content, "html.parser")
    return [" ".join(chip.text.split()) for chip in page.select(".lesson-due .chip")]


def test_it_shows_the_due_date_of_each_group(alice, lessons, basic):
    weekly("Basic 스터디", [alice], [basic])
    make_group("날짜 스터디", learners=[alice], pace=StudyGroup.Pace.DATES)
    group = StudyGroup.objects.get(name="날짜 스터디")
    group.lesson_targets.create(lesson=lessons[1], due_on=seoul_today())
    chips = due_chips(logged_in(alice), "services")
    past = seoul_today() - timedelta(days=2)
    today = seoul_today()
    assert chips == [
        f"Basic 스터디: due {past:%B} {past.day} ({past:%a}) · Overdue",
        f"날짜 스터디: due {today:%B} {today.day} ({today:%a})",
    ]


def test_it_says_done_once_the_lesson_is_done(alice, lessons, basic):
    weekly("Basic 스터디", [alice], [basic])
    complete(alice, lessons[1])
    assert due_chips(logged_in(alice), "services")[0].endswith("· Done")


def test_it_shows_nothing_outside_a_group_or_for_a_lesson_not_planned(alice, bob, lessons, basic):
    weekly("Basic 스터디", [alice], [basic])
    assert due_chips(logged_in(bob), "services") == []
    assert due_chips(logged_in(alice), "architecture") == []


def test_it_costs_one_query_more(alice, lessons, basic, django_assert_max_num_queries):
    weekly("Basic 스터디", [alice], [basic])
    client = logged_in(alice)
    client.get(reverse("lessons:lesson", args=["services"]))
    # The session, the user, the lesson page's statements (4 signed in, see
    # test_progress_pages); the learner's groups and their plans come from the cache.
    with django_assert_max_num_queries(4):
        client.get(reverse("lessons:lesson", args=["services"]))


def test_due_today_is_the_learners_today_in_their_own_time_zone(alice, lessons):
    # Kiritimati is 25 hours ahead of Pago Pago: their dates always differ.
    ahead = timezone.now().astimezone(ZoneInfo("Pacific/Kiritimati")).date()
    group = make_group("날짜 스터디", learners=[alice], pace=StudyGroup.Pace.DATES)
    group.lesson_targets.create(lesson=lessons[1], due_on=ahead)
    NotificationPreference.objects.create(user=alice, time_zone="Pacific/Kiritimati")
    client = logged_in(alice)
    page = BeautifulSoup(
        client.get(reverse("lessons:lesson", args=["services"])).content, "html.parser"
    )
    assert page.select_one(".lesson-due .chip")["class"] == ["chip", "info"]  # due today
    NotificationPreference.objects.filter(user=alice).update(time_zone="Pacific/Pago_Pago")
    NotificationPreference.objects.get(user=alice).save()
    page = BeautifulSoup(
        client.get(reverse("lessons:lesson", args=["services"])).content, "html.parser"
    )
    assert page.select_one(".lesson-due .chip")["class"] == ["chip"]  # due later
