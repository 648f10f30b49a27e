"""Rules of a learner's progress: completions, reading position, and what comes next.

Every function takes the learner as `user`; no request ever names another user's id.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from lessons import numbers
from lessons.models import Category, Completion, Lesson, ReadingPosition


@dataclass(frozen=True)
class Bar:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return numbers.percent(self.done, self.total)


class Bars(dict[int, Bar]):
    """Bars by category id; a category without published lessons has an empty bar."""

    def __missing__(self, category_id: int) -> Bar:
        return Bar(0, 0)


def completed_lesson_ids(user) -> set[int]:
    """The ids of every lesson the learner has marked done, in one query."""
    if not user.is_authenticated:
        return set()
    return set(Completion.objects.filter(user=user).values_list("lesson_id", flat=True))


def record_completion(user, lesson: Lesson) -> None:
    """Mark the lesson done. The unique constraint absorbs double clicks, retries and
    parallel tabs: a second insert is ignored, never an error."""
    Completion.objects.bulk_create([Completion(user=user, lesson=lesson)], ignore_conflicts=True)


def undo_completion(user, lesson: Lesson) -> None:
    Completion.objects.filter(user=user, lesson=lesson).delete()


def category_bars(user) -> tuple[Bars, Bar]:
    """Published lessons done per category, and overall, in one aggregate query."""
    rows = Lesson.objects.published().values("category_id").order_by().annotate(total=Count("id"))
    if user.is_authenticated:
        done_by_user = Exists(Completion.objects.filter(user=user, lesson=OuterRef("pk")))
        rows = rows.annotate(done=Count("id", filter=Q(done_by_user)))
    bars = Bars((row["category_id"], Bar(row.get("done", 0), row["total"])) for row in rows)
    overall = Bar(sum(b.done for b in bars.values()), sum(b.total for b in bars.values()))
    return bars, overall


def record_reading_position(user, lesson: Lesson, section_index: int) -> None:
    """Remember the furthest section reached; it never moves backwards."""
    now = timezone.now()
    updated = ReadingPosition.objects.filter(user=user, lesson=lesson).update(
        section_index=Greatest(F("section_index"), section_index), updated_at=now
    )
    if not updated:
        ReadingPosition.objects.bulk_create(
            [ReadingPosition(user=user, lesson=lesson, section_index=section_index)],
            ignore_conflicts=True,
        )


@dataclass(frozen=True)
class NextStep:
    lesson: Lesson
    section: dict | None


def continue_learning(user) -> NextStep | None:
    """The lesson (and section) the learner was last in and has not finished, else the
    first lesson not done in learning order."""
    done_ids = Completion.objects.filter(user=user).values("lesson_id")
    position = (
        ReadingPosition.objects.filter(user=user, lesson__status=Lesson.Status.PUBLISHED)
        .exclude(lesson_id__in=done_ids)
        .select_related("lesson")
        .order_by("-updated_at")
        .first()
    )
    if position is not None:
        return NextStep(position.lesson, position.lesson.section_at(position.section_index))
    lesson = (
        Lesson.objects.published().exclude(id__in=done_ids).in_learning_order().only(
            "title", "slug", "toc"
        ).first()
    )  # fmt: skip
    return NextStep(lesson, None) if lesson else None


def visible_completions(user):
    """The learner's completions of lessons they may still read (not ones gone to draft)."""
    completions = Completion.objects.filter(user=user)
    if user.is_staff:
        return completions
    return completions.filter(lesson__status=Lesson.Status.PUBLISHED)


def completions_by_day(user, days: int = 30) -> list[tuple[date, int]]:
    """Lessons marked done per day over the last `days` days, oldest first."""
    today = timezone.localdate()
    start = today - timedelta(days=days - 1)
    counts: dict[date, int] = {}
    for completed_at in (
        visible_completions(user)
        .filter(completed_at__date__gte=start)
        .values_list("completed_at", flat=True)
    ):
        day = timezone.localtime(completed_at).date()
        counts[day] = counts.get(day, 0) + 1
    return [
        (start + timedelta(days=n), counts.get(start + timedelta(days=n), 0)) for n in range(days)
    ]


def categories_with_lessons(user, per_category: int) -> list[Category]:
    """Categories in order, each with its first `per_category` lessons in
    `.visible_lessons` (published, or all for staff) with the learner's state on each
    (`with_card_state`): one query for all categories."""
    lessons = (
        Lesson.objects.visible_to(user)
        .with_card_state(user)
        .order_by("position", "id")
        .only("title", "slug", "summary", "status", "reading_minutes", "category_id", "position")
    )
    return list(
        Category.objects.prefetch_related(
            Prefetch("lessons", queryset=lessons[:per_category], to_attr="visible_lessons")
        )
    )
