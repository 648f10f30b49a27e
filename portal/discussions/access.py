"""Who may see a group's questions: its members, and nobody else.

Unlike a group's dashboard, staff see nothing here without a role in the group: what a
group asks itself stays inside the group. Every miss is a 404, never a 403, so that a
question's (or a group's) existence is not confirmed to an outsider.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from lessons.models import Lesson
from portal.discussions import kept
from portal.models import GroupAnswer, GroupQuestion, Membership, StudyGroup


@dataclass(frozen=True)
class Seat:
    """A member's place in one group: the group and whether they teach it."""

    group: StudyGroup
    is_instructor: bool


def member_groups(user) -> QuerySet[StudyGroup]:
    if not user.is_authenticated:
        return StudyGroup.objects.none()
    return StudyGroup.objects.filter(memberships__user=user)


def groups_asking_on(user, lesson: Lesson) -> list[StudyGroup]:
    """The user's groups that study `lesson` (its category is theirs, or they name none):
    where they may ask about it. One query, for a decision that lets them write."""
    if not user.is_authenticated:
        return []
    scoped = StudyGroup.categories.through.objects.filter(studygroup_id__in=member_groups(user))
    return list(
        member_groups(user)
        .filter(
            Q(pk__in=scoped.filter(category_id=lesson.category_id).values("studygroup_id"))
            | ~Q(pk__in=scoped.values("studygroup_id"))
        )
        .order_by("name", "id")
    )


def groups_shown_on(user, lesson: Lesson) -> list[StudyGroup]:
    """The same groups, from the cache: whose questions the lesson page shows them (a
    change of membership shows within kept.GROUPS_SECONDS on another process)."""
    if not user.is_authenticated:
        return []
    return [seat.group for seat in kept.member_groups_of(user) if seat.studies(lesson)]


def access_seat(user, group_id: int) -> Seat:
    """The user's seat in the group, or 404."""
    if not user.is_authenticated:
        raise Http404("No such group")
    role = (
        Membership.objects.filter(user=user, group_id=group_id)
        .select_related("group")
        .only("role", "group")
        .first()
    )
    if role is None:
        raise Http404("No such group")
    return Seat(group=role.group, is_instructor=role.role == Membership.Role.INSTRUCTOR)


def access_question(seat: Seat, question_id: int) -> GroupQuestion:
    question = (
        GroupQuestion.objects.filter(group=seat.group, pk=question_id)
        .select_related("lesson", "author", "quiz_question")
        .first()
    )
    if question is None:
        raise Http404("No such question")
    return question


def access_answer(question: GroupQuestion, answer_id: int) -> GroupAnswer:
    answer = GroupAnswer.objects.filter(question=question, pk=answer_id).first()
    if answer is None:
        raise Http404("No such answer")
    return answer
