"""The instructors' weekly digest: Mondays from their hour, once an ISO week, each group's
progress and who slipped behind the pace."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail as django_mail

from portal.models import NotificationPreference, SentMail
from portal.notifications import schedule
from tests.conftest import make_lesson, make_user
from tests.helpers.groups import complete, make_group

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
MONDAY = datetime(2026, 12, 7, 20, 5, tzinfo=SEOUL)


@pytest.fixture
def teacher(db):
    return make_user("teacher", display_name="김선생")


@pytest.fixture
def group(teacher, alice, bob, basic, settings):
    """One lesson a week from 23 November: two lessons due by Monday 7 December. alice
    did none, bob both."""
    settings.PORTAL_BASE_URL = "https://portal.example.com"
    lessons = [make_lesson(basic, f"Lesson {n}", n) for n in range(1, 4)]
    group = make_group(
        "<b>스터디</b>",
        instructors=(teacher,),
        learners=(alice, bob),
        pace="weekly",
        pace_start=date(2026, 11, 23),
        lessons_per_week=1,
    )
    for lesson in lessons[:2]:
        complete(bob, lesson)
    NotificationPreference.objects.create(user=alice, reminders=False)
    NotificationPreference.objects.create(user=bob, reminders=False)
    return group


def test_it_tells_the_instructor_who_slipped_on_monday(teacher, group, alice):
    schedule.enqueue_due(MONDAY)
    [message] = django_mail.outbox
    assert message.to == ["teacher@example.com"]
    assert message.subject == "이번 주 스터디 그룹 소식: 1개 그룹"
    assert "<b>스터디</b>" in message.body
    assert "학습자 2명, 평균 33% 완료." in message.body
    assert "진도보다 늦은 학습자 1명:" in message.body
    assert f"- 앨리스: 0/2 (https://portal.example.com/groups/{group.pk}/" in message.body
    html = message.alternatives[0].content
    assert "&lt;b&gt;스터디&lt;/b&gt;" in html and "<b>스터디" not in html
    assert SentMail.objects.get(user=teacher).key == "2026-W50"


def test_it_sends_the_digest_once_a_week_and_only_on_mondays(teacher, group):
    schedule.enqueue_due(datetime(2026, 12, 6, 20, 5, tzinfo=SEOUL))  # Sunday
    assert django_mail.outbox == []
    schedule.enqueue_due(MONDAY)
    schedule.enqueue_due(datetime(2026, 12, 7, 23, 0, tzinfo=SEOUL))
    assert len(django_mail.outbox) == 1


def test_it_sends_no_digest_to_an_instructor_who_turned_it_off(teacher, group):
    NotificationPreference.objects.create(user=teacher, digest=False)
    schedule.enqueue_due(MONDAY)
    assert django_mail.outbox == []


def test_it_stays_quiet_for_a_group_without_learners(teacher):
    make_group("빈 그룹", instructors=(teacher,))
    schedule.enqueue_due(MONDAY)
    assert django_mail.outbox == []
    assert SentMail.objects.get(user=teacher).status == SentMail.Status.QUIET
