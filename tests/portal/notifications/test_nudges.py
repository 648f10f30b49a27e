"""An instructor's nudge: a short mail to one learner through the queue, at most one per
learner a day, recorded for the learner's drill-down."""

from datetime import date

import pytest
from django.core import mail as django_mail

from portal.models import NotificationPreference, Nudge, SentMail
from portal.notifications.nudges import (
    NudgeRefused,
    do_nudge,
    nudge_many,
    nudged_today,
    nudges_for,
)
from tests.conftest import make_lesson, make_user
from tests.helpers.groups import make_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(db):
    return make_user("teacher", display_name="김선생")


@pytest.fixture
def group(teacher, alice, basic):
    make_lesson(basic, "Pods", 1)
    return make_group(
        "쿠버네티스 스터디",
        instructors=(teacher,),
        learners=(alice,),
        pace="weekly",
        pace_start=date(2026, 1, 5),
        lessons_per_week=1,
    )


def test_it_sends_a_short_mail_and_records_the_nudge(teacher, alice, group, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.com"
    nudge = do_nudge(teacher, alice, group)
    [message] = django_mail.outbox
    assert message.to == ["alice@example.com"]
    assert message.subject == "쿠버네티스 스터디의 김선생 님이 안부를 전합니다"
    assert "https://portal.example.com/lessons/pods/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    nudge.mail.refresh_from_db()
    assert nudge.mail.status == SentMail.Status.SENT
    assert list(nudges_for(alice, group)) == [nudge]
    assert nudged_today([alice.pk]) == {alice.pk}


def test_it_nudges_a_learner_once_a_day(teacher, alice, group, english):
    do_nudge(teacher, alice, group)
    with pytest.raises(NudgeRefused, match="already been nudged today"):
        do_nudge(teacher, alice, group)
    assert len(django_mail.outbox) == 1
    assert Nudge.objects.count() == 1


def test_it_lets_only_the_groups_instructors_nudge(alice, bob, group):
    with pytest.raises(NudgeRefused):
        do_nudge(bob, alice, group)
    assert django_mail.outbox == []


def test_it_nudges_only_learners_of_the_group(teacher, bob, group, english):
    with pytest.raises(NudgeRefused, match="not a learner"):
        do_nudge(teacher, bob, group)


def test_it_respects_a_learner_who_turned_nudges_off(teacher, alice, group, english):
    NotificationPreference.objects.create(user=alice, nudges=False)
    with pytest.raises(NudgeRefused, match="turned nudges off"):
        do_nudge(teacher, alice, group)
    assert django_mail.outbox == []
    assert not Nudge.objects.exists()


def test_nudging_many_leaves_out_who_takes_none_has_no_address_or_had_one_today(
    teacher, alice, bob, charlie, group
):
    from portal.models import Membership

    for learner in (bob, charlie):
        Membership.objects.create(group=group, user=learner)
    NotificationPreference.objects.create(user=bob, nudges=False, language="en")
    charlie.email = ""
    charlie.save()
    quiet = make_user("quiet")
    Membership.objects.create(group=group, user=quiet)
    do_nudge(teacher, quiet, group)
    nudged = nudge_many(teacher, [alice, bob, charlie, quiet], group)
    assert [nudge.learner_id for nudge in nudged] == [alice.pk]
    assert sorted(m.to[0] for m in django_mail.outbox) == [
        "alice@example.com",
        "quiet@example.com",
    ]
    assert Nudge.objects.count() == 2


def test_it_escapes_a_hostile_instructor_and_group_in_html_and_keeps_them_plain_in_text(
    alice, basic
):
    mallory = make_user("mallory", display_name='<img src=x onerror="alert(1)">')
    group = make_group("<script>x</script> & co", instructors=(mallory,), learners=(alice,))
    do_nudge(mallory, alice, group)
    [message] = django_mail.outbox
    html = message.alternatives[0].content
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;x&lt;/script&gt; &amp; co" in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert '<script>x</script> & co의 <img src=x onerror="alert(1)"> 님' in message.body
    assert message.subject.startswith("<script>x</script> & co의 <img src=x")
