"""Only the members of a group see its questions: not another group's learners, not a
visitor, not staff without a role in the group; by address, on the lesson and by search."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.models import GroupQuestion
from tests.helpers.discussion_fixtures import ask, client_for

pytestmark = pytest.mark.django_db


def test_it_shows_a_member_the_question_on_the_lesson_and_its_page(room):
    question = ask(room)
    page = client_for(room.bob).get(room.lesson.get_absolute_url()).content.decode()
    assert "파드가 Pending이에요" in page
    assert client_for(room.bob).get(question.get_absolute_url()).status_code == 200
    teacher_page = client_for(room.teacher).get(question.get_absolute_url())
    assert "파드가 Pending이에요" in teacher_page.content.decode()


@pytest.mark.parametrize("who", ["charlie", "visitor", "editor"])
def test_it_shows_nobody_else_anything(room, editor, who):
    question = ask(room)
    client = {"charlie": client_for(room.charlie), "editor": client_for(editor)}.get(who, Client())
    lesson_page = client.get(room.lesson.get_absolute_url()).content.decode()
    assert "파드가 Pending이에요" not in lesson_page
    for url in (
        question.get_absolute_url(),
        reverse("groups:questions", args=[room.group.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 404)
        assert "Pending" not in response.content.decode()
    search = client.get(reverse("lessons:search"), {"q": "Pending"}).content.decode()
    assert "파드가 Pending이에요" not in search


def test_it_finds_the_groups_questions_by_search_for_a_member(room):
    ask(room)
    ask(room, room.charlie, group=room.other, title="다른 그룹의 Pending 질문")
    search = client_for(room.bob).get(reverse("lessons:search"), {"q": "Pending"})
    page = search.content.decode()
    assert "파드가 Pending이에요" in page
    assert "다른 그룹의 Pending 질문" not in page


@pytest.mark.parametrize("who", ["charlie", "editor"])
def test_it_changes_nothing_for_an_outsider_who_posts(room, editor, who):
    question = ask(room)
    client = client_for(room.charlie if who == "charlie" else editor)
    group, pk = room.group.pk, question.pk
    posts = [
        (reverse("groups:answer", args=[group, pk]), {"body": "끼어들기"}),
        (reverse("groups:follow", args=[group, pk]), {"follow": "1"}),
        (reverse("groups:accept", args=[group, pk]), {"answer": ""}),
        (reverse("groups:delete_question", args=[group, pk]), {}),
        (reverse("groups:hide_question", args=[group, pk]), {"reason": "x"}),
        (
            reverse("groups:ask", args=[room.lesson.slug]),
            {"group": group, "title": "t", "body": "b"},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    question.refresh_from_db()
    assert question.answer_count == 0 and not question.hidden_at
    assert GroupQuestion.objects.count() == 1
    assert question.follows.count() == 0


def test_it_marks_each_question_by_group_for_a_member_of_two(room):
    from portal.models import Membership

    Membership.objects.create(group=room.other, user=room.alice)
    ask(room)
    ask(room, room.charlie, group=room.other, title="다른 그룹 질문")
    page = client_for(room.alice).get(room.lesson.get_absolute_url()).content.decode()
    assert "다른 그룹 질문" in page and "파드가 Pending이에요" in page
    assert '<span class="chip">다른 스터디</span>' in page
    form = client_for(room.alice).get(
        reverse("groups:ask", args=[room.lesson.slug]), headers={"HX-Request": "true"}
    )
    assert 'id="ask-form"' in form.content.decode() and "<select" in form.content.decode()
    assert "<html" not in form.content.decode()


def test_it_stops_showing_the_questions_once_a_member_leaves(room):
    from portal.models import Membership

    ask(room)
    bob = client_for(room.bob)
    assert "파드가 Pending이에요" in bob.get(room.lesson.get_absolute_url()).content.decode()
    Membership.objects.filter(user=room.bob).delete()
    assert "파드가 Pending이에요" not in bob.get(room.lesson.get_absolute_url()).content.decode()


def test_it_answers_404_to_a_question_asked_through_another_groups_address(room):
    # Charlie's own group id with a question of Alice's group: nothing of it, nothing done.
    question = ask(room)
    charlie = client_for(room.charlie)
    own, pk = room.other.pk, question.pk
    for url in (
        reverse("groups:question", args=[own, pk]),
        reverse("groups:edit_question", args=[own, pk]),
        reverse("groups:hide_question", args=[own, pk]),
    ):
        response = charlie.get(url)
        assert response.status_code == 404 and "Pending" not in response.content.decode()
    assert charlie.post(reverse("groups:answer", args=[own, pk]), {"body": "x"}).status_code == 404
    assert (
        charlie.post(reverse("groups:follow", args=[own, pk]), {"follow": "1"}).status_code == 404
    )
    assert question.answers.count() == 0 and question.follows.count() == 0
