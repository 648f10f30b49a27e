"""What the lesson page shows around a lesson, in one statement: its neighbours, the
learner's state on it, and the progress bars.

The lesson page is the portal's busiest. Profiled, two thirds of its time went to the ORM
compiling four small queries (neighbours twice, the bars, the learner's state), not to
running them; this module sends the same four as one hand-written statement. The rules
stay those of the models: `Lesson.objects.visible_to` for neighbours (staff see drafts),
`visible_now` for what counts in the bars, `neighbours_of`'s order. Tests compare both.
"""

from dataclasses import dataclass

from lessons import statements
from lessons.models import Completion, Lesson, ReadingPosition
from lessons.progress import (
    BARS_SQL,
    VISIBLE_SQL,
    Bar,
    Bars,
    bars_from_rows,
    bars_params,
    visible_params,
)

LESSONS = Lesson._meta.db_table
COMPLETIONS = Completion._meta.db_table
POSITIONS = ReadingPosition._meta.db_table


NEIGHBOUR = f"""
SELECT l.title, l.slug FROM {LESSONS} l
WHERE l.category_id = %s AND {{visible}}
  AND (l.position {{op}} %s OR (l.position = %s AND l.id {{op}} %s))
ORDER BY l.position {{order}}, l.id {{order}} LIMIT 1"""  # noqa: S608 (no value inside)

# Columns: kind, title, slug, then three numbers whose meaning depends on the kind
# (typed in the first branches, which PostgreSQL's UNION resolves first).
NO_NUMBERS = "CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT)"
STATEMENT = f"""
SELECT 'previous', p.title, p.slug, {NO_NUMBERS} FROM ({{previous}}) p
UNION ALL
SELECT 'next', n.title, n.slug, {NO_NUMBERS} FROM ({{following}}) n
UNION ALL
SELECT 'bar', NULL, NULL, b.* FROM ({BARS_SQL}) b
UNION ALL
SELECT 'state', NULL, NULL,
  (SELECT COUNT(*) FROM {COMPLETIONS} WHERE user_id = %s AND lesson_id = %s),
  (SELECT section_index FROM {POSITIONS} WHERE user_id = %s AND lesson_id = %s),
  NULL"""  # noqa: S608 (table names from the models; every value is a parameter)


@dataclass(frozen=True)
class LessonPage:
    previous: dict | None
    next: dict | None
    is_done: bool
    reading_index: int
    bars: Bars
    overall: Bar


def _statement(staff: bool) -> str:
    visible = "1 = 1" if staff else VISIBLE_SQL
    return STATEMENT.format(
        previous=NEIGHBOUR.format(visible=visible, op="<", order="DESC"),
        following=NEIGHBOUR.format(visible=visible, op=">", order="ASC"),
    )


# Built once: only two statements exist (staff see drafts as neighbours).
STATEMENTS = {staff: _statement(staff) for staff in (False, True)}


def lesson_page(user, lesson: Lesson) -> LessonPage:
    """`lesson`'s neighbours as `user` may see them, whether `user` has done it and how
    far they have read, and the bars of published lessons done per category."""
    staff = user.is_staff
    user_id = user.pk if user.is_authenticated else None
    visibility = [] if staff else visible_params()
    neighbour = [lesson.category_id, *visibility, lesson.position, lesson.position, lesson.id]
    params = [
        *neighbour, *neighbour,  # previous, next
        *bars_params(user),
        user_id, lesson.id, user_id, lesson.id,  # state
    ]  # fmt: skip
    rows = statements.fetch_all(STATEMENTS[staff], params)
    found = {"previous": None, "next": None}
    bar_rows = []
    is_done, reading_index = False, 0
    for kind, title, slug, first, second, third in rows:
        if kind == "bar":
            bar_rows.append((first, second, third))
        elif kind == "state":
            is_done, reading_index = bool(first), second or 0
        else:
            found[kind] = {"title": title, "slug": slug}
    bars, overall = bars_from_rows(bar_rows)
    return LessonPage(found["previous"], found["next"], is_done, reading_index, bars, overall)
