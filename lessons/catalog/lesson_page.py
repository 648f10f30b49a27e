"""What the lesson page reads, in two statements: the lesson (with its category and quiz),
then around it its neighbours, the learner's state on it, and the progress bars.

The lesson page is the portal's busiest. Profiled, two thirds of its time went to the ORM
compiling its queries (the lesson, neighbours twice, the bars, the learner's state), not
to running them; this module sends them written out. The rules stay those of the models:
`access.get_visible_lesson` for the lesson, `Lesson.objects.visible_to` for neighbours
(staff see drafts), `visible_now` for what counts in the bars, `neighbours_of`'s order.
Tests compare both.
"""

import json
from dataclasses import dataclass

from django.db import connection
from django.db.models import DateTimeField
from django.http import Http404

from lessons.kernel import statements
from lessons.models import Category, Completion, Lesson, Quiz, ReadingPosition
from lessons.progress.tracking import (
    BARS_SQL,
    VISIBLE_SQL,
    Bar,
    Bars,
    bars_from_rows,
    bars_params,
    from_db_datetime,
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


# The lesson with its category and quiz, as access.get_visible_lesson loads them, without
# the two columns the page never reads (the Markdown source and the search document).
LESSON_FIELDS = tuple(
    f.attname for f in Lesson._meta.concrete_fields if f.attname not in {"body", "search_document"}
)
CATEGORY_FIELDS = tuple(f.attname for f in Category._meta.concrete_fields)
QUIZ_FIELDS = tuple(f.attname for f in Quiz._meta.concrete_fields)
_COLUMNS = ", ".join(
    [*(f"l.{name}" for name in LESSON_FIELDS if name != "toc"), "CAST(l.toc AS TEXT)"]
    + [f"k.{name}" for name in CATEGORY_FIELDS]
    + [f"q.{name}" for name in QUIZ_FIELDS]
)
LESSON = f"""
SELECT {_COLUMNS}
FROM {LESSONS} l JOIN {Category._meta.db_table} k ON k.id = l.category_id
  LEFT JOIN {Quiz._meta.db_table} q ON q.lesson_id = l.id
WHERE l.slug = %s AND {{visible}}"""  # noqa: S608 (table and column names; values are parameters)
LESSON_STATEMENTS = {staff: LESSON.format(visible="1 = 1" if staff else VISIBLE_SQL)
                     for staff in (False, True)}  # fmt: skip
# The date-time columns of the three models, read from them (SQLite answers them as text).
_MOMENTS = {
    field.attname
    for model in (Lesson, Category, Quiz)
    for field in model._meta.concrete_fields
    if isinstance(field, DateTimeField)
}


def visible_lesson(user, slug: str) -> Lesson:
    """The lesson at `slug` with its category and quiz (access.get_visible_lesson's rule:
    drafts and lessons not yet visible only for staff), or 404."""
    staff = user.is_staff
    params = [slug, *([] if staff else visible_params())]
    rows = statements.fetch_all(LESSON_STATEMENTS[staff], params)
    if not rows:
        raise Http404("No such lesson")
    values = iter(rows[0])
    read = {name: next(values) for name in LESSON_FIELDS if name != "toc"}
    read["toc"] = json.loads(next(values))
    category = {name: next(values) for name in CATEGORY_FIELDS}
    quiz = {name: next(values) for name in QUIZ_FIELDS}
    lesson = _model(Lesson, LESSON_FIELDS, read)
    lesson.category = _model(Category, CATEGORY_FIELDS, category)
    if quiz["id"] is None:
        Lesson.quiz.related.set_cached_value(lesson, None)  # no quiz: known, not queried
    else:
        quiz["marks_done"] = bool(quiz["marks_done"])  # SQLite answers 0 or 1
        lesson.quiz = _model(Quiz, QUIZ_FIELDS, quiz)
    return lesson


def _model(model, fields: tuple, values: dict):
    """An instance as the ORM would read it (moments from SQLite's text included)."""
    for name in fields:
        if name in _MOMENTS:
            values[name] = from_db_datetime(values[name])
    return model.from_db(connection.alias, fields, [values[name] for name in fields])
