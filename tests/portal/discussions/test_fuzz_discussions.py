"""The sanitizer on every field of a group's posts: the hostile-value walk through the
title, the question, the answer, an edit and a hiding reason, and a bounded property
test; whatever is typed, nothing but the posts' allow-list reaches a page."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from lessons.kernel.rendering import POST_ATTRIBUTES, POST_LINK_REL, POST_TAGS, URL_SCHEMES
from portal.models import GroupAnswer, GroupQuestion
from tests.helpers.discussion_fixtures import answer, ask, client_for
from tests.helpers.fuzzing import HOSTILE, hostile_text, rolled_back

pytestmark = pytest.mark.django_db


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.found.append((tag, attrs))


def assert_safe_post(html: str) -> None:
    """Only the posts' tags and attributes, web and mail links marked as user-written."""
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag in POST_TAGS, tag
        allowed = POST_ATTRIBUTES["*"] | POST_ATTRIBUTES.get(tag, set()) | {"rel", "tabindex"}
        for name, value in attrs:
            assert name in allowed, (tag, name)
            if name == "rel":
                assert value == POST_LINK_REL
            if name == "href" and value and ":" in value.split("/")[0]:
                assert value.split(":")[0].lower() in URL_SCHEMES, value


def assert_no_hostile_markup(page: str) -> None:
    """No element of the page came from typed markup: no frames or inline styles, no
    script without the portal's own address, no handler or script address anywhere."""
    parser = _Tags()
    parser.feed(page)
    for tag, attrs in parser.found:
        assert tag not in ("iframe", "style"), tag
        names = dict(attrs)
        if tag == "script" and "src" not in names:
            # The page's own inline script carries the response's CSP nonce; typed
            # markup cannot know it (and the sanitizer drops every script anyway).
            assert names.get("nonce"), attrs
        elif tag == "script":
            assert names["src"].startswith("/static/"), attrs
        if tag == "img":
            assert names.get("src") != "x", attrs
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, value)


def test_it_keeps_every_field_safe(room, settings):
    """Each hostile value as a title, a question, an answer, an edit and a hiding reason
    (of an answer and of a question); then every page that shows them."""
    settings.DISCUSSION_POSTS_PER_WINDOW = 1000
    alice, bob, teacher = client_for(room.alice), client_for(room.bob), client_for(room.teacher)
    ask_url = reverse("groups:ask", args=[room.lesson.slug])
    for hostile in HOSTILE:
        response = alice.post(
            ask_url, {"group": room.group.pk, "title": hostile[:150] or "제목", "body": hostile}
        )
        assert response.status_code in (302, 400, 422), (hostile, response.status_code)
        question = GroupQuestion.objects.filter(author=room.alice).first() or ask(
            room, body=hostile.replace("\x00", "")
        )
        args = [room.group.pk, question.pk]
        answered = bob.post(reverse("groups:answer", args=args), {"body": hostile})
        assert answered.status_code in (302, 400, 422), hostile
        reply = question.answers.first() or answer(question, room.bob, hostile.replace("\x00", ""))
        alice.post(
            reverse("groups:edit_question", args=args), {"title": hostile[:150], "body": hostile}
        )
        teacher.post(
            reverse("groups:hide_answer", args=[*args, reply.pk]), {"reason": hostile[:300]}
        )
    # Hidden questions: their author sees each reason in the lists too.
    for question, reason in zip(GroupQuestion.objects.all(), HOSTILE, strict=False):
        teacher.post(
            reverse("groups:hide_question", args=[room.group.pk, question.pk]),
            {"reason": reason[:300]},
        )
    for post in (*GroupQuestion.objects.all(), *GroupAnswer.objects.all()):
        assert_safe_post(post.body_html)
    pages = [(bob, q.get_absolute_url()) for q in GroupQuestion.objects.all()]
    pages += [
        (teacher, GroupQuestion.objects.first().get_absolute_url()),
        (alice, reverse("groups:questions", args=[room.group.pk])),
        (alice, room.lesson.get_absolute_url()),
        (alice, reverse("lessons:search") + "?q=alert"),
    ]
    for client, url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        assert_no_hostile_markup(page.content.decode())


@given(title=hostile_text, body=hostile_text, preview=st.booleans(), htmx=st.booleans())
def test_it_answers_any_post_without_a_5xx_and_stores_only_safe_html(
    room, title, body, preview, htmx
):
    with rolled_back():
        client = client_for(room.alice)
        headers = {"HX-Request": "true"} if htmx else {}
        data = {"group": room.group.pk, "title": title, "body": body}
        if preview:
            data["preview"] = "1"
        response = client.post(
            reverse("groups:ask", args=[room.lesson.slug]), data, headers=headers
        )
        assert response.status_code < 500
        question = GroupQuestion.objects.first() or ask(room)
        response = client.post(
            reverse("groups:answer", args=[room.group.pk, question.pk]),
            {"body": body, **({"preview": "1"} if preview else {})},
            headers=headers,
        )
        assert response.status_code < 500
        assert_no_hostile_markup(response.content.decode())
        for post in (*GroupQuestion.objects.all(), *GroupAnswer.objects.all()):
            assert_safe_post(post.body_html)
