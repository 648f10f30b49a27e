"""Editors' admin: the live Markdown preview and publishing actions."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from lessons.models import Lesson

pytestmark = pytest.mark.django_db


def test_it_previews_markdown_through_the_same_renderer(editor_client):
    response = editor_client.post(
        reverse("admin:lessons_lesson_preview"),
        {"body": "## 제목\n\n```bash\nkubectl get pods\n```\n<script>alert(1)</script>"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 id="제목">제목</h2>' in html
    assert 'class="highlight"' in html
    assert "<script" not in html


def test_it_refuses_the_preview_to_non_staff(alice_client, client):
    url = reverse("admin:lessons_lesson_preview")
    assert alice_client.post(url, {"body": "x"}).status_code == 302
    assert client.post(url, {"body": "x"}).status_code == 302


def test_it_puts_the_source_beside_a_preview_of_the_learners_page(editor_client, lessons):
    lesson = Lesson.objects.get(slug="pods")
    html = editor_client.get(reverse("admin:lessons_lesson_change", args=[lesson.pk])).content
    page = BeautifulSoup(html, "html.parser")
    editor = page.find(class_="markdown-editor")
    assert editor["data-preview-url"] == "/admin/lessons/lesson/preview/"
    assert editor["data-upload-url"] == "/admin/lessons/lesson/images/"
    assert editor.find("textarea", attrs={"name": "body"})
    # The preview is a document of its own carrying only the learner's stylesheets, so
    # no admin style (upper-cased table headers) reaches it.
    frame = BeautifulSoup(editor.find("iframe")["srcdoc"], "html.parser")
    sheets = [link["href"] for link in frame.find_all("link", rel="stylesheet")]
    assert sheets == ["/static/css/portal.css", "/static/css/highlight.css"]
    assert frame.find("article", id="preview", class_="lesson")
    assert not page.find(id="nav-sidebar")  # the editor gets the page's width


def test_it_publishes_and_unpublishes_in_bulk(editor_client, lessons):
    url = reverse("admin:lessons_lesson_changelist")
    draft = Lesson.objects.get(slug="secret-draft")
    editor_client.post(url, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_published
    editor_client.post(url, {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert not draft.is_published


def test_it_saves_an_edit_and_the_page_shows_it_at_once(editor_client, client, lessons):
    lesson = Lesson.objects.get(slug="pods")
    response = editor_client.post(
        reverse("admin:lessons_lesson_change", args=[lesson.pk]),
        {
            "category": lesson.category_id,
            "title": "Pods, fixed",
            "slug": "pods",
            "summary": "",
            "status": "published",
            "position": 1,
            "source_url": "",
            "body": "## 고친 절\n\n오타를 고쳤다.\n",
        },
    )
    assert response.status_code == 302
    html = client.get(reverse("lessons:lesson", args=["pods"])).content.decode()
    assert "Pods, fixed" in html and "오타를 고쳤다." in html


def test_it_says_in_the_preview_that_a_body_is_too_long(editor_client, settings):
    settings.LANGUAGE_CODE = "en"
    settings.LESSON_BODY_MAX_CHARS = 1000

    response = editor_client.post(reverse("admin:lessons_lesson_preview"), {"body": "가" * 1001})

    assert response.status_code == 200
    html = response.content.decode()
    assert "too long to preview or save: 1,001 characters, at most 1,000" in html
    assert 'role="alert"' in html


def test_it_reports_a_preview_it_cannot_show_in_the_preview(editor_client, lessons):
    lesson = Lesson.objects.get(slug="pods")
    html = editor_client.get(reverse("admin:lessons_lesson_change", args=[lesson.pk])).content
    html = html.decode()
    # An answer it cannot show (a post over the upload limit is Django's 400) is put into
    # words in the preview by admin-preview.js.
    assert "js/admin-preview.js" in html
    assert "data-too-large=" in html and "data-failed=" in html
    assert "django-htmx.js" not in html


def test_the_preview_is_the_learners_markup(editor_client, lessons):
    body = "## 표\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    preview = editor_client.post(reverse("admin:lessons_lesson_preview"), {"body": body})
    lesson = Lesson.objects.get(slug="pods")
    lesson.body = body
    lesson.save()
    page = editor_client.get(lesson.get_absolute_url())
    learner = BeautifulSoup(page.content, "html.parser").find("div", class_="lesson-body")
    shown = BeautifulSoup(preview.content, "html.parser").find("div", class_="lesson-body")
    assert shown.decode_contents().strip() == learner.decode_contents().strip()
    assert "<th>a</th>" in shown.decode_contents()
