"""A learner in a real browser: sign up, read, mark done, fail and pass a quiz, see it
all on "my progress" — with htmx, and again with JavaScript off."""

import re

from lessons.models import Completion, Lesson, QuizAttempt

LESSON = "kubernetes-overview"
PASSWORD = "study-group-password-7"


def sign_up(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/signup/")
    page.fill("input[name=username]", username)
    page.fill("input[name=display_name]", "스터디원")
    page.fill("input[name=email]", f"{username}@example.com")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("form.form-page button[type=submit], .form-page form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def answer_quiz(page, lesson: Lesson, *, wrong: int) -> None:
    """Fill the quiz form: the first `wrong` questions wrongly, the rest rightly."""
    for number, question in enumerate(lesson.quiz.questions.all()):
        field = f"q{question.id}"
        if question.kind == "short":
            answer = "틀린 답" if number < wrong else question.accepted_answer_list()[0]
            page.fill(f"input[name={field}]", answer)
            continue
        choices = list(question.choices.all())
        chosen = [c for c in choices if c.is_correct != (number < wrong)]
        if question.kind != "multiple":
            chosen = chosen[:1]
        for choice in chosen:
            page.locator(f"#question-{question.id}").get_by_label(choice.text, exact=True).check()


def test_it_takes_a_learner_from_sign_up_to_a_passed_quiz(page, live_server, seeded):
    sign_up(page, live_server, "learner")
    page.goto(f"{live_server.url}/lessons/{LESSON}/")
    page.evaluate("window.notReloaded = true")

    page.click("button[name=done][value='1']")
    page.wait_for_selector("button[name=done][value='0']")
    assert page.evaluate("window.notReloaded === true"), "htmx should swap, not reload"
    assert page.get_attribute("#bar-overall progress", "value") == "1"
    assert Completion.objects.filter(user__username="learner").count() == 1

    lesson = Lesson.objects.select_related("quiz").get(slug=LESSON)
    page.click("a[href$='/quiz/']")
    answer_quiz(page, lesson, wrong=4)
    page.evaluate("window.notReloaded = true")
    page.click("#quiz-form button[type=submit]")
    page.wait_for_selector("#quiz-result")
    assert page.evaluate("window.notReloaded === true")
    assert page.locator(".answer.is-wrong").count() == 4
    assert page.locator(".answer.is-wrong .explanation").first.is_visible()
    assert page.locator("#quiz-result h2.fail").is_visible()

    page.click("#quiz-result a.button")
    page.wait_for_selector("#quiz-form")
    answer_quiz(page, lesson, wrong=0)
    page.click("#quiz-form button[type=submit]")
    page.wait_for_selector("#quiz-result h2.pass")
    assert QuizAttempt.objects.filter(user__username="learner").count() == 2

    page.goto(f"{live_server.url}/progress/")
    assert lesson.title in page.inner_text("main")
    assert page.locator("svg[role=img] title").count() >= 1


def test_it_works_without_javascript(page_without_js, live_server, seeded):
    page = page_without_js
    sign_up(page, live_server, "nojs")
    page.goto(f"{live_server.url}/lessons/{LESSON}/")
    page.click("button[name=done][value='1']")
    page.wait_for_selector("button[name=done][value='0']")
    assert page.url == f"{live_server.url}/lessons/{LESSON}/#completion"

    lesson = Lesson.objects.select_related("quiz").get(slug=LESSON)
    page.goto(f"{live_server.url}/lessons/{LESSON}/quiz/")
    answer_quiz(page, lesson, wrong=1)
    page.click("#quiz-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/quiz/attempts/\d+/$"))
    assert page.locator(".answer.is-wrong").count() == 1
    assert page.locator("#quiz-result h2.pass").is_visible()
