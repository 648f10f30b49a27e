"""Exam candidates in a real browser: a short mock exam sat to the end, with JavaScript
(answers saved by htmx as they are chosen) and without (each page a plain form post),
and an instructor reading the group's readiness per domain."""

import pytest

from lessons.models import Exam, MockSitting
from portal.models import StudyGroup, User
from tests.browser.conftest import sign_in

QUESTIONS = 3


@pytest.fixture
def short_exam(demo):
    Exam.objects.filter(slug="cka").update(questions_per_sitting=QUESTIONS)
    learner = User.objects.create_user("candidate", password="candidate-password-1")
    return learner


def answer(page) -> None:
    """Answer the question on the page: its first choice, or a word."""
    text = page.locator(".exam-question input[type=text]")
    if text.count():
        text.fill("kubelet")
        text.dispatch_event("change")
    else:
        page.locator(".exam-question label.choice").first.click()


def sit_to_the_end(page, live_server, *, autosave: bool) -> None:
    page.goto(f"{live_server.url}/exams/cka/mock/")
    assert f"{QUESTIONS}문제" in page.inner_text("main")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    for number in range(1, QUESTIONS + 1):
        assert page.locator(".exam-nav a[aria-current=page]").inner_text().startswith(str(number))
        answer(page)
        if autosave:
            page.wait_for_selector("#save-status:has-text('저장')")
            assert page.locator(".exam-nav a.answered").count() == number
        button = "next" if number < QUESTIONS else "finish"
        with page.expect_navigation():
            page.click(f"button[name=go][value={button}]")
    assert "모의시험 결과" in page.inner_text("h1")
    assert page.locator("#domains-chart .percent-bar").first.is_visible()
    domains = page.inner_text("main table")
    assert "Troubleshooting" in domains or "Cluster Architecture" in domains
    sitting = MockSitting.objects.get(user__username="candidate")
    assert sitting.is_finished and sitting.questions.filter(is_correct__isnull=False).count() == 3


def test_a_learner_sits_a_short_mock_exam_with_javascript(new_page, live_server, short_exam):
    page = new_page()
    sign_in(page.context, live_server.url, short_exam)
    sit_to_the_end(page, live_server, autosave=True)


def test_a_learner_sits_a_short_mock_exam_without_javascript(new_page, live_server, short_exam):
    page = new_page(java_script_enabled=False)
    sign_in(page.context, live_server.url, short_exam)
    sit_to_the_end(page, live_server, autosave=False)


def test_an_instructor_sees_the_groups_readiness_per_domain(new_page, live_server, demo):
    page = new_page()
    sign_in(page.context, live_server.url, User.objects.get(username="teacher"))
    group = StudyGroup.objects.get(memberships__user__username="teacher")
    page.goto(f"{live_server.url}/groups/{group.pk}/dashboard/")
    with page.expect_navigation():
        page.click("text=시험 준비도")
    assert page.locator("#group-chart .percent-bars li").count() == 5
    table = page.inner_text(".readiness-matrix")
    for name in ("Troubleshooting", "Storage", "김민준", "정도윤"):
        assert name in table
