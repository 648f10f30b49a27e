"""A hands-on task in a mock exam, in Chromium at phone and desktop widths, by keyboard:
the manifest field indents with Tab, Escape then Tab leaves it, leaving it saves the
manifest, and the field fits the screen. With SCREENSHOTS_DIR set, the task page and the
readiness page (domains not measured yet) are saved there as PNG files."""

import os
from pathlib import Path

import pytest

from lessons.exams import mock as mock_exams
from lessons.models import Category, Lesson, SittingQuestion, Task
from portal.models import User
from tests.browser.conftest import sign_in
from tests.lessons.exams.exam_fixtures import make_exam, question_url, tag_questions
from tests.lessons.exams.test_mock_tasks import RIGHT, RULES, STARTING

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def shot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture
def sitting(transactional_db):
    category = Category.objects.create(name="Basic", slug="basic", position=1)
    exam = make_exam(questions_per_sitting=3)
    tag_questions(category, exam, per_domain=2)
    domain = exam.domains.get(slug="store")
    task = Task.objects.create(
        lesson=Lesson.objects.get(slug="exam-lesson"), position=1, domain=domain,
        title="Make a ConfigMap", kind="ConfigMap", starting=STARTING, rules=RULES,
        prompt="Make the ConfigMap `app-config` with `mode: prod` and a `level`.",
    )  # fmt: skip
    learner = User.objects.create_user("candidate", password="candidate-password-1")
    sitting = mock_exams.start(learner, exam)
    SittingQuestion.objects.filter(sitting=sitting, position=1).update(
        question=None, task=task, domain=domain
    )
    return sitting


@pytest.mark.parametrize("size", WIDTHS, ids=list(WIDTHS))
def test_a_task_in_a_mock_exam_is_answered_by_keyboard(new_page, live_server, sitting, size):
    page = new_page(viewport=WIDTHS[size], locale="en-US")
    sign_in(page.context, live_server.url, sitting.user)
    page.goto(live_server.url + question_url(sitting, 1))
    field = page.locator("#manifest")
    assert "Make the ConfigMap" in page.inner_text(".exam-task")
    assert field.evaluate("f => getComputedStyle(f).fontFamily").lower().find("mono") >= 0
    # The skip link leads to the task.
    page.focus(".skip-link[href^='#task-']")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == f"#task-{sitting.questions.get(position=1).task_id}"
    field.focus()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    for line in RIGHT.splitlines():
        stripped = line.lstrip(" ")
        for _ in range((len(line) - len(stripped)) // 2):
            page.keyboard.press("Tab")  # Tab indents by two spaces inside the field
        page.keyboard.type(stripped)
        page.keyboard.press("Enter")
    assert field.input_value() == RIGHT
    assert page.evaluate("document.activeElement.id") == "manifest"
    shot(page, f"mock-exam-task-{WIDTHS[size]['width']}")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")  # Escape, then Tab leaves the field, to the flag
    assert page.evaluate("document.activeElement.name") == "flag"
    page.wait_for_selector(".exam-nav a.answered")
    item = sitting.questions.get(position=1)
    assert item.manifest == RIGHT and item.is_correct is True
    assert "Set mode to prod" not in page.content()  # checks wait for the result
    box = field.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTHS[size]["width"]
    # Reloaded, the page shows the saved manifest.
    page.reload()
    assert page.locator("#manifest").input_value() == RIGHT


@pytest.mark.parametrize("size", WIDTHS, ids=list(WIDTHS))
def test_readiness_names_the_domains_not_measured(new_page, live_server, sitting, size):
    item = sitting.questions.get(position=1)
    page = new_page(viewport=WIDTHS[size], locale="en-US")
    sign_in(page.context, live_server.url, sitting.user)
    page.goto(live_server.url + question_url(sitting, 1))
    page.fill("#manifest", RIGHT)
    page.locator("#manifest").dispatch_event("change")
    page.wait_for_selector(".exam-nav a.answered")
    mock_exams.finish(sitting)
    page.goto(live_server.url + f"/exams/{sitting.exam.slug}/")
    text = page.inner_text("main")
    assert "of the exam is measured" in text and item.domain.name in text
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[size]["width"]
    shot(page, f"readiness-unmeasured-{WIDTHS[size]['width']}")
    page.goto(live_server.url + f"/exams/{sitting.exam.slug}/mock/{sitting.pk}/")
    assert "3 of 3 checks passed" in page.inner_text("main")
    shot(page, f"mock-exam-result-task-{WIDTHS[size]['width']}")
