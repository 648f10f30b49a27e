"""A learner's evening with a quiz, in a real browser at phone and desktop widths: the
attempts list follows a submit, answers survive an expired session or a visitor's login,
a double click is harmless, the result leads on, marking done gives a next step, an error
summary link puts the focus on the field, and a review shows what the learner chose."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from lessons.models import Lesson, QuizAttempt, ReviewItem
from tests.browser.conftest import sign_in
from tests.browser.test_learner_journey import answer_quiz
from tests.browser.test_review_journey import answer_card
from tests.conftest import make_user

LESSON = "kubernetes-overview"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
WIDTHS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])


def quiz_lesson() -> Lesson:
    return Lesson.objects.select_related("quiz").get(slug=LESSON)


def open_quiz(new_page, live_server, viewport, user=None):
    page = new_page(viewport=viewport)
    if user is not None:
        sign_in(page.context, live_server.url, user)
    page.goto(f"{live_server.url}/lessons/{LESSON}/quiz/")
    return page


def submit(page) -> None:
    page.click("#quiz-form button[type=submit]")


def chosen(page) -> dict[str, list[str]]:
    """Every answer the quiz form holds: checked choices' values by question, and text."""
    return page.evaluate(
        """() => {
          const given = {};
          for (const field of document.querySelectorAll("#quiz-form input[name^=q]")) {
            const value = field.type === "text" ? field.value : (field.checked ? "x" : "");
            const key = field.type === "text" ? field.name : field.closest("label").innerText;
            if (value) given[key] = field.type === "text" ? value : true;
          }
          return given;
        }"""
    )


def log_in(page, username: str) -> None:
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"{username}-password-1")  # make_user's
    page.click(".form-page form button[type=submit]")


@WIDTHS
def test_the_attempts_list_follows_each_htmx_submit(new_page, live_server, seeded, viewport):
    page = open_quiz(new_page, live_server, viewport, make_user("minji"))
    assert page.locator("#attempt-history section").count() == 0
    lesson = quiz_lesson()
    total = lesson.quiz.questions.count()
    page.evaluate("window.notReloaded = true")

    answer_quiz(page, lesson, wrong=total)
    submit(page)
    page.wait_for_selector("#quiz-result h2.fail")
    history = page.locator("#attempt-history")
    assert f"최고 점수: 0 / {total} (0%)" in history.inner_text()
    assert history.locator("li").count() == 1

    page.click("#quiz-result a:has-text('다시 풀기')")
    page.wait_for_selector("#quiz-form")
    answer_quiz(page, lesson, wrong=0)
    submit(page)
    page.wait_for_selector("#quiz-result h2.pass")
    assert f"최고 점수: {total} / {total} (100%)" in history.inner_text()
    assert history.locator("li").count() == 2
    assert page.evaluate("window.notReloaded === true"), "htmx should swap, not reload"


@WIDTHS
def test_an_expired_session_keeps_every_answer(new_page, live_server, seeded, viewport):
    learner = make_user("jiho")
    page = open_quiz(new_page, live_server, viewport, learner)
    lesson = quiz_lesson()
    answer_quiz(page, lesson, wrong=2)
    given = chosen(page)
    Session.objects.all().delete()  # the session expires while the learner answers

    submit(page)

    page.wait_for_url(re.compile(r".*/accounts/login/\?next="))
    assert "세션이 만료" in page.inner_text(".messages")
    assert not QuizAttempt.objects.exists()
    log_in(page, "jiho")
    page.wait_for_url(f"{live_server.url}/lessons/{LESSON}/quiz/")
    assert "고른 답을 그대로 두었습니다" in page.inner_text("#quiz-form")
    assert chosen(page) == given
    submit(page)
    page.wait_for_selector("#quiz-result")
    assert QuizAttempt.objects.get(user=learner).score == lesson.quiz.questions.count() - 2


