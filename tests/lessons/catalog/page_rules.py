"""The models' rules for what the written-out statements show (lessons/sql/lesson.py,
home.py, category.py), in the ORM: the tests compare the statements with them."""

from django.db.models import Count, Exists, Max, OuterRef, Q

from lessons.kernel.numbers import score_percent
from lessons.models import Completion, Lesson, QuizAttempt, ReadingPosition, visible_now
from lessons.progress.tracking import Bar


def orm_bars(user) -> dict:
    """The bars' rule: published lessons per category, and those done."""
    rows = Lesson.objects.published().values("category_id").order_by().annotate(total=Count("id"))
    if user.is_authenticated:
        done = Exists(Completion.objects.filter(user=user, lesson=OuterRef("pk")))
        rows = rows.annotate(done=Count("id", filter=Q(done)))
    return {row["category_id"]: Bar(row.get("done", 0), row["total"]) for row in rows}


def orm_marks(user) -> tuple[set[int], dict[int, float]]:
    """A lesson card's marks: the lessons done, and the best quiz score per lesson in
    percent, unrounded (absent before a first attempt)."""
    if not user.is_authenticated:
        return set(), {}
    done = set(Completion.objects.filter(user=user).values_list("lesson_id", flat=True))
    best = dict(
        QuizAttempt.objects.filter(user=user, max_score__gt=0)
        .values("quiz__lesson_id")
        .order_by()
        .annotate(best=Max(score_percent()))
        .values_list("quiz__lesson_id", "best")
    )
    return done, best


def orm_next_step(user):
    """ "Continue learning": the lesson last read and not done (with its section), else the
    first lesson not done in learning order; as (slug, section) or None."""
    done = set(Completion.objects.filter(user=user).values_list("lesson_id", flat=True))
    position = (
        ReadingPosition.objects.filter(visible_now("lesson__"), user=user)
        .exclude(lesson_id__in=done)
        .order_by("-updated_at", "-id")
        .first()
    )
    if position is not None:
        return position.lesson.slug, position.lesson.section_at(position.section_index)
    lesson = Lesson.objects.published().exclude(id__in=done).in_learning_order().first()
    return (lesson.slug, None) if lesson else None
