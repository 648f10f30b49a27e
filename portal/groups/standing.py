"""A member's own progress in a group beside the group's average, and nothing about any
other member."""

from dataclasses import dataclass

from django.db.models import Avg, Count, Q

from lessons.kernel.numbers import best_score_percent, percent, rounded
from lessons.models import Completion, QuizAttempt
from lessons.progress.tracking import Bar
from portal.groups.scope import learner_memberships, scope_queryset
from portal.models import StudyGroup, User


@dataclass(frozen=True)
class Standing:
    lesson_count: int
    learner_count: int
    group_average_percent: int  # the average learner's share of the lessons done
    group_average_best: int | None  # the average best quiz score over everyone's quizzes
    mine: Bar | None  # None for someone who is not a learner of the group
    my_average_best: int | None


def member_standing(
    group: StudyGroup, user: User, *, is_learner: bool, lesson_count: int
) -> Standing:
    """`lesson_count`: how many lessons the group's scope holds."""
    learners = learner_memberships(group).values("user_id")
    scope = scope_queryset(group)
    counts = Completion.objects.filter(lesson_id__in=scope.values("pk")).aggregate(
        group=Count("id", filter=Q(user_id__in=learners)),
        mine=Count("id", filter=Q(user_id=user.pk)),
    )
    learner_count = learner_memberships(group).count()
    best = (
        QuizAttempt.objects.filter(quiz__lesson_id__in=scope.values("pk"), max_score__gt=0)
        .values("user_id", "quiz_id")
        .order_by()
        .annotate(best=best_score_percent())
    )
    group_best = best.filter(user_id__in=learners).aggregate(average=Avg("best"))["average"]
    my_best = best.filter(user_id=user.pk).aggregate(average=Avg("best"))["average"]
    possible = learner_count * lesson_count
    return Standing(
        lesson_count=lesson_count,
        learner_count=learner_count,
        group_average_percent=percent(counts["group"], possible),
        group_average_best=None if group_best is None else rounded(group_best),
        mine=Bar(counts["mine"], lesson_count) if is_learner else None,
        my_average_best=None if my_best is None or not is_learner else rounded(my_best),
    )
