"""A question an instructor hid, in the lists that show it (the lesson's questions, kept
in the cache and shared by the group's members, and the group's questions page): its
author sees their own title and why it was hidden; every other member sees only that an
instructor hid a post."""

import pytest
from django.urls import reverse

from tests.helpers.discussion_fixtures import ask, client_for

pytestmark = pytest.mark.django_db


def hide(room, question, reason: str) -> None:
    url = reverse("groups:hide_question", args=[room.group.pk, question.pk])
    assert client_for(room.teacher).post(url, {"reason": reason}).status_code == 302


def lists(room, user) -> list[str]:
    client = client_for(user)
    lesson_page = client.get(room.lesson.get_absolute_url()).content.decode()
    panel = lesson_page[lesson_page.index('id="group-questions"') :]
    group_page = client.get(reverse("groups:questions", args=[room.group.pk])).content.decode()
    return [panel, group_page[group_page.index('id="question-list"') :]]


def test_its_author_sees_the_title_and_reason_others_the_placeholder(room):
    question = ask(room, room.alice, title="클러스터 비밀 제목")
    ask(room, room.bob, title="보이는 질문")
    hide(room, question, "수업과 무관한 글")
    # Bob warms the lesson's shared panel first; Alice reads it after him.
    for page in lists(room, room.bob):
        assert "강사가 숨긴 글" in page and "보이는 질문" in page
        assert "클러스터 비밀 제목" not in page and "수업과 무관한 글" not in page
    for page in lists(room, room.alice):
        assert "클러스터 비밀 제목" in page and "수업과 무관한 글" in page
        assert "보이는 질문" in page
    # What Alice saw was hers alone: the panel the others share still hides it.
    for user in (room.bob, room.teacher):
        for page in lists(room, user):
            assert "강사가 숨긴 글" in page and "클러스터 비밀 제목" not in page


def test_its_author_reading_first_does_not_show_it_to_the_others(room):
    question = ask(room, room.alice, title="클러스터 비밀 제목")
    hide(room, question, "수업과 무관한 글")
    assert all("클러스터 비밀 제목" in page for page in lists(room, room.alice))
    for page in lists(room, room.bob):
        assert "강사가 숨긴 글" in page and "클러스터 비밀 제목" not in page


def test_its_own_page_names_it_only_to_its_author_and_the_instructors(room):
    question = ask(room, room.alice, title="클러스터 비밀 제목")
    hide(room, question, "수업과 무관한 글")
    page = client_for(room.bob).get(question.get_absolute_url()).content.decode()
    assert "강사가 숨긴 글" in page and "클러스터 비밀 제목" not in page
    for user in (room.alice, room.teacher):
        page = client_for(user).get(question.get_absolute_url()).content.decode()
        assert "<title>클러스터 비밀 제목" in page and "수업과 무관한 글" in page
