"""Dates and times read the same way on every page, in the UI's language: in Korean
오전/오후 comes before the time ("2026년 12월 7일 오전 7:43"), never after it, and no page
mixes a machine-style date ("2026-12-7 07:48") with a written one."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lessons.models import Lesson, MockSitting, Question, ReviewItem
from portal.models import User
from tests.browser.pages import ROLES, pages_for, user_for

pytestmark = pytest.mark.django_db

# A time followed by 오전/오후 ("7:43 오전"), the way Korean does not write it.
MERIDIEM_AFTER = re.compile(r"\d{1,2}:\d{2} ?(?:오전|오후)")
# A machine-style date or a 24-hour time ("2026-12-7", "07:48") in Korean prose.
MACHINE_DATE = re.compile(r"(?<![\d.])\d{4}-\d{1,2}-\d{1,2}(?![\d])")
BARE_TIME = re.compile(r"(?<!오전 )(?<!오후 )(?<![\d:])\d{1,2}:\d{2}(?![\d:])")


class VisibleText(HTMLParser):
    """The text a reader sees, less code (lesson text is as written) and scripts."""

    SKIPPED = {"script", "style", "pre", "code", "template"}

    def __init__(self):
        super().__init__()
        self.skipping = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    # One line per piece of text: an option or a cell of its own is not read into the next.
    return "\n".join(" ".join(part.split()) for part in parser.parts if part.strip())


def problems(text: str) -> list[str]:
    found = []
    for pattern in (MERIDIEM_AFTER, MACHINE_DATE, BARE_TIME):
        for match in pattern.finditer(text):
            found.append(text[max(match.start() - 30, 0) : match.end() + 10])
    return found


@pytest.fixture
def demo(db, demo_snapshot):
    demo_snapshot.restore()


def extra_pages(learner) -> list[str]:
    """Pages with the times the demo leaves out: a scheduled lesson, a finished mock exam
    of the learner's, and a review whose next question is not due yet."""
    lesson = Lesson.objects.published().first()
    lesson.visible_from = timezone.now() + timedelta(days=2, hours=3)
    lesson.save()
    question = Question.objects.exclude(quiz__lesson=lesson).first()
    ReviewItem.objects.filter(user=learner).delete()
    ReviewItem.objects.create(
        user=learner, question=question, box=2, due_at=timezone.now() + timedelta(hours=30)
    )
    paths = [reverse("lessons:review_today"), reverse("lessons:search") + "?q=" + lesson.title]
    for sitting in MockSitting.objects.filter(user=learner, finished_at__isnull=False):
        paths.append(reverse("lessons:mock_sitting", args=[sitting.exam.slug, sitting.pk]))
    return paths


@pytest.mark.parametrize("role", ROLES)
def test_every_page_writes_dates_and_times_one_way(demo, role):
    client = Client()
    if (user := user_for(role)) is not None:
        client.force_login(user)
    paths = [page.path for page in pages_for(role) if page.status == 200]
    found = []
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Language"] == "ko"
        found += [f"{path}: {p}" for p in problems(visible_text(response.content.decode()))]
    assert not found, "\n".join(found)


def test_the_pages_with_moments_write_them_the_korean_way(demo):
    learner = User.objects.get(username="doyun")
    client = Client()
    client.force_login(learner)
    texts = {}
    for path in [reverse("lessons:my_progress"), *extra_pages(learner)]:
        response = client.get(path)
        assert response.status_code == 200, path
        texts[path] = visible_text(response.content.decode())
    found = [f"{path}: {p}" for path, text in texts.items() for p in problems(text)]
    assert not found
    review = texts[reverse("lessons:review_today")]
    moment = r"\d{4}년 \d{1,2}월 \d{1,2}일 오[전후] \d{1,2}:\d{2}"
    assert re.search(rf"다음 복습은 {moment}부터예요", review)
    results = [text for path, text in texts.items() if "/mock/" in path]
    assert results
    for text in results:
        assert re.search(rf"{moment}에 시작, 오[전후]", text)


def test_the_admin_history_writes_dates_the_korean_way(demo, editor_client):
    from tests.lessons.authoring.test_revisions import history_url, save_lesson

    lesson = Lesson.objects.first()
    save_lesson(editor_client, lesson, body=lesson.body + "\n덧붙인 문장.\n")
    response = editor_client.get(history_url(lesson))
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert re.search(r"\d{4}년 \d{1,2}월 \d{1,2}일 오[전후] \d{1,2}:\d{2}", text)
    assert not problems(text)
