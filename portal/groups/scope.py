"""What a group studies and who studies it, as querysets to filter and aggregate on."""

from django.db.models import Exists, Q, QuerySet

from lessons.models import Lesson
from portal.models import Membership, StudyGroup


def scope_queryset(group: StudyGroup) -> QuerySet[Lesson]:
    """The group's lessons: the published lessons of its categories, or every published
    lesson when it names none (decided inside the one query that uses it)."""
    scope = StudyGroup.categories.through.objects.filter(studygroup_id=group.pk)
    return Lesson.objects.published().filter(
        Q(category__in=scope.values("category_id")) | ~Exists(scope)
    )


def learner_memberships(group: StudyGroup) -> QuerySet[Membership]:
    return Membership.objects.filter(group_id=group.pk, role=Membership.Role.LEARNER)
