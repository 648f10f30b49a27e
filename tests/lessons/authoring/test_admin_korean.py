"""The Korean admin of the portal's own models speaks Korean: every changelist, add and
change page of the `lessons` and `portal` apps is read for English words, in its text and
in the attributes a user reads (titles, labels, placeholders, button values)."""

import json
import re

import pytest
from bs4 import BeautifulSoup, Comment
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from lessons.models import Category, Choice, FeedSource, Lesson, Question, Quiz
from portal.models import NotificationPreference, StudyGroup, User

pytestmark = pytest.mark.django_db

APPS = {"lessons", "portal"}
# Words that are English in the Korean UI on purpose: names of things and formats.
KEPT = {
    "Django", "URL", "URLs", "ID", "id", "RSS", "Atom", "WordPress", "zip", "Markdown",
    "HTML", "CSV", "PNG", "JPEG", "GIF", "WebP", "SVG", "Ctrl", "Cmd", "CKA", "Kubernetes",
    # Django's Korean help texts quote these.
    "Control", "Command", "Mac", "Single", "Sign", "On", "LDAP",
}  # fmt: skip
# Django writes these icons' alt text in English, untranslatable (not the portal's).
DJANGO_ALTS = {"True", "False", "None", "Search"}
# Text that is not the UI's own: what the editors wrote and what the admin shows of it.
# (<bdi> holds a value: a password hash's algorithm and salt.)
SKIPPED_TAGS = ["script", "style", "textarea", "template", "svg", "code", "pre", "bdi"]
READ_ATTRIBUTES = ["title", "placeholder", "aria-label", "alt", "data-too-large", "data-failed"]
WORD = re.compile(r"[A-Za-z]{2,}")


def english_words(html: bytes, data_words: set[str]) -> set[str]:
    page = BeautifulSoup(html, "html.parser")
    for tag in page(SKIPPED_TAGS):
        tag.decompose()
    # Other apps' models (auth, axes) in the side bar are not the portal's own.
    # Permission names are rows Django writes in English at migrate time (not translatable).
    for tag in page.select("#nav-sidebar, select[name=user_permissions]"):
        tag.decompose()
    body = page.body
    texts = [text.strip() for text in body.find_all(string=True) if not isinstance(text, Comment)]
    texts += [tag[name] for name in READ_ATTRIBUTES for tag in body.find_all(attrs={name: True})]
    texts = [text for text in texts if text not in DJANGO_ALTS]
    texts += [tag["value"] for tag in body.find_all("input", type=["submit", "button"])]
    texts.append(page.title.string)
    found = set()
    for text in texts:
        found |= {word for word in WORD.findall(text or "") if word not in KEPT | data_words}
    return found


@pytest.fixture
def portal_records(lessons, editor):
    lesson = Lesson.objects.get(slug="pods")
    quiz = Quiz.objects.create(lesson=lesson)
    question = Question.objects.create(
        quiz=quiz, kind=Question.Kind.SINGLE, prompt="무엇인가?", position=1
    )
    Choice.objects.create(question=question, text="파드", is_correct=True)
    Choice.objects.create(question=question, text="노드", is_correct=False)
    FeedSource.objects.create(url="https://blog.example.com/rss")
    StudyGroup.objects.create(name="스터디", invite_code="abcdefgh")
    return editor


def admin_pages():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in APPS:
            continue
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield reverse(f"{name}_changelist")
        if model_admin.has_add_permission(_superuser_request()):
            yield reverse(f"{name}_add")
        first = model.objects.order_by("pk").first()
        if first is not None:
            yield reverse(f"{name}_change", args=[first.pk])


def _superuser_request():
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = User.objects.get(username="editor")
    return request


def test_the_korean_admin_has_no_english_of_the_portals_own(editor_client, portal_records):
    # What the test's records say is theirs, whatever the UI's language.
    data_texts = [
        *Lesson.objects.values_list("title", "slug"),
        *Category.objects.values_list("name", "slug"),
        *User.objects.values_list("username", "email"),
        *StudyGroup.objects.values_list("name", "invite_code"),
        *FeedSource.objects.values_list("url"),
        *Group.objects.values_list("name"),
        *NotificationPreference.objects.values_list("time_zone", "language"),
    ]
    data = {word for texts in data_texts for text in texts for word in WORD.findall(text)}
    pages = list(admin_pages())
    assert len(pages) >= 15
    untranslated = {}
    for url in pages:
        response = editor_client.get(url)
        assert response.status_code == 200, url
        if words := english_words(response.content, data):
            untranslated[url] = sorted(words)
    assert untranslated == {}, "\n".join(f"{url}: {words}" for url, words in untranslated.items())


def test_the_walk_finds_english_where_there_is_some():
    html = b"<html><head><title>t</title></head><body><label>Reading minutes:</label></body></html>"
    assert english_words(html, set()) == {"Reading", "minutes"}


def test_the_admins_script_messages_are_korean_too(editor_client):
    # Django's own Korean catalog leaves the date widgets' time zone note empty; the
    # portal's locale fills it in (locale/ko/LC_MESSAGES/djangojs.po).
    script = editor_client.get(reverse("admin:jsi18n")).content.decode()
    # The catalog is JSON inside the script, its Hangul written as \u escapes.
    assert json.dumps("참고: 시간은 %(timezone)s 시간대로 입력하세요.")[1:-1] in script
