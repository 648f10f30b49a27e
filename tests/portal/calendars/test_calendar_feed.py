"""A learner's private calendar: a secret address per learner with their groups' due
dates, parsed back with icalendar's own parser and checked for what RFC 5545 requires."""

from datetime import date, datetime, timedelta

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from portal.models import CalendarFeed, StudyGroup
from tests.helpers.groups import logged_in, make_group

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

WEEKLY = {"pace": "weekly", "pace_start": date(2026, 12, 1), "lessons_per_week": 1}
HOSTILE = 'Evil, "group"; with\nnewline \\ and <script>alert(1)</script>'


@pytest.fixture
def planned(alice, lessons, basic):
    """alice in a weekly group (2 a week from 2026-12-01) and a dates group."""
    weekly = make_group(
        "Basic 스터디",
        learners=[alice],
        categories=[basic],
        pace=StudyGroup.Pace.WEEKLY,
        pace_start=date(2026, 12, 1),
        lessons_per_week=2,
    )
    dated = make_group(HOSTILE, learners=[alice], pace=StudyGroup.Pace.DATES)
    dated.lesson_targets.create(lesson=lessons[3], due_on=date(2026, 12, 24))
    return weekly, dated


def feed_url(user) -> str:
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return reverse("calendars:feed", args=[feed.token])


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_it_serves_the_due_dates_without_a_session(alice, planned):
    calendar = parse(Client().get(feed_url(alice)))
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == "-//Study Portal//Group due dates//KO"
    events = {event["UID"]: event for event in calendar.walk("VEVENT")}
    weekly, dated = planned
    assert set(events) == {
        f"group-{weekly.pk}-20261207@study-portal",  # Pods, Services
        f"group-{weekly.pk}-20261214@study-portal",  # Volumes
        f"group-{dated.pk}-20261224@study-portal",  # Architecture
    }
    first = events[f"group-{weekly.pk}-20261207@study-portal"]
    assert str(first["SUMMARY"]) == "Basic 스터디: 2 lessons due"
    assert "Pods http://testserver/lessons/pods/" in str(first["DESCRIPTION"])
    assert "Services" in str(first["DESCRIPTION"])
    assert str(first["URL"]) == f"http://testserver/groups/{weekly.pk}/"


def test_every_event_is_an_all_day_date_with_a_stamp(alice, planned):
    raw = Client().get(feed_url(alice)).content.decode()
    assert "DTSTART;VALUE=DATE:20261207\r\n" in raw
    assert "DTEND;VALUE=DATE:20261208\r\n" in raw
    for event in parse(Client().get(feed_url(alice))).walk("VEVENT"):
        assert type(event.decoded("DTSTART")) is date
        assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(days=1)
        stamp = event.decoded("DTSTAMP")
        assert isinstance(stamp, datetime) and stamp.utcoffset() == timedelta(0)
        assert event["UID"]


def test_it_escapes_hostile_group_names(alice, planned):
    response = Client().get(feed_url(alice))
    raw = response.content.decode()
    assert 'SUMMARY:Evil\\, "group"\\; with\\nnewline \\\\ and <script>' in raw.replace("\r\n ", "")
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))  # folded
    dated = planned[1]
    event = next(
        e for e in parse(response).walk("VEVENT") if e["UID"].startswith(f"group-{dated.pk}-")
    )
    assert str(event["SUMMARY"]) == f"{HOSTILE}: 1 lesson due"


def test_a_wrong_token_is_not_found(alice, planned):
    feed_url(alice)
    assert Client().get(reverse("calendars:feed", args=["not-the-token"])).status_code == 404
    assert Client().get("/calendar/" + "x" * 80 + ".ics").status_code == 404


def test_a_replaced_or_revoked_address_stops_working(alice, planned):
    client = logged_in(alice)
    old = feed_url(alice)
    response = client.post(reverse("calendars:regenerate"), follow=True)
    assert "the old one no longer works" in response.content.decode()
    assert Client().get(old).status_code == 404
    new = feed_url(alice)
    assert new != old and Client().get(new).status_code == 200
    client.post(reverse("calendars:revoke"))
    assert Client().get(new).status_code == 404
    assert not CalendarFeed.objects.filter(user=alice).exists()


def test_a_deactivated_account_s_address_stops_working(alice, planned):
    url = feed_url(alice)
    alice.is_active = False
    alice.save()
    assert Client().get(url).status_code == 404


def test_the_feed_shows_only_its_owners_groups(alice, bob, planned, basic):
    make_group("Bob's group", learners=[bob], categories=[basic], **WEEKLY)
    summaries = [str(e["SUMMARY"]) for e in parse(Client().get(feed_url(bob))).walk("VEVENT")]
    assert summaries and all(s.startswith("Bob's group") for s in summaries)


def test_the_page_shows_the_address_only_to_its_owner(alice, bob, planned):
    client = logged_in(alice)
    html = client.get(reverse("calendars:page")).content.decode()
    assert "Make my calendar address" in html
    client.post(reverse("calendars:regenerate"))
    token = CalendarFeed.objects.get(user=alice).token
    assert token in client.get(reverse("calendars:page")).content.decode()
    assert token not in logged_in(bob).get(reverse("calendars:page")).content.decode()


def test_changes_need_a_post_with_csrf(alice, planned):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.get(reverse("calendars:regenerate")).status_code == 405
    assert client.post(reverse("calendars:regenerate")).status_code == 403
    assert not CalendarFeed.objects.filter(user=alice).exists()


def test_the_page_asks_a_visitor_to_log_in(client, db):
    response = client.get(reverse("calendars:page"))
    assert response.status_code == 302 and "login" in response.url


def test_the_feed_costs_a_fixed_number_of_queries(
    alice, planned, basic, django_assert_max_num_queries
):
    url = feed_url(alice)
    for n in range(5):
        make_group(f"More {n}", learners=[alice], categories=[basic], **WEEKLY)
    Client().get(url)
    with django_assert_max_num_queries(2):  # the token with its owner, the groups
        Client().get(url)
