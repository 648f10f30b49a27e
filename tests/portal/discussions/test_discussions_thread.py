"""One question's thread: answering, accepting, following, editing within the window,
deleting one's own and an instructor hiding a post with a reason its author sees."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import GroupAnswer, GroupQuestion, QuestionFollow
from tests.helpers.discussion_fixtures import answer, ask, client_for

pytestmark = pytest.mark.django_db


def url(name, question, *more):
    return reverse(f"groups:{name}", args=[question.group_id, question.pk, *more])


def test_it_posts_an_answer_and_shows_it_in_the_thread(room):
    question = ask(room)
    response = client_for(room.bob).post(url("answer", question), {"body": "**노드**를 보세요"})
    assert response.status_code == 302
    page = client_for(room.alice).get(question.get_absolute_url()).content.decode()
    assert "<strong>노드</strong>를 보세요" in page
    question.refresh_from_db()
    assert question.answer_count == 1


def test_it_answers_htmx_with_the_thread_and_keeps_the_text_on_an_error(room):
    question = ask(room)
    bob = client_for(room.bob)
    response = bob.post(url("answer", question), {"body": "   "}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert 'id="answer-form"' in response.content.decode()
    too_long = "가" * 5001
    response = bob.post(url("answer", question), {"body": too_long}, headers={"HX-Request": "true"})
    assert response.status_code == 422 and too_long in response.content.decode()
    response = bob.post(url("answer", question), {"body": "답"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'id="thread"' in response.content.decode()
    assert "portal:draft-posted" in response["HX-Trigger"]
    assert GroupAnswer.objects.count() == 1


def test_it_previews_without_saving(room):
    question = ask(room)
    response = client_for(room.bob).post(
        url("answer", question), {"body": "`kubectl describe`", "preview": "1"}
    )
    assert "<code>kubectl describe</code>" in response.content.decode()
    assert GroupAnswer.objects.count() == 0


def test_it_lets_the_asker_or_the_instructor_accept_and_nobody_else(room):
    question = ask(room)
    reply = answer(question, room.bob)
    assert (
        client_for(room.bob).post(url("accept", question), {"answer": reply.pk}).status_code == 403
    )
    assert (
        client_for(room.alice).post(url("accept", question), {"answer": reply.pk}).status_code
        == 302
    )
    question.refresh_from_db()
    assert question.accepted_answer == reply
    page = client_for(room.bob).get(reverse("groups:questions", args=[room.group.pk]))
    assert "✓ 답변 완료" in page.content.decode()
    client_for(room.teacher).post(url("accept", question), {"answer": ""})
    question.refresh_from_db()
    assert question.accepted_answer is None


def test_it_refuses_an_answer_of_another_question(room):
    question, other = ask(room), ask(room, title="다른 질문")
    stranger = answer(other, room.bob)
    response = client_for(room.alice).post(url("accept", question), {"answer": stranger.pk})
    assert response.status_code == 404
    for hostile in ("abc", "9" * 30, "-1"):
        assert (
            client_for(room.alice).post(url("accept", question), {"answer": hostile}).status_code
            == 404
        )
    question.refresh_from_db()
    assert question.accepted_answer is None


def test_it_follows_the_askers_question_and_lets_anyone_follow(room):
    client_for(room.alice).post(
        reverse("groups:ask", args=[room.lesson.slug]),
        {"group": room.group.pk, "title": "질문", "body": "내용"},
    )
    question = GroupQuestion.objects.get()
    assert QuestionFollow.objects.filter(question=question, user=room.alice).exists()
    bob = client_for(room.bob)
    bob.post(url("follow", question), {"follow": "1"})
    bob.post(url("follow", question), {"follow": "1"})
    assert question.follows.filter(user=room.bob).count() == 1
    response = bob.post(url("follow", question), {"follow": "0"}, headers={"HX-Request": "true"})
    assert 'aria-pressed="false"' in response.content.decode()
    assert not question.follows.filter(user=room.bob).exists()
    assert bob.post(url("follow", question), {"follow": "yes"}).status_code == 400


def test_it_lets_the_author_edit_within_fifteen_minutes_only(room):
    question = ask(room)
    alice = client_for(room.alice)
    response = alice.post(url("edit_question", question), {"title": "고친 제목", "body": "고침"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.title == "고친 제목" and question.edited_at and "고침" in question.body_html
    assert client_for(room.bob).get(url("edit_question", question)).status_code == 403
    GroupQuestion.objects.filter(pk=question.pk).update(
        created_at=timezone.now() - timedelta(minutes=16)
    )
    response = alice.post(url("edit_question", question), {"title": "늦음", "body": "늦음"})
    assert response.status_code == 403 and "15" in response.content.decode()
    question.refresh_from_db()
    assert question.title == "고친 제목"


def test_it_edits_an_answer_in_the_window(room):
    question = ask(room)
    reply = answer(question, room.bob)
    response = client_for(room.bob).post(url("edit_answer", question, reply.pk), {"body": "새 답"})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.body_html == "<p>새 답</p>"


def test_it_keeps_a_deleted_question_with_answers_as_a_deleted_post(room):
    question = ask(room)
    answer(question, room.bob)
    client_for(room.alice).post(url("delete_question", question))
    question.refresh_from_db()
    assert question.is_deleted and question.body == ""
    page = client_for(room.bob).get(question.get_absolute_url()).content.decode()
    assert "삭제된 글" in page and "Pending" not in page and "노드 자원을 보세요" in page
    response = client_for(room.bob).post(url("answer", question), {"body": "늦은 답"})
    assert response.status_code == 409 and GroupAnswer.objects.count() == 1


def test_it_deletes_a_question_without_answers_and_only_ones_own(room):
    question = ask(room)
    assert client_for(room.bob).post(url("delete_question", question)).status_code == 403
    assert client_for(room.alice).post(url("delete_question", question)).status_code == 302
    assert not GroupQuestion.objects.exists()


def test_it_deletes_an_answer_and_its_acceptance(room):
    question = ask(room)
    reply = answer(question, room.bob)
    GroupQuestion.objects.filter(pk=question.pk).update(accepted_answer=reply)
    client_for(room.bob).post(url("delete_answer", question, reply.pk))
    question.refresh_from_db()
    assert question.accepted_answer is None and question.answer_count == 0


def test_it_lets_an_instructor_hide_a_post_with_a_reason_its_author_sees(room):
    question = ask(room)
    reply = answer(question, room.bob, "광고 링크 [여기](https://spam.example)")
    assert (
        client_for(room.alice)
        .post(url("hide_answer", question, reply.pk), {"reason": "x"})
        .status_code
        == 403
    )
    response = client_for(room.teacher).post(url("hide_answer", question, reply.pk), {"reason": ""})
    assert response.status_code == 422
    client_for(room.teacher).post(url("hide_answer", question, reply.pk), {"reason": "광고입니다"})
    reply.refresh_from_db()
    assert reply.is_hidden and reply.hidden_reason == "광고입니다"
    alice_page = client_for(room.alice).get(question.get_absolute_url()).content.decode()
    assert "spam.example" not in alice_page and "광고입니다" not in alice_page
    bob_page = client_for(room.bob).get(question.get_absolute_url()).content.decode()
    assert "광고입니다" in bob_page
    client_for(room.teacher).post(url("hide_answer", question, reply.pk), {"hidden": "0"})
    reply.refresh_from_db()
    assert not reply.is_hidden


def test_it_limits_how_fast_a_member_posts(room, settings):
    settings.DISCUSSION_POSTS_PER_WINDOW = 3
    question = ask(room, room.alice)
    bob = client_for(room.bob)
    statuses = [
        bob.post(url("answer", question), {"body": f"답 {n}"}).status_code for n in range(5)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    assert GroupAnswer.objects.count() == 3
    page = bob.post(url("answer", question), {"body": "남길 글"}).content.decode()
    assert "남길 글" in page


def test_it_needs_csrf_on_every_post(room):
    from django.test import Client

    question = ask(room)
    client = Client(enforce_csrf_checks=True)
    client.force_login(room.bob)
    assert client.post(url("answer", question), {"body": "x"}).status_code == 403
    assert client.post(url("follow", question), {"follow": "1"}).status_code == 403
    assert not GroupAnswer.objects.exists()


def test_it_updates_the_questions_state_when_accepted_by_htmx(room):
    question = ask(room)
    reply = answer(question, room.bob)
    response = client_for(room.alice).post(
        url("accept", question), {"answer": reply.pk}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert '<span id="question-status" hx-swap-oob="true"><span class="chip ok">' in page
    assert "채택된 답변" in page and "이 답변을 채택했습니다" not in page


def test_it_lets_nobody_edit_a_hidden_post_even_in_the_window(room):
    question = ask(room)
    reply = answer(question, room.bob)
    teacher = client_for(room.teacher)
    teacher.post(url("hide_question", question), {"reason": "주제와 무관"})
    teacher.post(url("hide_answer", question, reply.pk), {"reason": "광고"})
    assert client_for(room.alice).get(url("edit_question", question)).status_code == 403
    response = client_for(room.bob).post(url("edit_answer", question, reply.pk), {"body": "고침"})
    assert response.status_code == 403
    reply.refresh_from_db()
    assert reply.body == "노드 자원을 보세요."


def test_it_lists_the_groups_questions_unanswered_first_in_english(room, english):
    answered = ask(room, title="Answered one")
    reply = answer(answered, room.bob)
    GroupQuestion.objects.filter(pk=answered.pk).update(accepted_answer=reply)
    ask(room, room.bob, title="Open one")
    page = client_for(room.alice).get(reverse("groups:questions", args=[room.group.pk]))
    text = page.content.decode()
    assert "쿠버네티스 스터디: questions" in text and "Waiting for an answer" in text
    assert "Answered</span>" in text
    assert text.index("Open one") < text.index("Answered one")
