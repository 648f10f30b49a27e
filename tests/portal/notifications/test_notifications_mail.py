"""Mail through a real SMTP server (aiosmtpd on this machine): what arrives, its headers
and both parts, escaping, the record that keeps a mail to one copy, and retries."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail as django_mail

from portal.models import NotificationPreference, SentMail
from portal.notifications import mail, schedule
from tests.conftest import make_lesson, make_user
from tests.helpers.groups import complete, make_group
from tests.helpers.mail_fixtures import parts

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
MONDAY_EVENING = datetime(2026, 12, 7, 20, 5, tzinfo=SEOUL)


@pytest.fixture
def base_url(settings):
    settings.PORTAL_BASE_URL = "https://portal.example.com"


@pytest.fixture
def paced(alice, basic, base_url):
    """alice in a group whose first two lessons are due this Sunday, 13 December."""
    lessons = [make_lesson(basic, f"Lesson {n}", n) for n in range(1, 5)]
    group = make_group(
        "쿠버네티스 스터디",
        learners=(alice,),
        pace="weekly",
        pace_start=date(2026, 12, 7),
        lessons_per_week=2,
    )
    return group, lessons


def test_it_delivers_a_queued_mail_with_both_parts_and_one_click_unsubscribe(
    smtp_mail, alice, base_url
):
    row = mail.enqueue_mail(
        alice, "other", "welcome", subject="환영합니다", text="본문", html="<p>본문</p>"
    )
    [message] = smtp_mail.wait_for(1)
    assert message["To"] == "alice@example.com"
    assert message["Subject"] == "환영합니다"
    token = mail.unsubscribe_token(alice.pk, "other")
    assert (
        message["List-Unsubscribe"]
        == f"<https://portal.example.com/notifications/unsubscribe/{token}/>"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"] == row.message_id
    text, html = parts(message)
    assert text.strip() == "본문"
    assert html.strip() == "<p>본문</p>"
    row.refresh_from_db()
    assert row.status == SentMail.Status.SENT
    assert row.sent_at is not None
    assert row.text == row.html == ""


def test_it_queues_a_mail_of_the_same_kind_and_key_once(smtp_mail, alice):
    assert mail.enqueue_mail(alice, "other", "k", subject="one", text="a") is not None
    assert mail.enqueue_mail(alice, "other", "k", subject="two", text="b") is None
    smtp_mail.wait_for(2, timeout=1)
    assert [m["Subject"] for m in smtp_mail.messages] == ["one"]


def test_it_sends_nothing_when_the_task_runs_twice(smtp_mail, alice):
    row = mail.enqueue_mail(alice, "other", "k", subject="once", text="a")
    outcome = mail.deliver([row.pk, row.pk])
    assert outcome["skipped"] == [row.pk, row.pk]
    assert len(smtp_mail.wait_for(2, timeout=1)) == 1


def test_it_sends_the_evening_reminder_in_korean(smtp_mail, alice, paced):
    _, lessons = paced
    complete(alice, lessons[0], at=MONDAY_EVENING - timedelta(days=1))
    schedule.enqueue_due(MONDAY_EVENING)
    [message] = smtp_mail.wait_for(1)
    text, html = parts(message)
    assert message["Subject"] == "쿠버네티스 스터디: 이번 주 할 레슨 1개"
    assert text.startswith("앨리스 님, 안녕하세요.")
    assert "다음 할 일: https://portal.example.com/lessons/lesson-2/" in text
    assert "- Lesson 2 (마감 2026년 12월 13일)" in text
    assert "Lesson 1" not in text  # done
    assert "Lesson 3" not in text  # due next week
    assert "1일 연속으로 공부했어요" in text  # yesterday's lesson, nothing yet today
    assert 'href="https://portal.example.com/lessons/lesson-2/"' in html
    assert "https://portal.example.com/accounts/" in text
    assert message["List-Unsubscribe"].startswith(
        "<https://portal.example.com/notifications/unsubscribe/"
    )


def test_it_writes_the_reminder_in_the_learners_language(smtp_mail, alice, paced):
    NotificationPreference.objects.create(user=alice, language="en")
    schedule.enqueue_due(MONDAY_EVENING)
    [message] = smtp_mail.wait_for(1)
    text, _ = parts(message)
    assert message["Subject"] == "쿠버네티스 스터디: 2 lessons to do this week"
    assert text.startswith("Hello 앨리스,")
    assert "쿠버네티스 스터디: 2 lessons due by Dec. 13, 2026" in text


def test_it_escapes_hostile_names_in_html_and_keeps_them_plain_in_text(smtp_mail, basic, base_url):
    learner = make_user("mallory", display_name='<img src=x onerror="alert(1)">')
    make_lesson(basic, "<b>Bold</b> & co", 1, slug="bold")
    make_group(
        "<script>alert('group')</script>",
        learners=(learner,),
        pace="weekly",
        pace_start=date(2026, 12, 7),
        lessons_per_week=1,
    )
    schedule.enqueue_due(MONDAY_EVENING)
    [message] = smtp_mail.wait_for(1)
    text, html = parts(message)
    assert "<script>" not in html and "<img src=x" not in html and "<b>Bold" not in html
    assert "&lt;script&gt;alert(&#x27;group&#x27;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in html
    assert "<script>alert('group')</script>" in text
    assert '<img src=x onerror="alert(1)"> 님' in text
    assert "<b>Bold</b> & co" in text
    assert message["Subject"] == "<script>alert('group')</script>: 이번 주 할 레슨 1개"


def test_it_stays_quiet_when_nothing_is_due_tonight(smtp_mail, alice, paced):
    _, lessons = paced
    for lesson in lessons[:2]:
        complete(alice, lesson, at=MONDAY_EVENING - timedelta(hours=1))
    schedule.enqueue_due(MONDAY_EVENING)
    assert smtp_mail.wait_for(1, timeout=1) == []
    row = SentMail.objects.get(user=alice)
    assert row.status == SentMail.Status.QUIET
    assert row.key == "2026-12-07"


def test_it_tries_a_failed_send_again_then_keeps_it_failed_for_staff(settings, alice, smtp_server):
    settings.MAIL_MAX_ATTEMPTS = 3
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            # Nothing listens on port 9: every attempt fails to connect.
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "use_tls": False, "timeout": 2},
        }
    }
    row = mail.enqueue_mail(alice, "other", "k", subject="s", text="t")
    row.refresh_from_db()
    assert row.status == SentMail.Status.FAILED
    assert row.attempts == 3
    assert "ConnectionRefusedError" in row.last_error
    assert row.text == "t"  # kept, to be looked at


def test_it_shows_failed_mails_to_staff_in_the_admin(editor_client, alice):
    SentMail.objects.create(
        user=alice, kind="reminder", key="2026-12-07", status="failed", last_error="refused"
    )
    html = editor_client.get("/admin/portal/sentmail/?status__exact=failed").content.decode()
    assert "2026-12-07" in html
    assert "앨리스" in html


def test_it_does_not_mail_someone_without_an_address(alice):
    alice.email = ""
    alice.save()
    row = mail.enqueue_mail(alice, "other", "k", subject="s", text="t")
    row.refresh_from_db()
    assert row.status == SentMail.Status.FAILED
    assert django_mail.outbox == []
