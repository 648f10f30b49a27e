"""Rules of a learner's progress: completions, reading position, and what comes next.

Every function takes the learner as `user`; no request ever names another user's id.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import connection, connections
from django.db.models import (
    F,
    QuerySet,
)
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from lessons.kernel import numbers, statements
from lessons.models import (
    Completion,
    Lesson,
    ReadingPosition,
    visible_now,
)


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


# lessons.models.visible_now's rule for written-out SQL (on a lesson aliased `l`), with its
# parameters from visible_params(). The ORM's building and compiling of queries cost more
# than running them on the busiest pages, so those pages' queries are written out here.
VISIBLE_SQL = "l.status = %s AND (l.visible_from IS NULL OR l.visible_from <= %s)"


def from_db_datetime(value) -> datetime | None:
    """A moment read by a written-out query: PostgreSQL answers an aware datetime, SQLite
    a naive one or text (through a union), in UTC."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def visible_params() -> list:
    return [Lesson.Status.PUBLISHED.value, connection.ops.adapt_datetimefield_value(timezone.now())]


# Published lessons per category, and how many of them the learner has done (a visitor's
# id is NULL, which matches no completion); lessons/catalog/lesson_page.py sends it within its own
# statement.
BARS_SQL = f"""
SELECT l.category_id, COUNT(*), COUNT(*) FILTER (WHERE l.id IN (
  SELECT c.lesson_id FROM {Completion._meta.db_table} c WHERE c.user_id = %s
))
FROM {Lesson._meta.db_table} l
WHERE {VISIBLE_SQL}
GROUP BY l.category_id"""  # noqa: S608 (table names from the models; values are parameters)


def bars_params(user) -> list:
    return [user.pk if user.is_authenticated else None, *visible_params()]


def bars_from_rows(rows) -> tuple[Bars, Bar]:
    """Bars from BARS_SQL's rows (category id, total, done), and the overall bar."""
    bars = Bars((category_id, Bar(done, total)) for category_id, total, done in rows)
    overall = Bar(sum(b.done for b in bars.values()), sum(b.total for b in bars.values()))
    return bars, overall


def category_bars(user) -> tuple[Bars, Bar]:
    """Published lessons done per category, and overall, in one aggregate query."""
    return bars_from_rows(statements.fetch_all(BARS_SQL, bars_params(user)))


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
