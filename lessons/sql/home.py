"""The home page's one statement: the categories, the first lessons of each as cards with
the learner's marks, the progress bars, the next step and how many review questions are
due (and waiting); and one reader per kind of row.

The rules stay the models': VISIBLE (staff see drafts among the cards, never in the
bars), `Lesson.objects.in_learning_order`, the next step's (below), `review.due_count`,
`review.waiting_count` and the cards' marks. tests/lessons/catalog/test_home_page_state.py
compares each with the ORM's.
"""

import functools
import json
from dataclasses import dataclass, field

from django.db import connection

from lessons.kernel import statements
from lessons.models import Category, Lesson
from lessons.sql import bars, cards, rules
from lessons.sql.cards import LessonCard

# The first branch types every column of the union's row: kind, id, four numbers, a score,
# four texts, two moments. Rows: 'category', id, its place in order, name, slug,
# description.
CATEGORIES = """
SELECT 'category', k.id, ROW_NUMBER() OVER (ORDER BY k.position, k.name),
  CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
  CAST(NULL AS DOUBLE PRECISION), k.name, k.slug, k.description, CAST(NULL AS TEXT),
  CAST(NULL AS TIMESTAMP WITH TIME ZONE), CAST(NULL AS TIMESTAMP WITH TIME ZONE)
FROM lessons_category k"""

# The first lessons of each category in their order (rows: id, place), the first `first`
# of them (written into the statement: as a parameter, PostgreSQL would plan it again at
# every run to know how few). Only ids and places are ranked (from the index of lessons in
# category order), then the cards of those ranked high enough are read.
RANKED = """
    SELECT id, place FROM (
      SELECT l.id,
        ROW_NUMBER() OVER (PARTITION BY l.category_id ORDER BY l.position, l.id) AS place
      FROM lessons_lesson l WHERE {visible}
    ) ranks WHERE place <= {first}"""
# The same ranks on PostgreSQL, category by category: each category's scan of the index
# stops after its first lessons, where the partitioned window reads every lesson (0.21 ms
# to 0.07 ms for 1,000 lessons), and the planner knows how few rows come (see
# cards.ranked_cards). SQLite has no LATERAL.
RANKED_PER_CATEGORY = """
    SELECT l.id, l.place FROM lessons_category k CROSS JOIN LATERAL (
      SELECT l.id, ROW_NUMBER() OVER (ORDER BY l.position, l.id) AS place
      FROM lessons_lesson l WHERE l.category_id = k.id AND {visible}
      ORDER BY l.position, l.id LIMIT {first}
    ) l"""

# Rows: 'bar', category id, lessons, done.
BARS = f"""
SELECT 'bar', b.*, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM ({bars.BARS}) b"""  # noqa: S608 (a fixed statement)

# "Continue learning": the lesson last read and not done, else the first not done in
# learning order. COALESCE runs the second search only when the first finds nothing (a
# learner mid-lesson spares a look at every lesson). The reading position joined is that
# of the lesson last read (the first lesson not done has none, or it would be that one).
# Rows: 'next', lesson id, section read, 1 when not read, title, slug, table of contents.
NEXT_STEP = f"""
SELECT 'next', l.id, r.section_index, CASE WHEN r.id IS NULL THEN 1 ELSE 0 END, NULL, NULL,
  NULL, l.title, l.slug, CAST(l.toc AS TEXT), NULL, NULL, NULL
FROM lessons_lesson l
  LEFT JOIN lessons_readingposition r ON r.lesson_id = l.id AND r.user_id = %(user_id)s
WHERE l.id = COALESCE(
  (SELECT l.id
   FROM lessons_readingposition r JOIN lessons_lesson l ON l.id = r.lesson_id
   WHERE r.user_id = %(user_id)s AND {rules.VISIBLE} AND NOT {rules.done("l.id")}
   ORDER BY r.updated_at DESC, r.id DESC LIMIT 1),
  (SELECT l.id
   FROM lessons_lesson l JOIN lessons_category k ON k.id = l.category_id
   WHERE {rules.VISIBLE} AND NOT {rules.done("l.id")}
   ORDER BY k.position, k.name, l.position, l.id LIMIT 1)
)"""  # noqa: S608 (fixed rules; values are parameters)

# review.due_count's and review.waiting_count's rules: items not retired, of a lesson the
# learner may see; due by now, and all of them. Rows: 'due', how many due, how many in all.
REVIEW_DUE = f"""
SELECT 'due', NULL, COALESCE(SUM(CASE WHEN r.due_at <= %(now)s THEN 1 ELSE 0 END), 0),
  COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM lessons_reviewitem r
  JOIN lessons_question qn ON qn.id = r.question_id
  JOIN lessons_quiz z ON z.id = qn.quiz_id
  JOIN lessons_lesson l ON l.id = z.lesson_id
WHERE r.user_id = %(user_id)s AND r.retired_at IS NULL
  AND {rules.VISIBLE}"""  # noqa: S608 (a fixed rule; values are parameters)


@functools.cache
def statement(vendor: str, staff: bool, signed_in: bool, first: int) -> str:
    """The statement for a visitor, a learner or a member of staff, built once each."""
    ranked = RANKED_PER_CATEGORY if vendor == "postgresql" else RANKED
    ranked = ranked.format(visible=rules.EVERYTHING if staff else rules.VISIBLE, first=int(first))
    branches = [CATEGORIES, cards.cards_of(ranked, vendor), BARS]
    if signed_in:
        branches += [NEXT_STEP, REVIEW_DUE]
    return "\nUNION ALL\n".join(branches)


@dataclass
class Found:
    categories: list[tuple[int, Category]] = field(default_factory=list)  # (place, category)
    cards: dict[int, list[tuple[int, LessonCard]]] = field(default_factory=dict)
    bar_rows: list[tuple] = field(default_factory=list)
    next_lesson: Lesson | None = None
    next_section: int | None = None  # the section read in the next lesson; None: not read
    review_due: int = 0
    review_waiting: int = 0  # in the queue, due or not


def _category(row, found: Found) -> None:
    _kind, pk, place, _b, _c, _d, _score, name, slug, description = row[:10]
    found.categories.append((place, Category(id=pk, name=name, slug=slug, description=description)))


def _lesson(row, found: Found) -> None:
    category_id, place, card = cards.read_card(row)
    found.cards.setdefault(category_id, []).append((place, card))


def _bar(row, found: Found) -> None:
    found.bar_rows.append(row[1:4])


def _next(row, found: Found) -> None:
    _kind, pk, section, not_read, _c, _d, _score, title, slug, toc = row[:10]
    found.next_lesson = Lesson(id=pk, title=title, slug=slug, toc=json.loads(toc))
    found.next_section = None if not_read else section


def _due(row, found: Found) -> None:
    found.review_due, found.review_waiting = row[2], row[3]


READERS = {"category": _category, "lesson": _lesson, "bar": _bar, "next": _next, "due": _due}


def fetch(user, per_category: int) -> Found:
    """What the home page shows `user`, its first `per_category` lessons of each category."""
    sql = statement(connection.vendor, user.is_staff, user.is_authenticated, per_category)
    found = Found()
    for row in statements.fetch_all(sql, rules.params(user)):
        READERS[row[0]](row, found)
    return found
