"""Attention that leads to action: a new member's week of grace, whom to reach out to
first (ranked, the reason in words, the top of a cohort and how many more), and nudges
from the dashboard: one learner or everyone behind, once a day each, recorded on the
learner's page."""

import json
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.core import mail as django_mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.dashboards import attention
from portal.models import Membership, NotificationPreference, Nudge, SentMail
from portal.notifications.tasks import send_nudges
from tests.conftest import make_user
from tests.helpers.groups import logged_in, make_group
from tests.portal.dashboards.test_dashboard_queries import _bulk_group

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def dashboard(client, group):
    return BeautifulSoup(
        client.get(reverse("groups:dashboard", args=[group.pk])).content, "html.parser"
    )


def listed(page) -> list[tuple[str, list[str]]]:
    return [
        (
            li.select_one(".reach-out-who > a").text,
            [c.text for c in li.select(".reach-out-why .chip")],
        )
        for li in page.select(".reach-out-list > li")
    ]


def test_it_ranks_whom_to_reach_out_to_first_with_the_reasons(hand_made):
    page = dashboard(logged_in(hand_made.teacher), hand_made.group)
    # charlie: 2 behind, never active for 8 days; bob: 1 behind, 10 days, 2 quizzes.
    assert listed(page) == [
        ("charlie", ["2 lessons behind the pace", "No activity since joining 8 days ago"]),
        (
            "밥",
            ["1 lesson behind the pace", "Inactive for 10 days", "2 quizzes below the pass mark"],
        ),
    ]


def test_the_ranking_puts_behind_before_away_before_failed():
    now = timezone.now()

    def who(name):
        return SimpleNamespace(name=name, joined_at=now - timedelta(days=30), last_active=now)

    away = who("away")
    away.last_active = now - timedelta(days=20)
    ranked = attention.ranked(
        [
            attention.concern(who("failed"), 5, 3, 5, now),
            attention.concern(away, 5, 0, 5, now),
            attention.concern(who("far behind"), 1, 0, 5, now),
            attention.concern(who("behind"), 4, 1, 5, now),
            attention.concern(who("fine"), 5, 0, 5, now),
        ]
    )
    assert [c.learner.name for c in ranked] == ["far behind", "behind", "away", "failed"]


def test_a_new_member_has_a_week_of_grace(hand_made):
    newcomer = make_user("newcomer")
    Membership.objects.create(group=hand_made.group, user=newcomer)
    client = logged_in(hand_made.teacher)
    page = dashboard(client, hand_made.group)
    assert "newcomer" not in [name for name, _ in listed(page)]
    assert "2 need attention" in page.text  # bob and charlie, as before
    Membership.objects.filter(user=newcomer).update(joined_at=timezone.now() - timedelta(days=8))
    page = dashboard(client, hand_made.group)
    assert (
        "newcomer",
        ["2 lessons behind the pace", "No activity since joining 8 days ago"],
    ) in listed(page)


def test_a_cohort_shows_the_top_ten_and_how_many_more(db):
    group, teacher = _bulk_group("cohort", 70, 20)
    Membership.objects.filter(group=group).update(joined_at=timezone.now() - timedelta(days=40))
    page = dashboard(logged_in(teacher), group)
    assert len(page.select(".reach-out-list > li")) == 10
    more = page.select_one(".reach-out .attention-link")
    total = int(page.select_one(".dashboard-summary .attention-link").text.split()[0])
    assert more.text.startswith(f"and {total - 10} more")
    assert more["href"].endswith("attention=1")


def test_an_instructor_nudges_one_learner_once_a_day(hand_made):
    client = logged_in(hand_made.teacher)
    url = reverse("groups:nudge_learner", args=[hand_made.group.pk, hand_made.bob.pk])
    response = client.post(url, follow=True)
    assert "Nudge sent to 밥." in response.content.decode()
    assert [m.to for m in django_mail.outbox] == [["bob@example.com"]]
    response = client.post(url, follow=True)
    assert "has already been nudged today" in response.content.decode()
    assert len(django_mail.outbox) == 1
    assert Nudge.objects.filter(learner=hand_made.bob).count() == 1
    items = dashboard(client, hand_made.group).select(".reach-out-list > li")
    bob = next(li for li in items if "밥" in li.text)
    assert "Nudged today" in bob.text and bob.find("form") is None


def test_the_list_reads_a_nudge_on_the_learners_own_day(hand_made):
    """At 10:00 in Seoul it is still yesterday evening in New York: a learner there nudged
    now shows as nudged today (the day the second nudge would be refused), and a nudge of
    their day before does not."""
    NotificationPreference.objects.create(user=hand_made.bob, time_zone="America/New_York")
    morning = timezone.now().astimezone(ZoneInfo("Asia/Seoul")).replace(hour=10, minute=0)
    client = logged_in(hand_made.teacher)
    url = reverse("groups:nudge_learner", args=[hand_made.group.pk, hand_made.bob.pk])
    with mock.patch("django.utils.timezone.now", return_value=morning):
        client.post(url)
        items = dashboard(client, hand_made.group).select(".reach-out-list > li")
    bob = next(li for li in items if "밥" in li.text)
    assert "Nudged today" in bob.text and bob.find("form") is None
    with mock.patch("django.utils.timezone.now", return_value=morning + timedelta(days=1)):
        items = dashboard(client, hand_made.group).select(".reach-out-list > li")
    bob = next(li for li in items if "밥" in li.text)
    assert "Nudged today" not in bob.text and bob.find("form") is not None


