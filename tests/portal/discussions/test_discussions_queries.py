"""The pages of a group's questions hold a fixed number of queries at 500 questions on a
lesson (and a thread at many answers)."""

import pytest
from django.urls import reverse

from portal.models import GroupAnswer, GroupQuestion
from tests.helpers.discussion_fixtures import client_for

pytestmark = pytest.mark.django_db


def fill(room, n: int) -> GroupQuestion:
    sections = ["", "파드-만들기", "매니페스트", "파드-지우기"]
    authors = [room.alice, room.bob, room.teacher]
    GroupQuestion.objects.bulk_create(
        GroupQuestion(
            group=room.group,
            lesson=room.lesson,
            author=authors[i % 3],
            section=sections[i % 4],
            title=f"질문 {i}",
            body=f"본문 {i}",
            body_html=f"<p>본문 {i}</p>",
        )
        for i in range(n)
    )
    question = GroupQuestion.objects.first()
    GroupAnswer.objects.bulk_create(
        GroupAnswer(question=question, author=authors[i % 3], body="답", body_html="<p>답</p>")
        for i in range(60)
    )
    return question


def counted(django_assert_max_num_queries, client, url: str, budget: int):
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
    return response


def test_it_holds_the_lesson_page_and_the_groups_page_at_500_questions(
    room, django_assert_max_num_queries, settings
):
    settings.DISCUSSION_POSTS_PER_WINDOW = 1000
    question = fill(room, 500)
    bob = client_for(room.bob)
    # The lesson page's own queries (session, user, its statements, portal/today's week
    # of the group and the learner's time zone), then the questions' panel: the
    # learner's groups and their categories, the count per section, the first
    # questions; all kept in the cache.
    lesson_url = room.lesson.get_absolute_url()
    # (and, on a first visit, the lesson's hands-on tasks, kept after)
    page = counted(django_assert_max_num_queries, bob, lesson_url, 11)
    assert "질문 499" in page.content.decode() and "질문 0<" not in page.content.decode()
    counted(django_assert_max_num_queries, bob, lesson_url, 4)
    client_for(room.alice).post(
        reverse("groups:ask", args=[room.lesson.slug]),
        {"group": room.group.pk, "title": "방금 올린 질문", "body": "본문"},
    )
    # A question posted: the panel's two queries again (and portal/today's own two).
    page = counted(django_assert_max_num_queries, bob, lesson_url, 8)
    assert "방금 올린 질문" in page.content.decode()
    url = reverse("groups:questions", args=[room.group.pk])
    counted(django_assert_max_num_queries, bob, url, 6)
    counted(django_assert_max_num_queries, bob, f"{url}?lesson={room.lesson.pk}&open=1", 6)
    counted(django_assert_max_num_queries, bob, question.get_absolute_url(), 6)
    search = reverse("lessons:search") + "?q=질문"
    counted(django_assert_max_num_queries, bob, search, 5)


def test_it_holds_the_drilldown_at_500_questions(room, django_assert_max_num_queries):
    fill(room, 500)
    url = reverse("groups:dashboard_lesson", args=[room.group.pk, room.lesson.pk])
    page = counted(django_assert_max_num_queries, client_for(room.teacher), url, 8)
    text = page.content.decode()
    assert "질문이 많은 섹션" in text and "질문 125개" in text
