"""Rules of a learner's progress: completions, reading position, and what comes next.

Every function takes the learner as `user`; no request ever names another user's id.
"""

from datetime import date, timedelta

from django.db import connections
from django.db.models import (
    F,
    QuerySet,
)
from django.db.models.functions import Greatest
from django.utils import timezone

from lessons.models import (
    Completion,
    Lesson,
    ReadingPosition,
    visible_now,
)

# The bars, and the moments read by written-out statements, from the SQL room (lessons/sql/).
from lessons.sql.bars import Bar, Bars, category_bars  # noqa: F401 (used from here)
from lessons.sql.rules import from_db_datetime  # noqa: F401 (used from here)


def plain_rows(queryset: QuerySet) -> list[tuple]:
    """The rows of a values_list() of plain numbers, straight from the cursor, without
    Django's per-row handling (which costs more than the query for a thousand rows)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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


def visible_completions(user):
    """The learner's completions of lessons they may still read (not ones gone to draft)."""
    completions = Completion.objects.filter(user=user)
    if user.is_staff:
        return completions
    return completions.filter(visible_now("lesson__"))


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
