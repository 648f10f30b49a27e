"""Each rule of the written-out statements, once in SQL, with the parameters it takes.

The ORM's version of each: `lessons.models.visible_now` (VISIBLE), a `Completion` row
(`done`), `lessons.kernel.numbers.passes` (PASSES), `lessons.kernel.numbers.percent`
(`percent`).
"""

from datetime import UTC, datetime

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from lessons.models import Lesson

# A lesson (aliased `l`) a learner may see now: published, and visible from a moment past.
# Staff see every lesson where a page shows drafts: such statements put EVERYTHING instead.
VISIBLE = "l.status = %(published)s AND (l.visible_from IS NULL OR l.visible_from <= %(now)s)"
EVERYTHING = "1 = 1"


def done(lesson_id: str) -> str:
    """The lesson whose id is the column `lesson_id` is done by the learner (a visitor's
    NULL id matches no completion)."""
    completions = "SELECT d.lesson_id FROM lessons_completion d WHERE d.user_id = %(user_id)s"
    return f"{lesson_id} IN ({completions})"


def passes(best: str, mark: str) -> str:
    """A best score in percent (`best`, unrounded), rounded half up, at or above the pass
    mark (`mark`)."""
    return f"FLOOR({best} + 0.5) >= {mark}"


def percent(part: str, whole: str) -> str:
    """`part` of `whole` (whole numbers, neither negative) in percent, rounded half up; 0
    when there is no whole: `lessons.kernel.numbers.percent`. In whole numbers only,
    floor((200 part + whole) / (2 whole)) is floor(100 part / whole + 0.5) and costs no
    decimal arithmetic, on either database."""
    return f"CASE WHEN {whole} = 0 THEN 0 ELSE ({part} * 200 + {whole}) / ({whole} * 2) END"


def params(user, **more) -> dict:
    """The parameters of the rules for `user`, and `more` of a statement's own."""
    return {
        "published": Lesson.Status.PUBLISHED.value,
        "now": connection.ops.adapt_datetimefield_value(timezone.now()),
        "user_id": user.pk if user.is_authenticated else None,
        **more,
    }


def from_db_datetime(value) -> datetime | None:
    """A moment read by a written-out statement: PostgreSQL answers an aware datetime,
    SQLite a naive one or text (through a union), in UTC."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value
