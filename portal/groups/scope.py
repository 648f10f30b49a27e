"""What a group studies and who studies it, as querysets to filter and aggregate on."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from lessons.models import Lesson
from portal.models import LessonTarget, Membership, StudyGroup


@dataclass(frozen=True)
class LessonColumn:
    id: int
    title: str
    slug: str
    category_id: int
    category_name: str
    quiz_id: int | None
    pass_mark: int | None
    target: date | None  # the lesson's own target date (the "dates" pace)


def scope_queryset(group: StudyGroup) -> QuerySet[Lesson]:
    """The group's lessons: the published lessons of its categories, or every published
    lesson when it names none (decided inside the one query that uses it)."""
    scope = StudyGroup.categories.through.objects.filter(studygroup_id=group.pk)
    return Lesson.objects.published().filter(
        Q(category__in=scope.values("category_id")) | ~Exists(scope)
    )


def learner_memberships(group: StudyGroup) -> QuerySet[Membership]:
    return Membership.objects.filter(group_id=group.pk, role=Membership.Role.LEARNER)


def scope_lessons(group: StudyGroup) -> list[LessonColumn]:
    """The group's lessons in learning order, with their quiz and target date."""
    target = LessonTarget.objects.filter(group_id=group.pk, lesson=OuterRef("pk"))
    rows = (
        scope_queryset(group)
        .in_learning_order()
        .annotate(target=Subquery(target.values("due_on")[:1]))
        .values(
            "id",
            "title",
            "slug",
            "category_id",
            "category__name",
            "quiz__id",
            "quiz__pass_mark",
            "target",
        )
    )
    return [
        LessonColumn(
            id=row["id"],
            title=row["title"],
            slug=row["slug"],
            category_id=row["category_id"],
            category_name=row["category__name"],
            quiz_id=row["quiz__id"],
            pass_mark=row["quiz__pass_mark"],
            target=row["target"],
        )
        for row in rows
    ]
