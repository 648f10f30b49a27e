"""Asking the group: from the lesson, about a section or a quiz question missed; a hostile
group, section or quiz question is a 404 that saves nothing."""

import pytest
from django.urls import reverse

from lessons.models import Lesson
from portal.models import GroupQuestion, Membership
from tests.helpers.discussion_fixtures import client_for
from tests.helpers.groups import attempt, make_group, make_quiz

pytestmark = pytest.mark.django_db


def ask_url(room):
    return reverse("groups:ask", args=[room.lesson.slug])


def fields(room, **more):
    return {"group": room.group.pk, "title": "왜 Pending?", "body": "도와주세요"} | more


def test_it_asks_about_a_section_and_counts_it_on_the_lesson(room):
    response = client_for(room.alice).post(ask_url(room), fields(room, section="매니페스트"))
    question = GroupQuestion.objects.get()
    assert response.url == question.get_absolute_url()
    assert (question.group, question.section, question.author) == (
        room.group,
        "매니페스트",
        room.alice,
    )
    page = client_for(room.bob).get(room.lesson.get_absolute_url()).content.decode()
    heading = page.index('<h3 id="매니페스트">')
    assert '<span class="chip info">질문 1</span>' in page[heading : page.index("</div>", heading)]


def test_it_asks_by_htmx_and_sends_the_page_to_the_question(room):
    response = client_for(room.alice).post(
        ask_url(room), fields(room), headers={"HX-Request": "true"}
    )
    question = GroupQuestion.objects.get()
    assert response["HX-Redirect"] == question.get_absolute_url()
    assert "portal:draft-posted" in response["HX-Trigger"]


def test_it_keeps_the_text_of_a_question_with_errors(room):
    response = client_for(room.alice).post(
        ask_url(room),
        fields(room, title="", body="내가 쓴 긴 본문"),
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert response.status_code == 422 and response["HX-Retarget"] == "#ask-form"
    assert "내가 쓴 긴 본문" in page and "질문 제목을 써 주세요." in page
    assert not GroupQuestion.objects.exists()


def test_it_previews_the_question_without_saving(room):
    response = client_for(room.alice).post(
        ask_url(room), fields(room, title="", body="**굵게** <b>태그</b>", preview="1")
    )
    page = response.content.decode()
    assert "<strong>굵게</strong> &lt;b&gt;태그&lt;/b&gt;" in page
    assert "질문 제목을 써 주세요." not in page
    assert not GroupQuestion.objects.exists()


@pytest.mark.parametrize(
    "hostile",
    [
        {"section": "없는-섹션"},
        {"section": "<script>"},
        {"group": "999999"},
        {"group": "abc"},
        {"group": "1" * 40},
        {"quiz_question": "5"},
        {"quiz_question": "x"},
    ],
)
def test_it_answers_a_hostile_value_with_404_and_saves_nothing(room, hostile):
    response = client_for(room.alice).post(ask_url(room), fields(room) | hostile)
    assert response.status_code == 404
    assert not GroupQuestion.objects.exists()


def test_it_refuses_asking_in_a_group_one_is_not_in(room):
    response = client_for(room.alice).post(ask_url(room), fields(room, group=room.other.pk))
    assert response.status_code == 404
    assert not GroupQuestion.objects.exists()


def test_it_offers_only_groups_that_study_the_lesson(room, cka):
    make_group("CKA만", learners=(room.alice,), categories=(cka,))
    page = client_for(room.alice).get(ask_url(room)).content.decode()
    assert "CKA만" not in page


def test_it_lets_a_member_of_two_groups_choose(room):
    Membership.objects.create(group=room.other, user=room.alice)
    page = client_for(room.alice).get(ask_url(room)).content.decode()
    assert "쿠버네티스 스터디" in page and "다른 스터디" in page
    client_for(room.alice).post(ask_url(room), fields(room, group=room.other.pk))
    assert GroupQuestion.objects.get().group == room.other


def test_it_asks_about_a_quiz_question_missed_from_the_result(room):
    quiz = make_quiz(room.lesson)
    first = quiz.questions.order_by("position").first()
    first.section = "파드-지우기"
    first.save()
    wrong = [q.choices.get(is_correct=False, position=2) for q in quiz.questions.all()]
    taken = attempt(room.alice, quiz, 0, 2, chosen=wrong)
    result = client_for(room.alice).get(
        reverse("lessons:quiz_attempt", args=[room.lesson.slug, taken.pk])
    )
    link = f"{ask_url(room)}?quiz_question={first.pk}"
    assert "이 문제에 대해 질문하기" in result.content.decode()
    assert link in result.content.decode()
    form = client_for(room.alice).get(link).content.decode()
    assert first.prompt in form and 'value="파드-지우기" selected' in form
    client_for(room.alice).post(ask_url(room), fields(room, quiz_question=first.pk))
    assert GroupQuestion.objects.get().quiz_question == first


def test_it_shows_no_ask_link_on_a_result_outside_any_group(room, editor):
    quiz = make_quiz(room.lesson)
    wrong = [q.choices.get(is_correct=False, position=2) for q in quiz.questions.all()]
    taken = attempt(editor, quiz, 0, 2, chosen=wrong)
    result = client_for(editor).get(
        reverse("lessons:quiz_attempt", args=[room.lesson.slug, taken.pk])
    )
    assert "이 문제에 대해 질문하기" not in result.content.decode()


def test_it_shows_no_panel_to_a_visitor_or_on_a_draft_for_learners(room):
    from django.test import Client

    page = Client().get(room.lesson.get_absolute_url()).content.decode()
    assert "group-questions" not in page
    Lesson.objects.filter(pk=room.lesson.pk).update(status=Lesson.Status.DRAFT)
    assert client_for(room.alice).get(ask_url(room)).status_code == 404
