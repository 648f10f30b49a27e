"""`manage.py send_reminders [--at]`: who is due a reminder at a moment, in their own time
zone (Seoul, and New York across a DST change), on their days, once per local day."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail as django_mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import NotificationPreference, SentMail
from portal.notifications import schedule
from tests.conftest import make_lesson, make_user
from tests.helpers.groups import make_group

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def group(basic):
    """A weekly group whose first lesson is due every week from 2026: a reminder always
    has something to say."""
    for n in range(1, 4):
        make_lesson(basic, f"Lesson {n}", n)
    return make_group("스터디", pace="weekly", pace_start=date(2026, 1, 5), lessons_per_week=1)


def learner(group, username: str, **choices):
    from portal.models import Membership

    user = make_user(username)
    Membership.objects.create(group=group, user=user)
    if choices:
        NotificationPreference.objects.create(user=user, **choices)
    return user


def run(at: str) -> str:
    out = StringIO()
    call_command("send_reminders", "--at", at, stdout=out)
    return out.getvalue()


def recipients() -> list[str]:
    return sorted(address for message in django_mail.outbox for address in message.to)


def test_it_sends_at_the_learners_hour_in_seoul_and_not_before(group):
    learner(group, "minjun")  # the defaults: 20:00 in Asia/Seoul, every day
    assert "0 reminders" in run("2026-12-07T19:59:59+09:00")
    assert recipients() == []
    assert "1 reminders" in run("2026-12-07T20:00:00+09:00")
    assert recipients() == ["minjun@example.com"]


def test_it_sends_once_however_often_it_runs(group):
    learner(group, "minjun")
    run("2026-12-07T20:00+09:00")
    run("2026-12-07T20:01+09:00")
    run("2026-12-07T23:59+09:00")
    assert recipients() == ["minjun@example.com"]
    assert SentMail.objects.get().key == "2026-12-07"


def test_it_sends_again_the_next_local_day(group):
    learner(group, "minjun")
    run("2026-12-07T23:59:59+09:00")
    run("2026-12-08T00:00:01+09:00")  # a new day in Seoul, but before 20:00
    assert len(django_mail.outbox) == 1
    run("2026-12-08T20:00+09:00")
    assert len(django_mail.outbox) == 2
    assert sorted(SentMail.objects.values_list("key", flat=True)) == ["2026-12-07", "2026-12-08"]


def test_it_reads_the_day_in_the_learners_zone_not_the_servers(group):
    learner(group, "ny", time_zone="America/New_York", hour=20)
    # 20:30 in New York on 7 December is 10:30 on 8 December in Seoul.
    run("2026-12-08T10:30+09:00")
    assert recipients() == ["ny@example.com"]
    assert SentMail.objects.get().key == "2026-12-07"
    # 01:00 on the 8th in New York: a new day there, but not yet 20:00.
    run("2026-12-08T15:00+09:00")
    assert len(django_mail.outbox) == 1


@pytest.mark.parametrize(
    ("moment", "sent"),
    [
        # Spring forward (8 March 2026): 02:00 does not exist; 03:00 EDT is past 02:00.
        ("2026-03-08T01:59:00-05:00", False),
        ("2026-03-08T03:00:00-04:00", True),
        # Fall back (1 November 2026): 01:30 happens twice; the first already counts.
        ("2026-11-01T01:30:00-04:00", True),
    ],
)
def test_it_keeps_the_hour_across_new_yorks_dst_changes(group, moment, sent):
    learner(group, "ny", time_zone="America/New_York", hour=2 if "03-08" in moment else 1)
    run(moment)
    assert (recipients() == ["ny@example.com"]) is sent


def test_it_sends_once_on_the_night_the_clocks_go_back(group):
    learner(group, "ny", time_zone="America/New_York", hour=1)
    run("2026-11-01T01:30:00-04:00")  # EDT
    run("2026-11-01T01:30:00-05:00")  # the same wall time an hour later, EST
    assert len(django_mail.outbox) == 1


def test_it_sends_only_on_the_chosen_days(group):
    learner(group, "weekdays", weekdays=0b0011111)  # Monday to Friday
    run("2026-12-12T20:00+09:00")  # Saturday
    assert recipients() == []
    run("2026-12-14T20:00+09:00")  # Monday
    assert recipients() == ["weekdays@example.com"]


def test_it_leaves_out_who_did_not_want_reminders_and_who_is_in_no_paced_group(group, basic):
    learner(group, "off", reminders=False)
    make_user("loner")  # in no group
    unpaced = make_group("천천히", pace="none")
    learner(unpaced, "unpaced")
    loner_on = make_user("loner_on")
    NotificationPreference.objects.create(user=loner_on, reminders=True)
    from lessons.models import Completion, Lesson

    # loner_on chose reminders and has a streak to keep: they get one.
    Completion.objects.create(
        user=loner_on,
        lesson=Lesson.objects.first(),
        completed_at=datetime(2026, 12, 6, 21, 0, tzinfo=SEOUL),
    )
    run("2026-12-07T20:00+09:00")
    assert recipients() == ["loner_on@example.com"]


def test_it_enqueues_with_the_same_queries_for_ten_learners_or_a_hundred(group, database_tasks):
    at = datetime(2026, 12, 7, 20, 0, tzinfo=SEOUL)
    for n in range(10):
        learner(group, f"small{n}")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            schedule.enqueue_due(at)
        return len(captured)

    small = queries()
    SentMail.objects.all().delete()
    for n in range(90):
        learner(group, f"big{n}")
    big = queries()
    # 100 learners make one more task of 100 mails (one insert), nothing per learner.
    assert big <= small + 1
    assert SentMail.objects.count() == 100


def test_it_refuses_an_unreadable_moment():
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("send_reminders", "--at", "tonight")


def test_it_reads_a_moment_without_an_offset_in_the_portals_zone(group):
    learner(group, "minjun")
    run("2026-12-07T20:00")
    assert recipients() == ["minjun@example.com"]
