"""Lesson cards as the home and category pages' statements read them: the columns a card
shows, the learner's marks on it (done, and best quiz score in percent, unrounded), and
the card built from its row."""

from lessons.models import Lesson
from lessons.sql import rules
from lessons.sql.rules import from_db_datetime

# What a lesson card shows (LessonCard's fields, in this order in the statements).
CARD_FIELDS = ("id", "category_id", "title", "slug", "summary", "status", "visible_from",
               "reading_minutes", "updated_at")  # fmt: skip
_COLUMNS = ", ".join(f"l.{name}" for name in CARD_FIELDS)


def ranked_cards(ranked: str, vendor: str) -> str:
    """The cards of the lessons ranked by the statement `ranked` (rows: id, place), each
    read by its id, with its place.

    PostgreSQL cannot tell how few ranks pass a page's filter: joined on the id, it hashed
    the whole lessons table, wide rows and all; joined on a one-id range, it looked each
    up by its primary key but guessed a hundred rows a lesson, so that with 5,000 lessons
    the statement's cost passed the JIT's threshold and compiling it took 75 ms of a home
    page's 100. A LATERAL look-up of one row is looked up by key and guessed right. SQLite
    has no LATERAL and looks rows up by key on its own."""
    if vendor == "postgresql":
        return f"""
  SELECT l.*, ranked.place
  FROM ({ranked}) ranked CROSS JOIN LATERAL (
    SELECT {_COLUMNS} FROM lessons_lesson l WHERE l.id = ranked.id LIMIT 1
  ) l"""  # noqa: S608 (column names)
    return f"""
  SELECT {_COLUMNS}, ranked.place
  FROM ({ranked}) ranked JOIN lessons_lesson l ON l.id = ranked.id"""  # noqa: S608


# A card's row, from `f` (ranked_cards' rows): 'lesson', id, category id, place, reading
# minutes, done (1 or 0), best score, title, slug, summary, status, visible from, updated
# at. Parameters: the rules' user_id.
CARD_ROW = f"""
SELECT 'lesson', f.id, f.category_id, f.place, f.reading_minutes,
  CASE WHEN {rules.done("f.id")} THEN 1 ELSE 0 END, s.best,
  f.title, f.slug, f.summary, f.status, f.visible_from, f.updated_at"""

# The learner's best score per lesson (joined to `f` as `s`).
BEST_SCORES = """
LEFT JOIN (
  SELECT q.lesson_id, MAX(CAST(a.score AS DOUBLE PRECISION) * 100.0 / a.max_score) AS best
  FROM lessons_quizattempt a JOIN lessons_quiz q ON q.id = a.quiz_id
  WHERE a.user_id = %(user_id)s AND a.max_score > 0
  GROUP BY q.lesson_id
) s ON s.lesson_id = f.id"""


def cards_of(ranked: str, vendor: str) -> str:
    """The card rows of the lessons ranked by `ranked` (rows: id, place), on `vendor`'s
    database."""
    return f"{CARD_ROW}\nFROM ({ranked_cards(ranked, vendor)}) f{BEST_SCORES}"


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


def read_card(row: tuple) -> tuple[int, int, LessonCard]:
    """A CARD_ROW row: the card's category id, its place, and the card."""
    found = LessonCard()
    _kind, found.id, found.category_id, place, found.reading_minutes, done = row[:6]
    found.best_score, found.title, found.slug, found.summary, found.status = row[6:11]
    found.visible_from = from_db_datetime(row[11])
    found.updated_at = from_db_datetime(row[12])
    found.is_done = bool(done)
    return found.category_id, place, found
