"""A learner in a real browser misses quiz questions, and once they are due answers
today's review: with htmx (the card swaps, the page stays), then with JavaScript off
(post, redirect, next question)."""

from django.utils import timezone

from lessons.models import Lesson, ReviewItem
from tests.browser.conftest import sign_in
from tests.browser.test_learner_journey import answer_quiz
from tests.conftest import make_user

LESSON = "kubernetes-overview"


def answer_card(page, *, right: bool) -> None:
    """Answer the question on the review card, rightly or not."""
    fieldset = page.locator("#review-card fieldset")
    item = ReviewItem.objects.get(pk=page.get_attribute("#review-card input[name=item]", "value"))
    question = item.question
    if question.kind == "short":
        page.fill(
            f"input[name=q{question.id}]", question.accepted_answer_list()[0] if right else "모름"
        )
        return
    choices = [c for c in question.choices.all() if c.is_correct == right]
    if question.kind != "multiple":
        choices = choices[:1]
    for choice in choices:
        fieldset.get_by_label(choice.text, exact=True).check()


def test_it_brings_missed_questions_back_for_review(new_page, live_server, seeded):
    learner = make_user("reviewer")
    page = new_page()
    sign_in(page.context, live_server.url, learner)
    lesson = Lesson.objects.select_related("quiz").get(slug=LESSON)
    page.goto(f"{live_server.url}/lessons/{LESSON}/quiz/")
    answer_quiz(page, lesson, wrong=2)
    page.click("#quiz-form button[type=submit]")
    page.wait_for_selector("#quiz-result")
    assert ReviewItem.objects.filter(user=learner).count() == 2

    # A day later: the missed questions are due.
    ReviewItem.objects.filter(user=learner).update(due_at=timezone.now())
    page.goto(f"{live_server.url}/")
    assert "복습할 문제 2개" in page.inner_text(".review-due")
    page.click(".review-due a.button")
    assert page.inner_text("#review-card .bar-numbers").strip() == "1 / 2"

    page.evaluate("window.notReloaded = true")
    answer_card(page, right=True)
    page.click("#review-card button[type=submit]")
    page.wait_for_selector("#review-card .score-card.pass")
    assert page.evaluate("window.notReloaded === true"), "htmx should swap the card"
    assert "맞았어요" in page.inner_text("#review-card h2")
    assert page.locator("#review-card .explanation").is_visible()
    assert "?answered=" in page.url
    page.click("#review-card a.button")
    page.wait_for_selector("#review-card fieldset")
    assert page.inner_text("#review-card .bar-numbers").strip() == "2 / 2"
    assert page.evaluate("window.notReloaded === true")

    # The same learner, now without JavaScript.
    plain = new_page(java_script_enabled=False)
    sign_in(plain.context, live_server.url, learner)
    plain.goto(f"{live_server.url}/review/today/")
    answer_card(plain, right=False)
    plain.click("#review-card button[type=submit]")
    plain.wait_for_selector("#review-card .score-card.fail")
    assert "?answered=" in plain.url
    assert "상자 1로 돌아갔어요" in plain.inner_text("#review-card")
    plain.click("#review-card a.button")
    plain.wait_for_selector("#review-card .empty-state")
    assert "모두 끝났어요" in plain.inner_text("#review-card")
    assert sorted(ReviewItem.objects.filter(user=learner).values_list("box", flat=True)) == [1, 2]