@WIDTHS
def test_a_visitor_learns_first_and_keeps_the_answers(new_page, live_server, seeded, viewport):
    make_user("seoa")
    page = open_quiz(new_page, live_server, viewport)
    note = page.locator(".quiz-login-note")
    assert "로그인" in note.inner_text()
    first_question = page.locator("#quiz-form fieldset").first.bounding_box()
    assert note.bounding_box()["y"] < first_question["y"] < viewport["height"]
    lesson = quiz_lesson()
    answer_quiz(page, lesson, wrong=1)
    given = chosen(page)

    page.click("#quiz-form button:has-text('로그인하고 제출')")

    page.wait_for_url(re.compile(r".*/accounts/login/\?next="))
    assert "고른 답은 그대로" in page.inner_text(".messages")
    log_in(page, "seoa")
    page.wait_for_url(f"{live_server.url}/lessons/{LESSON}/quiz/")
    assert chosen(page) == given
    assert page.locator(".quiz-login-note").count() == 0


def test_a_double_click_on_submit_sends_once_and_breaks_no_policy(
    new_page, live_server, seeded, debug_mode
):
    """The console and Content-Security-Policy watch of conftest.py fails the test on any
    violation; the button is disabled while the answers are on their way."""
    page = open_quiz(new_page, live_server, PHONE, make_user("haneul"))
    answer_quiz(page, quiz_lesson(), wrong=0)
    page.dblclick("#quiz-form button[type=submit]")
    page.wait_for_selector("#quiz-result")
    page.wait_for_timeout(300)
    assert QuizAttempt.objects.count() == 1


def test_the_button_waits_while_the_answers_are_sent(new_page, live_server, seeded):
    page = open_quiz(new_page, live_server, DESKTOP, make_user("yuna"))
    answer_quiz(page, quiz_lesson(), wrong=0)
    page.evaluate(
        """document.body.addEventListener("htmx:beforeSend", () => {
             window.disabledWhileSending = document.querySelector(
               "#quiz-form button[type=submit]").disabled;
           })"""
    )
    submit(page)
    page.wait_for_selector("#quiz-result")
    assert page.evaluate("window.disabledWhileSending") is True


# What a password manager's field icon or a screenshot tool's hidden caret leaves behind: a
# style set through the DOM and taken off again, an empty `style=""` on every field.
STYLE_LEFT_ON_FIELDS = """() => {
  for (const field of document.querySelectorAll("input, textarea")) {
    field.style.setProperty("caret-color", "transparent", "important");
    field.style.removeProperty("caret-color");
  }
}"""


@WIDTHS
def test_a_style_left_on_a_field_breaks_no_policy_when_the_quiz_comes_back(
    new_page, live_server, seeded, viewport
):
    """Back after a submit brings the quiz page back from the server (htmx's history
    restore), whose header search box replaces the old one: htmx used to copy the old box's
    `style` onto it, an inline style the Content-Security-Policy refuses (conftest.py's
    watch fails the test on it)."""
    page = open_quiz(new_page, live_server, viewport, make_user("jaewon"))
    page.evaluate(STYLE_LEFT_ON_FIELDS)
    assert page.locator("#site-search-q[style]").count() == 1
    answer_quiz(page, quiz_lesson(), wrong=0)
    page.dblclick("#quiz-form button[type=submit]")
    page.wait_for_selector("#quiz-result")

    page.go_back()
    page.wait_for_selector("#quiz-form")
    page.wait_for_timeout(300)
    assert page.url.endswith(f"/lessons/{LESSON}/quiz/")
    assert page.locator("[style]").count() == 0


