"""Mail to a question's followers through the real SMTP server: a new answer or an
accepted one at once, or gathered at the follower's evening hour, never to the one who
acted, never to someone who turned it off; and by the real task worker."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.discussions import mailing
from portal.models import GroupQuestion, NotificationPreference, QuestionFollow, SentMail
from portal.notifications import mail, preferences
from tests.helpers.discussion_fixtures import answer, ask, client_for
from tests.helpers.mail_fixtures import parts, run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def base_url(settings):
    settings.PORTAL_BASE_URL = "https://portal.example.com"


def post_answer(room, question, author, body="노드 자원을 보세요."):
    return client_for(author).post(
        reverse("groups:answer", args=[room.group.pk, question.pk]), {"body": body}
    )


def test_it_mails_the_followers_of_a_new_answer_at_once(
    room, smtp_mail, base_url, django_capture_on_commit_callbacks
):
    question = ask(room)
    QuestionFollow.objects.create(question=question, user=room.alice)
    QuestionFollow.objects.create(question=question, user=room.teacher)
    with django_capture_on_commit_callbacks(execute=True):
        post_answer(room, question, room.bob, "`kubectl describe node`를 보세요 <script>x</script>")
    messages = smtp_mail.wait_for(2)
    assert sorted(m["To"] for m in messages) == ["alice@example.com", "tara@example.com"]
    to_alice = smtp_mail.to("alice@example.com")[0]
    assert to_alice["Subject"] == "새 답변: 파드가 Pending이에요"
    text, html = parts(to_alice)
    assert "`kubectl describe node`를 보세요" in text
    assert question.get_absolute_url() in text
    assert "<code>kubectl describe node</code>" in html and "<script>" not in html
    token = mail.unsubscribe_token(room.alice.pk, "answers")
    assert token in to_alice["List-Unsubscribe"]


def test_it_mails_an_acceptance_but_not_to_the_one_who_accepted(
    room, smtp_mail, base_url, django_capture_on_commit_callbacks
):
    question = ask(room)
    reply = answer(question, room.bob)
    QuestionFollow.objects.create(question=question, user=room.alice)
    QuestionFollow.objects.create(question=question, user=room.bob)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(room.alice).post(
            reverse("groups:accept", args=[room.group.pk, question.pk]), {"answer": reply.pk}
        )
    [message] = smtp_mail.wait_for(1)
    assert message["To"] == "bob@example.com"
    assert message["Subject"] == "답변이 채택되었습니다: 파드가 Pending이에요"


def test_it_mails_nobody_who_turned_it_off_or_left_the_group(
    room, smtp_mail, base_url, django_capture_on_commit_callbacks
):
    from portal.models import Membership

    question = ask(room)
    QuestionFollow.objects.create(question=question, user=room.alice)
    QuestionFollow.objects.create(question=question, user=room.teacher)
    NotificationPreference.objects.create(user=room.alice, answers="off")
    Membership.objects.filter(user=room.teacher).delete()
    with django_capture_on_commit_callbacks(execute=True):
        post_answer(room, question, room.bob)
    assert smtp_mail.wait_for(1, timeout=1) == []


def test_it_mails_about_a_hidden_question_to_its_author_only(
    room, smtp_mail, base_url, django_capture_on_commit_callbacks
):
    question = ask(room, title="클러스터 비밀 제목")
    for follower in (room.alice, room.bob):
        QuestionFollow.objects.create(question=question, user=follower)
    GroupQuestion.objects.filter(pk=question.pk).update(
        hidden_at=timezone.now(), hidden_reason="무관"
    )
    with django_capture_on_commit_callbacks(execute=True):
        post_answer(room, question, room.teacher)
    [message] = smtp_mail.wait_for(2, timeout=2)
    assert message["To"] == "alice@example.com"


def test_it_leaves_a_hidden_question_out_of_the_others_evening_mail(room, base_url):
    question = ask(room, title="클러스터 비밀 제목")
    shown = ask(room, title="보이는 질문")
    for followed in (question, shown):
        QuestionFollow.objects.create(question=followed, user=room.bob)
        answer(followed, room.teacher)
    GroupQuestion.objects.filter(pk=question.pk).update(hidden_at=timezone.now())
    row = SentMail.objects.create(user=room.bob, kind="answers", key="evening:x", subject="")
    mailing.compose_evening([row.pk])
    row.refresh_from_db()
    assert "보이는 질문" in row.text and "클러스터 비밀 제목" not in row.text


def test_it_turns_the_mails_off_by_the_one_click_link(room, client):
    token = mail.unsubscribe_token(room.alice.pk, "answers")
    client.post(reverse("notifications:unsubscribe", args=[token]))
    assert preferences.for_user(room.alice).answers == "off"


def test_it_lets_a_member_choose_on_the_account_page(room):
    page = client_for(room.alice).get(reverse("account")).content.decode()
    assert 'name="answers"' in page


def test_it_gathers_the_days_answers_into_one_evening_mail(
    room, smtp_mail, base_url, django_capture_on_commit_callbacks
):
    question = ask(room)
    QuestionFollow.objects.create(question=question, user=room.alice)
    NotificationPreference.objects.create(user=room.alice, answers="evening", hour=20)
    with django_capture_on_commit_callbacks(execute=True):
        post_answer(room, question, room.bob, "첫 답")
        post_answer(room, question, room.teacher, "둘째 답")
    # The test's immediate task backend cannot defer: the evening mail goes at once.
    [message] = smtp_mail.wait_for(1)
    assert message["To"] == "alice@example.com"
    text, _ = parts(message)
    assert "첫 답" in text and "둘째 답" in text and "파드가 Pending이에요" in text
    assert SentMail.objects.filter(user=room.alice, kind="answers").count() == 1


def test_it_waits_for_the_followers_evening_hour():
    seoul = ZoneInfo("Asia/Seoul")
    chosen = preferences.Preferences(
        reminders=False, hour=20, weekdays=127, time_zone="Asia/Seoul", language="ko",
        digest=False, nudges=True, answers="evening",
    )  # fmt: skip
    morning = datetime(2026, 12, 7, 9, 0, tzinfo=seoul)
    night = datetime(2026, 12, 7, 21, 0, tzinfo=seoul)
    assert mailing.next_evening(chosen, morning) == datetime(2026, 12, 7, 20, 0, tzinfo=seoul)
    assert mailing.next_evening(chosen, night) == datetime(2026, 12, 8, 20, 0, tzinfo=seoul)


@pytest.mark.django_db(transaction=True)
def test_it_mails_through_the_task_worker(room, smtp_server, database_tasks):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the worker shares the test database, which is in memory on SQLite")
    question = ask(room)
    QuestionFollow.objects.create(question=question, user=room.alice)
    post_answer(room, question, room.bob)
    assert smtp_server.messages == []
    run_worker(smtp_server.port)
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "alice@example.com"
    assert "https://portal.example.com/groups/" in parts(message)[0]
    assert GroupQuestion.objects.get().answer_count == 1


def test_it_lists_the_weeks_unanswered_questions_in_the_instructors_digest(room, base_url):
    from django.utils import timezone

    from portal.notifications import digest

    ask(room, title="아직 답이 없는 질문")
    answered = ask(room, title="답이 채택된 질문")
    GroupQuestion.objects.filter(pk=answered.pk).update(accepted_answer=answer(answered, room.bob))
    row = SentMail.objects.create(user=room.teacher, kind="digest", key="week", subject="")
    digest.compose([row.pk], timezone.now())
    row.refresh_from_db()
    assert "아직 답이 없는 질문" in row.text and "답이 채택된 질문" not in row.text
    assert "이번 주 질문 1개가 답변을 기다리고 있습니다" in row.text
    assert "아직 답이 없는 질문</a>" in row.html
