"""Builders shared by the tests of a group's questions (no tests here)."""

from dataclasses import dataclass

from django.test import Client

from lessons.models import Lesson
from portal.models import GroupAnswer, GroupQuestion, StudyGroup, User
from tests.conftest import make_lesson, make_user
from tests.helpers.groups import make_group

LESSON_BODY = "## 파드 만들기\n\n본문.\n\n### 매니페스트\n\n더.\n\n## 파드 지우기\n\n끝.\n"


@dataclass
class Room:
    """Alice and Bob learn in one group that Tara teaches; Charlie learns in another
    group on the same lesson; the editor is staff with no role in either."""

    lesson: Lesson
    group: StudyGroup
    other: StudyGroup
    alice: User
    bob: User
    charlie: User
    teacher: User


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def build_room(alice, bob, charlie, basic) -> Room:
    lesson = make_lesson(basic, "Pods", 1, slug="pods", body=LESSON_BODY)
    teacher = make_user("tara", display_name="타라")
    group = make_group("쿠버네티스 스터디", instructors=(teacher,), learners=(alice, bob))
    other = make_group("다른 스터디", learners=(charlie,))
    return Room(lesson, group, other, alice, bob, charlie, teacher)


def ask(room: Room, author: User | None = None, **fields) -> GroupQuestion:
    values = {"title": "파드가 Pending이에요", "body": "`kubectl get pods` 결과가 Pending입니다."}
    return GroupQuestion.objects.create(
        group=fields.pop("group", room.group),
        lesson=room.lesson,
        author=author or room.alice,
        **(values | fields),
    )


def answer(question: GroupQuestion, author: User, body: str = "노드 자원을 보세요.") -> GroupAnswer:
    found = GroupAnswer.objects.create(question=question, author=author, body=body)
    GroupQuestion.objects.filter(pk=question.pk).update(answer_count=question.answers.count())
    return found
