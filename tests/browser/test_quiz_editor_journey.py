"""An editor in a real browser: builds a quiz question with its choices on the quiz's one
page (an error beside the choices, fixed), reorders from the keyboard, previews the quiz as
a learner sees it; and restores an earlier revision of a lesson."""

from lessons.models import Lesson, Question
from portal.models import User
from tests.browser.conftest import sign_in
from tests.browser.pages import axe_violations

LESSON = "docker-containerd"


def signed_in_editor(page, live_server) -> None:
    editor = User.objects.create_superuser("editor", "editor@example.com", "not-used-here")
    sign_in(page.context, live_server.url, editor)


def test_it_builds_a_question_with_choices_on_one_page_and_previews_it(page, live_server, seeded):
    signed_in_editor(page, live_server)
    lesson = Lesson.objects.get(slug=LESSON)
    quiz = lesson.quiz
    heading = lesson.toc[2]
    count = quiz.questions.count()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/lessons/quiz/{quiz.pk}/change/")

    page.click(".djn-add-handler.djn-model-lessons-question")
    new = page.locator(f"#questions-{count}")
    new.locator("select[name$='-kind']").select_option("single")
    new.locator("textarea[name$='-prompt']").fill("containerd를 제어하는 CLI는?")
    section = new.locator("select[name$='-section']")
    options = section.locator("option").all_inner_texts()
    assert [text.strip("— ") for text in options[1:]] == [e["name"] for e in lesson.toc]
    section.select_option(heading["id"])
    add_choice = new.locator(".djn-add-handler.djn-model-lessons-choice")
    add_choice.click()
    add_choice.click()
    new.locator(f"input[name='questions-{count}-choices-0-text']").fill("crictl")
    new.locator(f"input[name='questions-{count}-choices-1-text']").fill("kubeadm")
    new.locator(f"input[name='questions-{count}-choices-0-is_correct']").check()
    new.locator(f"input[name='questions-{count}-choices-1-is_correct']").check()
    page.click("input[name=_continue]")

    # Two right answers to a single-choice question: said beside that question's choices.
    choices = page.locator(f"#questions-{count}-choices-group")
    assert "정확히 하나" in choices.locator(".errorlist").inner_text()
    assert page.locator(".errorlist").count() == 1  # only beside the question it concerns
    assert quiz.questions.count() == count
    choices.locator(f"input[name='questions-{count}-choices-1-is_correct']").uncheck()
    # The new question moves up one place, from the keyboard.
    move_up = page.locator(f"#questions-{count} > h3 .quiz-move button").first
    move_up.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.dataset.step") == "-1"
    page.click("input[name=_continue]")

    page.wait_for_selector(".messagelist .success")
    added = Question.objects.get(prompt="containerd를 제어하는 CLI는?")
    assert added.section == heading["id"]
    assert [(c.text, c.is_correct) for c in added.choices.all()] == [
        ("crictl", True),
        ("kubeadm", False),
    ]
    assert list(quiz.questions.all()).index(added) == count - 1

    page.click("text=학습자 화면으로 보기")
    page.wait_for_selector(".quiz-preview-banner")
    assert "미리보기" in page.inner_text(".quiz-preview-banner")
    assert page.locator("link[href$='css/portal.css']").count() == 1
    legend = page.locator(f"#question-{added.pk} legend")
    assert "containerd를 제어하는 CLI는?" in legend.inner_text()
    assert page.locator(f"#question-{added.pk} input[type=radio]").count() == 2
    assert page.locator("#quiz-form button[type=submit]").is_disabled()
    assert axe_violations(page) == []


def test_it_restores_an_earlier_revision_of_a_lesson(page, live_server, seeded):
    signed_in_editor(page, live_server)
    lesson = Lesson.objects.get(slug="kubernetes-overview")
    page.goto(f"{live_server.url}/admin/lessons/lesson/{lesson.pk}/change/")
    page.fill("textarea[name=body]", "## 잘못 덮어쓴 절\n\n실수로 지운 본문.\n")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")

    page.click("a.historylink")
    revisions = page.locator("li.revision")
    assert revisions.count() == 2
    assert "실수로 지운 본문." in revisions.first.locator(".diff-added").all_inner_texts()[-1]
    original = revisions.last
    original.locator("details.revision-restore summary").click()
    original.locator("details.revision-restore button[type=submit]").click()

    page.wait_for_selector(".messagelist .success")
    assert page.locator("li.revision").count() == 3
    assert Lesson.objects.get(pk=lesson.pk).body == lesson.body
    page.goto(f"{live_server.url}{lesson.get_absolute_url()}")
    article = page.inner_text("article")
    assert "실수로 지운 본문" not in article
    assert "잘못 덮어쓴 절" not in article
    first_heading = lesson.toc[0]["name"]
    assert page.inner_text(f"article h2#{lesson.toc[0]['id']}").strip() == first_heading


def test_the_lesson_and_quiz_editors_have_no_axe_violations(page, live_server, seeded):
    signed_in_editor(page, live_server)
    lesson = Lesson.objects.get(slug=LESSON)
    page.set_default_timeout(30_000)  # the quiz editor is a long page
    found = []
    for path in (
        f"/admin/lessons/lesson/{lesson.pk}/change/",
        f"/admin/lessons/quiz/{lesson.quiz.pk}/change/",
    ):
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}{path}")
            found += [f"{path} at {width}px: {v}" for v in axe_violations(page)]
    assert not found, "\n".join(found)


def test_the_error_summary_leads_to_a_problem_deep_in_the_quiz(page, live_server, seeded):
    signed_in_editor(page, live_server)
    quiz = Lesson.objects.get(slug=LESSON).quiz
    questions = list(quiz.questions.all())
    # The last question with choices, its last choice emptied: far down a long page.
    i = max(n for n, question in enumerate(questions) if question.choices.count() > 1)
    j = questions[i].choices.count() - 1
    page.set_default_timeout(30_000)  # the quiz editor is a long page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/admin/lessons/quiz/{quiz.pk}/change/")
    field = f"questions-{i}-choices-{j}-text"
    page.fill(f"input[name='{field}']", "")
    page.click("input[name=_continue]")

    summary = page.locator(".error-summary")
    summary.wait_for()
    page.wait_for_function("document.activeElement.classList.contains('error-summary')")
    assert "저장하지 않았습니다" in summary.locator("h2").inner_text()
    link = summary.locator("a")
    assert link.count() == 1
    assert link.inner_text() == f"문제 {i + 1}, 보기 {j + 1}, 내용: 필수 항목입니다."
    assert axe_violations(page) == []

    link.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == field
    box = page.locator(f"input[name='{field}']").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 800
    assert page.evaluate("document.documentElement.scrollHeight") > 3 * 800  # a long page

    page.fill(f"input[name='{field}']", "다시 쓴 보기")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert questions[i].choices.filter(text="다시 쓴 보기").exists()
