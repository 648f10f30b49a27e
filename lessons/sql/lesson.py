"""The lesson page's two statements: the lesson (with its category and quiz), then around
it its neighbours, the learner's state on it and the progress bars; and their readers.

The rules stay the models': `access.get_visible_lesson` for the lesson,
`Lesson.objects.visible_to` for neighbours (staff see drafts), VISIBLE for what counts in
the bars, `neighbours_of`'s order. tests/lessons/catalog/test_lesson_page_state.py compares
each with the ORM's.
"""

import functools
import json
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import DateTimeField
from django.utils import timezone

from lessons.kernel import statements
from lessons.models import Category, Lesson, Quiz
from lessons.models.exams import GRACE
from lessons.sql import bars, rules
from lessons.sql.rules import from_db_datetime

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
SELECT {_COLUMNS}{{held}}
FROM lessons_lesson l JOIN lessons_category k ON k.id = l.category_id
  LEFT JOIN lessons_quiz q ON q.lesson_id = l.id
WHERE l.slug = %(slug)s AND {{visible}}"""  # noqa: S608 (column names; values are parameters)
# Whether the learner's open mock exam holds a question of the lesson's quiz (the quiz
# pages ask): lessons.models.exams.held_questions' rule.
HELD = """,
  CASE WHEN EXISTS (SELECT 1 FROM lessons_sittingquestion s
    JOIN lessons_mocksitting m ON m.id = s.sitting_id
    JOIN lessons_question hq ON hq.id = s.question_id
    WHERE hq.quiz_id = q.id AND m.user_id = %(user_id)s AND m.finished_at IS NULL
      AND m.deadline >= %(held_from)s) THEN 1 ELSE 0 END"""
LESSON_STATEMENTS = {
    (staff, with_held): LESSON.format(
        visible=rules.EVERYTHING if staff else rules.VISIBLE, held=HELD if with_held else ""
    )
    for staff in (False, True)
    for with_held in (False, True)
}

# The date-time columns of the three models (SQLite answers them as text).
_MOMENTS = {
    field.attname
    for model in (Lesson, Category, Quiz)
    for field in model._meta.concrete_fields
    if isinstance(field, DateTimeField)
}


def fetch_lesson(user, slug: str, *, with_held: bool = False):
    """The lesson at `slug` with its category and quiz, if `user` may see it; else None.
    `with_held`: also whether the learner's open mock exam holds a question of its quiz
    (`held`), as access.get_visible_lesson's `with_held` has it."""
    params = rules.params(user, slug=slug)
    if with_held:
        params["held_from"] = connection.ops.adapt_datetimefield_value(timezone.now() - GRACE)
    rows = statements.fetch_all(LESSON_STATEMENTS[user.is_staff, with_held], params)
    if not rows:
        return None
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
    if with_held:
        lesson.held = bool(next(values))
    return lesson


def _model(model, fields: tuple, values: dict):
    """An instance as the ORM would read it (moments from SQLite's text included)."""
    for name in fields:
        if name in _MOMENTS:
            values[name] = from_db_datetime(values[name])
    return model.from_db(connection.alias, fields, [values[name] for name in fields])


# The lesson's neighbour before (`op` <) or after (>) it in its category, as the learner
# may see them (staff: drafts too).
NEIGHBOUR = """
SELECT l.title, l.slug FROM lessons_lesson l
WHERE l.category_id = %(category_id)s AND {visible}
  AND (l.position {op} %(position)s OR (l.position = %(position)s AND l.id {op} %(lesson_id)s))
ORDER BY l.position {order}, l.id {order} LIMIT 1"""

# Columns: kind, title, slug, then three numbers (typed in the first branch). Rows:
# 'previous' and 'next', title, slug; 'bar', category id, lessons, done; 'state', done
# (1 or 0), the section read (or NULL).
AROUND = f"""
SELECT 'previous', p.title, p.slug, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
  CAST(NULL AS BIGINT) FROM ({{previous}}) p
UNION ALL
SELECT 'next', n.title, n.slug, NULL, NULL, NULL FROM ({{following}}) n
UNION ALL
SELECT 'bar', NULL, NULL, b.* FROM ({bars.BARS}) b
UNION ALL
SELECT 'state', NULL, NULL, CASE WHEN {rules.done("%(lesson_id)s")} THEN 1 ELSE 0 END,
  (SELECT section_index FROM lessons_readingposition
   WHERE user_id = %(user_id)s AND lesson_id = %(lesson_id)s),
  NULL"""  # noqa: S608 (fixed rules; values are parameters)


@functools.cache
def around_statement(staff: bool) -> str:
    visible = rules.EVERYTHING if staff else rules.VISIBLE
    return AROUND.format(
        previous=NEIGHBOUR.format(visible=visible, op="<", order="DESC"),
        following=NEIGHBOUR.format(visible=visible, op=">", order="ASC"),
    )


@dataclass
class Around:
    neighbours: dict = field(default_factory=lambda: {"previous": None, "next": None})
    bar_rows: list[tuple] = field(default_factory=list)
    is_done: bool = False
    reading_index: int = 0


def _neighbour(row, found: Around) -> None:
    kind, title, slug = row[:3]
    found.neighbours[kind] = {"title": title, "slug": slug}


def _bar(row, found: Around) -> None:
    found.bar_rows.append(row[3:])


def _state(row, found: Around) -> None:
    found.is_done, found.reading_index = bool(row[3]), row[4] or 0


READERS = {"previous": _neighbour, "next": _neighbour, "bar": _bar, "state": _state}


def fetch_around(user, lesson: Lesson) -> Around:
    """`lesson`'s neighbours as `user` may see them, their state on it, the bars' rows."""
    params = rules.params(
        user, category_id=lesson.category_id, position=lesson.position, lesson_id=lesson.id
    )
    found = Around()
    for row in statements.fetch_all(around_statement(user.is_staff), params):
        READERS[row[0]](row, found)
    return found