@WIDTHS
def test_the_result_leads_on_from_its_first_screen(new_page, live_server, seeded, viewport):
    page = open_quiz(new_page, live_server, viewport, make_user("dahye"))
    lesson = quiz_lesson()
    answer_quiz(page, lesson, wrong=0)
    submit(page)
    page.wait_for_selector("#quiz-result h2.pass")

    # Seen from the top of the result, the next steps are on its first screen.
    result_top = page.locator("#quiz-result").bounding_box()["y"]
    following = Lesson.objects.published().in_learning_order()
    ordered = list(following.values_list("slug", flat=True))
    next_slug = ordered[ordered.index(LESSON) + 1]
    for name in ("다음 레슨", "다시 풀기", "레슨으로 돌아가기"):
        link = page.locator(f"#quiz-result a:has-text('{name}')").first
        assert link.bounding_box()["y"] - result_top < viewport["height"] - 100, name
    next_link = page.locator("#quiz-result a:has-text('다음 레슨')").first
    assert next_link.get_attribute("href") == f"/lessons/{next_slug}/"
    numbers = page.locator("#quiz-result .answer .question-number").all_inner_texts()
    assert numbers == [f"{n}." for n in range(1, lesson.quiz.questions.count() + 1)]


@WIDTHS
def test_marking_a_lesson_done_offers_the_next_one(new_page, live_server, seeded, viewport):
    page = new_page(viewport=viewport)
    sign_in(page.context, live_server.url, make_user("sumin"))
    page.goto(f"{live_server.url}/lessons/{LESSON}/")
    page.click("button[name=done][value='1']")
    page.wait_for_selector("button[name=done][value='0']")
    step = page.locator("#completion .completion-next a.button")
    ordered = list(Lesson.objects.published().in_learning_order().values_list("slug", flat=True))
    assert step.get_attribute("href") == f"/lessons/{ordered[ordered.index(LESSON) + 1]}/"
    assert step.is_visible()


@pytest.mark.allow_console_errors("status of 422")
@WIDTHS
def test_an_error_summary_link_focuses_the_question(new_page, live_server, seeded, viewport):
    page = open_quiz(new_page, live_server, viewport, make_user("eunji"))
    lesson = quiz_lesson()
    answer_quiz(page, lesson, wrong=0)
    skipped = lesson.quiz.questions.filter(kind__in=["single", "true_false"]).last()
    page.evaluate(
        f"document.querySelectorAll('[name=q{skipped.id}]').forEach(f => f.checked = false)"
    )
    submit(page)
    page.wait_for_selector(".error-summary")

    page.click(".error-summary a")

    focused = page.evaluate(
        "[document.activeElement.name, document.activeElement.closest('fieldset')?.id]"
    )
    assert focused == [f"q{skipped.id}", f"question-{skipped.id}"]
    legend = page.locator(f"#question-{skipped.id} legend").bounding_box()
    assert 0 <= legend["y"] < viewport["height"]


@WIDTHS
def test_todays_review_shows_what_the_learner_chose(new_page, live_server, seeded, viewport):
    learner = make_user("review-me")
    page = new_page(viewport=viewport)
    sign_in(page.context, live_server.url, learner)
    lesson = quiz_lesson()
    page.goto(f"{live_server.url}/lessons/{LESSON}/quiz/")
    answer_quiz(page, lesson, wrong=lesson.quiz.questions.count())
    submit(page)
    page.wait_for_selector("#quiz-result")
    ReviewItem.objects.filter(user=learner).update(due_at=timezone.now())

    page.goto(f"{live_server.url}/review/today/")
    item = ReviewItem.objects.get(pk=page.get_attribute("#review-card input[name=item]", "value"))
    answer_card(page, right=False)
    picked = page.locator("#review-card .choice:has(input:checked)").all_inner_texts()
    page.click("#review-card button[type=submit]")
    page.wait_for_selector("#review-card .score-card.fail")

    answer = page.locator("#review-card .review-answer")
    assert "내 답" in answer.inner_text()
    shown = answer.locator("dd").first.inner_text()
    if item.question.kind == "short":
        assert shown == "모름"
    else:
        assert shown == ", ".join(text.strip() for text in picked)
