"""The mock exam in Chromium when things go wrong: the connection drops mid-exam (answers
kept in the browser and sent on reconnect, the exam never replaced by an error page),
"finish" with questions left (a dialog asks first), and the time running out (the page
locks, says so, and finishes the sitting)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lessons.exams import mock as mock_exams
from lessons.models import Category, MockSitting, Question, SittingQuestion
from portal.models import User
from tests.browser.conftest import sign_in
from tests.lessons.exams.exam_fixtures import make_exam, question_url, tag_questions


@pytest.fixture
def sitting(transactional_db):
    category = Category.objects.create(name="Basic", slug="basic", position=1)
    exam = make_exam(questions_per_sitting=3)
    tag_questions(category, exam, per_domain=2)
    learner = User.objects.create_user("candidate", password="candidate-password-1")
    return mock_exams.start(learner, exam)


def open_question(new_page, live_server, sitting, position: int = 1):
    page = new_page()
    sign_in(page.context, live_server.url, sitting.user)
    page.goto(live_server.url + question_url(sitting, position))
    return page


def answer(page) -> None:
    text = page.locator(".exam-question input[type=text]")
    if text.count():
        text.fill("kubelet")
        text.dispatch_event("change")
    else:
        page.locator(".exam-question label.choice").first.click()


@pytest.mark.allow_console_errors(
    "ERR_INTERNET_DISCONNECTED", "htmx:sendError", "htmx:afterRequest"
)
def test_answers_given_offline_are_kept_and_sent_on_reconnect(new_page, live_server, sitting):
    page = open_question(new_page, live_server, sitting)
    page.context.set_offline(True)
    answer(page)
    notice = page.locator("#exam-notice")
    notice.wait_for(state="visible")
    page.click("button[name=go][value=next]")
    page.wait_for_function("document.getElementById('exam-notice').textContent.length > 0")
    # Still the exam, not the browser's error page, and the answer is not on the server.
    assert page.url.endswith(question_url(sitting, 1))
    assert page.locator("#exam-form").is_visible()
    assert "connection is back" in notice.inner_text() or "연결" in notice.inner_text()
    assert not sitting.questions.filter(is_correct__isnull=False).exists()
    with page.expect_navigation():
        page.context.set_offline(False)
    assert page.url.endswith(question_url(sitting, 2))
    assert sitting.questions.get(position=1).is_correct is not None


def test_finish_asks_first_in_a_dialog(new_page, live_server, sitting):
    page = open_question(new_page, live_server, sitting)
    answer(page)
    page.wait_for_selector(".exam-nav a.answered")
    page.click("button[name=go][value=finish]")
    dialog = page.locator("#finish-dialog")
    dialog.wait_for(state="visible")
    assert page.inner_text("#finish-unanswered") == "2"
    page.click("[data-close-dialog]")
    assert not dialog.is_visible()
    sitting.refresh_from_db()
    assert not sitting.is_finished
    page.click("button[name=go][value=finish]")
    with page.expect_navigation():
        page.click("button[name=go][value=finish-now]")
    sitting.refresh_from_db()
    assert sitting.is_finished and page.url.endswith(f"/mock/{sitting.pk}/")


def test_at_time_up_the_page_locks_says_so_and_finishes(new_page, live_server, sitting):
    MockSitting.objects.filter(pk=sitting.pk).update(
        deadline=timezone.now() + timedelta(seconds=20)
    )
    page = open_question(new_page, live_server, sitting)
    held = []
    # The finishing post waits until the test has seen the locked page.
    page.route("**/finish/", lambda route: held.append(route))
    answer(page)
    page.wait_for_selector(".exam-nav a.answered")
    page.wait_for_function("() => document.getElementById('exam-form').inert", timeout=40_000)
    assert page.locator("#exam-notice").is_visible()
    assert page.locator(".exam-question input").first.is_disabled()
    assert held
    with page.expect_navigation(url=f"**/mock/{sitting.pk}/"):
        held[0].continue_()
    sitting.refresh_from_db()
    assert sitting.is_finished and sitting.timed_out
    assert sitting.questions.get(position=1).is_correct is not None


def test_an_answer_typed_just_before_time_up_is_sent_not_cleared(new_page, live_server, sitting):
    # The browser's clock runs ahead of the server's: the page locks at its deadline while
    # the server still takes answers, so what the lock sends is what gets stored.
    item = sitting.questions.get(position=1)
    short = (
        Question.objects.filter(kind=Question.Kind.SHORT)
        .exclude(sitting_questions__sitting=sitting)
        .first()
    )
    SittingQuestion.objects.filter(pk=item.pk).update(question=short)
    deadline = timezone.now() + timedelta(seconds=60)
    MockSitting.objects.filter(pk=sitting.pk).update(deadline=deadline)
    page = new_page()
    sign_in(page.context, live_server.url, sitting.user)
    page.clock.install()
    page.goto(live_server.url + question_url(sitting, item.position))
    field = page.locator(".exam-question input[type=text]")
    field.fill("kubelet")
    field.dispatch_event("change")
    page.wait_for_selector(".exam-nav a.answered")
    # Typed 0.3 s before the deadline: the autosave waits 0.8 s, the lock comes first.
    left_ms = int((deadline - timezone.now()).total_seconds() * 1000)
    page.clock.fast_forward(left_ms - 300)
    field.fill("kube-proxy")
    page.clock.fast_forward(2_000)
    page.wait_for_function("() => document.getElementById('exam-form').inert")
    page.wait_for_url(f"**/mock/{sitting.pk}/")
    item.refresh_from_db()
    assert item.text == "kube-proxy"