def test_htmx_gets_the_button_swapped_and_the_live_region_told(hand_made):
    client = logged_in(hand_made.teacher)
    url = reverse("groups:nudge_learner", args=[hand_made.group.pk, hand_made.bob.pk])
    response = client.post(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert f'id="nudge-{hand_made.bob.pk}"' in html and "Nudged today" in html
    assert "data-focus-after-swap" in html
    told = json.loads(response["HX-Trigger"])["portal:announce"]["message"]
    assert told == "Nudge sent to 밥."
    again = client.post(url, headers={"HX-Request": "true"})
    assert "already been nudged today" in again.content.decode()


def test_an_instructor_nudges_everyone_behind_with_one_click(hand_made):
    client = logged_in(hand_made.teacher)
    page = dashboard(client, hand_made.group)
    button = page.select_one("#nudge-behind button")
    assert button.text == "Nudge all 2 learners behind the pace"
    response = client.post(reverse("groups:nudge_behind", args=[hand_made.group.pk]), follow=True)
    assert "Nudged 2 learners behind the pace." in response.content.decode()
    assert sorted(m.to[0] for m in django_mail.outbox) == ["bob@example.com", "charlie@example.com"]
    response = client.post(reverse("groups:nudge_behind", args=[hand_made.group.pk]), follow=True)
    assert "Nudged 0 learners behind the pace. 2 not nudged" in response.content.decode()
    assert len(django_mail.outbox) == 2


def test_nudging_everyone_behind_costs_the_same_queries_for_two_or_thirty_two(
    hand_made, database_tasks
):
    """The request records the nudges and queues them; the worker writes and sends them."""
    client = logged_in(hand_made.teacher)
    url = reverse("groups:nudge_behind", args=[hand_made.group.pk])

    def nudge_all() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.post(url)
        return len(captured)

    few = nudge_all()  # bob and charlie
    assert Nudge.objects.count() == 2
    Nudge.objects.all().delete()
    SentMail.objects.all().delete()
    for n in range(30):
        Membership.objects.create(group=hand_made.group, user=make_user(f"behind{n}"))
    Membership.objects.filter(user__username__startswith="behind").update(
        joined_at=timezone.now() - timedelta(days=15)
    )
    many = nudge_all()
    assert Nudge.objects.count() == 32
    assert many <= few + 1  # a second task of mails, nothing per learner
    assert not django_mail.outbox  # nothing written or sent inside the request
    for queued in DBTaskResult.objects.filter(task_path=send_nudges.module_path):
        send_nudges.call(*queued.args_kwargs["args"])
    assert len(django_mail.outbox) == 32
    assert {m.subject for m in django_mail.outbox} == {"선생님 of 쿠버네티스 스터디 is checking in"}


@pytest.mark.parametrize("who", ["alice", "outsider", "other_teacher", "operator", "anonymous"])
def test_only_the_groups_instructor_can_nudge(hand_made, who):
    other_teacher = make_user("other")
    make_group("다른 그룹", instructors=(other_teacher,))
    operator = make_user("operator")
    operator.user_permissions.add(Permission.objects.get(codename="view_every_group"))
    users = {"alice": hand_made.alice, "outsider": hand_made.outsider,
             "other_teacher": other_teacher, "operator": operator}  # fmt: skip
    client = logged_in(users[who]) if who in users else Client()
    for url in (
        reverse("groups:nudge_learner", args=[hand_made.group.pk, hand_made.bob.pk]),
        reverse("groups:nudge_behind", args=[hand_made.group.pk]),
    ):
        assert client.post(url).status_code == 404
    assert not django_mail.outbox and not Nudge.objects.exists()


def test_an_operator_sees_the_list_without_nudge_buttons(hand_made):
    operator = make_user("operator")
    operator.user_permissions.add(Permission.objects.get(codename="view_every_group"))
    page = dashboard(logged_in(operator), hand_made.group)
    assert listed(page) and page.select_one(".reach-out form") is None


def test_a_nudge_needs_a_post_with_csrf(hand_made):
    client = Client(enforce_csrf_checks=True)
    client.force_login(hand_made.teacher)
    url = reverse("groups:nudge_learner", args=[hand_made.group.pk, hand_made.bob.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    assert not Nudge.objects.exists()


def test_a_nudge_to_someone_not_a_learner_of_the_group_is_not_found(hand_made):
    url = reverse("groups:nudge_learner", args=[hand_made.group.pk, hand_made.outsider.pk])
    assert logged_in(hand_made.teacher).post(url).status_code == 404


def test_the_learners_page_records_the_nudge(hand_made):
    client = logged_in(hand_made.teacher)
    client.post(reverse("groups:nudge_learner", args=[hand_made.group.pk, hand_made.bob.pk]))
    page = client.get(
        reverse("groups:dashboard_learner", args=[hand_made.group.pk, hand_made.bob.pk])
    )
    today = timezone.localdate()
    assert f"Nudge sent: {today:%B} {today.day} · 선생님" in page.content.decode()


def test_the_list_costs_two_queries_whatever_the_group(hand_made, django_assert_max_num_queries):
    client = logged_in(hand_made.teacher)
    client.get(reverse("groups:dashboard", args=[hand_made.group.pk]))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("groups:dashboard", args=[hand_made.group.pk]))
    for n in range(12):
        Membership.objects.create(group=hand_made.group, user=make_user(f"extra{n}"))
    Membership.objects.filter(group=hand_made.group).update(
        joined_at=timezone.now() - timedelta(days=20)
    )
    with django_assert_max_num_queries(len(small)):
        client.get(reverse("groups:dashboard", args=[hand_made.group.pk]))
