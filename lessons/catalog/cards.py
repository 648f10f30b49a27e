"""Lesson cards as the written-out statements of the home and category pages read them
(home_page.py, category_page.py beside this module): the columns a card shows, the
learner's marks on it (done, and best quiz score in percent, unrounded), and the card
built from a row.

Those statements are unions whose branches share one row shape: kind, id, four numbers,
a score, four texts and two moments, whose meaning depends on the kind (typed in the
first branch, as PostgreSQL's UNION resolves them from there).
"""

from django.db import connection

from lessons.models import Completion, Lesson, Quiz, QuizAttempt
from lessons.progress.tracking import from_db_datetime

INT, FLOAT, TEXT = "CAST(NULL AS BIGINT)", "CAST(NULL AS DOUBLE PRECISION)", "CAST(NULL AS TEXT)"
MOMENT = "CAST(NULL AS TIMESTAMP WITH TIME ZONE)"

# What a lesson card shows, in the model's field order (as Model.from_db takes them).
CARD_FIELDS = tuple(
    field.attname
    for field in Lesson._meta.concrete_fields
    if field.attname in {"id", "category_id", "title", "slug", "summary", "status",
                         "visible_from", "reading_minutes", "updated_at"}
)  # fmt: skip

# The columns to select from lessons aliased `l` (only the cards': sorting whole rows,
# with their bodies, made the home page's window twice as slow).
SOURCE_COLUMNS = ", ".join(f"l.{name}" for name in CARD_FIELDS)

# The cards of the lessons ranked in `ranked` (id, place), read by id, each on its own.
# PostgreSQL cannot tell how few ranks pass the page's filter: joined on the id, it hashed
# the whole lessons table, wide rows and all; joined on a one-id range, it looked each up
# by its primary key but guessed a hundred rows a lesson, so that with 5,000 lessons the
# statement's cost passed the JIT's threshold and compiling it took 75 ms of a home
# page's 100. A LATERAL look-up of one row is looked up by key and guessed right. SQLite
# has no LATERAL and looks rows up by key on its own.
if connection.vendor == "postgresql":
    RANKED_CARDS = f"""
  SELECT l.*, ranked.place
  FROM ({{ranked}}) ranked CROSS JOIN LATERAL (
    SELECT {{columns}} FROM {Lesson._meta.db_table} l WHERE l.id = ranked.id LIMIT 1
  ) l"""  # noqa: S608
else:
    RANKED_CARDS = f"""
  SELECT {{columns}}, ranked.place
  FROM ({{ranked}}) ranked JOIN {Lesson._meta.db_table} l ON l.id = ranked.id"""  # noqa: S608

# A card row from `f` (SOURCE_COLUMNS and its `place` in order) joined with MARKS.
CARD_ROW = """
SELECT 'lesson', f.id, f.category_id, f.place, f.reading_minutes,
  CASE WHEN d.lesson_id IS NULL THEN 0 ELSE 1 END, s.best,
  f.title, f.slug, f.summary, f.status, f.visible_from, f.updated_at"""

# The learner's marks on the lessons of `f`; parameters: the learner's id twice (a
# visitor's NULL matches no completion and no attempt).
MARKS = f"""
LEFT JOIN {Completion._meta.db_table} d ON d.user_id = %s AND d.lesson_id = f.id
LEFT JOIN (
  SELECT q.lesson_id, MAX(CAST(a.score AS DOUBLE PRECISION) * 100.0 / a.max_score) AS best
  FROM {QuizAttempt._meta.db_table} a JOIN {Quiz._meta.db_table} q ON q.id = a.quiz_id
  WHERE a.user_id = %s AND a.max_score > 0
  GROUP BY q.lesson_id
) s ON s.lesson_id = f.id"""  # noqa: S608 (table names; values are parameters)


class LessonCard:
    """A lesson as its card shows it: the CARD_FIELDS, the learner's marks (`is_done`,
    `best_score`) and the lesson's own rules for its address and visibility. Lighter to
    build than a Lesson (a page builds up to fifty): 0.4 µs a card against 10."""

    __slots__ = (*CARD_FIELDS, "is_done", "best_score")
    Status = Lesson.Status
    get_absolute_url = Lesson.get_absolute_url
    is_published = Lesson.is_published
    is_scheduled = Lesson.is_scheduled

    @property
    def pk(self) -> int:
        return self.id


def card(row: tuple) -> LessonCard:
    """The lesson card of a CARD_ROW row."""
    found = LessonCard()
    _kind, found.id, found.category_id, _place, found.reading_minutes, done = row[:6]
    found.best_score, found.title, found.slug, found.summary, found.status = row[6:11]
    found.visible_from = from_db_datetime(row[11])
    found.updated_at = from_db_datetime(row[12])
    found.is_done = bool(done)
    return found
