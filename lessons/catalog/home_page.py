"""What the home page shows, in one statement: the categories, the first lessons of each
with the learner's marks on them (done, best quiz score), the progress bars, the next
step and how many review questions are due.

Profiled, the home page spent most of its time having the ORM build six small queries,
not running them (as the lesson page did, see lessons/catalog/lesson_page.py); they are sent here
as one hand-written statement. The rules stay the models': `visible_now` (staff see
drafts among the cards, never in the bars), `Lesson.objects.in_learning_order`,
the next step's (below), `review.due_count` and the cards' marks. Tests compare both
(tests/page_rules.py).
"""

import functools
import json
import operator
from dataclasses import dataclass

from django.db import connection

from lessons.catalog.cards import (
    CARD_ROW,
    FLOAT,
    INT,
    MARKS,
    MOMENT,
    RANKED_CARDS,
    SOURCE_COLUMNS,
    TEXT,
    LessonCard,
    card,
)
from lessons.kernel import statements
from lessons.models import (
    Category,
    Completion,
    Lesson,
    Question,
    Quiz,
    ReadingPosition,
    ReviewItem,
)
from lessons.progress.tracking import (
    BARS_SQL,
    VISIBLE_SQL,
    Bar,
    bars_from_rows,
    bars_params,
    visible_params,
)

CATEGORIES = f"""
SELECT 'category', k.id, ROW_NUMBER() OVER (ORDER BY k.position, k.name), {INT}, {INT}, {INT},
  {FLOAT}, k.name, k.slug, k.description, {TEXT}, {MOMENT}, {MOMENT}
FROM {Category._meta.db_table} k"""  # noqa: S608 (a table name)

# The first lessons of each category in their order (`first` of them, written into the
# statement: as a parameter, PostgreSQL would plan the statement again at every run to
# know how few), with the learner's marks: only ids and places are ranked (from the index
# of lessons in category order), then the cards of those ranked high enough are read.
RANKED = f"""
    SELECT id, place FROM (
      SELECT l.id,
        ROW_NUMBER() OVER (PARTITION BY l.category_id ORDER BY l.position, l.id) AS place
      FROM {Lesson._meta.db_table} l WHERE {{visible}}
    ) ranks WHERE place <= {{first}}"""  # noqa: S608 (a table name, a fixed rule)
# The same ranks on PostgreSQL, category by category: each category's scan of the index
# stops after its first lessons, where the partitioned window reads every lesson (0.21 ms
# to 0.07 ms for 1,000 lessons), and the planner knows how few rows come (see
# lesson_cards.RANKED_CARDS). SQLite has no LATERAL.
RANKED_PER_CATEGORY = f"""
    SELECT l.id, l.place FROM {Category._meta.db_table} k CROSS JOIN LATERAL (
      SELECT l.id, ROW_NUMBER() OVER (ORDER BY l.position, l.id) AS place
      FROM {Lesson._meta.db_table} l WHERE l.category_id = k.id AND {{visible}}
      ORDER BY l.position, l.id LIMIT {{first}}
    ) l"""  # noqa: S608 (table names, a fixed rule)
LESSONS = f"""{CARD_ROW}
FROM ({RANKED_CARDS.format(columns=SOURCE_COLUMNS, ranked="{ranked}")}) f{MARKS}"""

BARS = f"""
SELECT 'bar', b.*, {INT}, {INT}, {FLOAT}, {TEXT}, {TEXT}, {TEXT}, {TEXT}, {MOMENT}, {MOMENT}
FROM ({BARS_SQL}) b"""  # noqa: S608 (no value inside)

NOT_DONE = f"""NOT EXISTS (
    SELECT 1 FROM {Completion._meta.db_table} c WHERE c.user_id = %s AND c.lesson_id = l.id
  )"""  # noqa: S608 (a table name; values are parameters)
# "Continue learning": the lesson last read and not done, else the first not done in
# learning order. COALESCE runs the second search only when the first finds nothing (a
# learner mid-lesson spares a look at every lesson). The reading position joined is that
# of the lesson last read (the first lesson not done has none, or it would be that one).
NEXT_STEP = f"""
SELECT 'next', l.id, r.section_index, CASE WHEN r.id IS NULL THEN 1 ELSE 0 END, {INT}, {INT},
  {FLOAT}, l.title, l.slug, CAST(l.toc AS TEXT), {TEXT}, {MOMENT}, {MOMENT}
FROM {Lesson._meta.db_table} l
  LEFT JOIN {ReadingPosition._meta.db_table} r ON r.lesson_id = l.id AND r.user_id = %s
WHERE l.id = COALESCE(
  (SELECT l.id
   FROM {ReadingPosition._meta.db_table} r JOIN {Lesson._meta.db_table} l ON l.id = r.lesson_id
   WHERE r.user_id = %s AND {VISIBLE_SQL} AND {NOT_DONE}
   ORDER BY r.updated_at DESC, r.id DESC LIMIT 1),
  (SELECT l.id
   FROM {Lesson._meta.db_table} l JOIN {Category._meta.db_table} k ON k.id = l.category_id
   WHERE {VISIBLE_SQL} AND {NOT_DONE}
   ORDER BY k.position, k.name, l.position, l.id LIMIT 1)
)"""  # noqa: S608 (table names from the models; values are parameters)

# review.due_count's rule: items not retired, due by now, of a published lesson.
REVIEW_DUE = f"""
SELECT 'due', {INT}, COUNT(*), {INT}, {INT}, {INT}, {FLOAT},
  {TEXT}, {TEXT}, {TEXT}, {TEXT}, {MOMENT}, {MOMENT}
FROM {ReviewItem._meta.db_table} r
  JOIN {Question._meta.db_table} qn ON qn.id = r.question_id
  JOIN {Quiz._meta.db_table} z ON z.id = qn.quiz_id
  JOIN {Lesson._meta.db_table} l ON l.id = z.lesson_id
WHERE r.user_id = %s AND r.retired_at IS NULL AND r.due_at <= %s
  AND {VISIBLE_SQL}"""  # noqa: S608 (table names and a fixed rule; values are parameters)


@functools.cache
def _statement(staff: bool, signed_in: bool, first: int) -> str:
    """The statement for a visitor, a learner or a member of staff, built once each."""
    ranked = RANKED_PER_CATEGORY if connection.vendor == "postgresql" else RANKED
    visible = "1 = 1" if staff else VISIBLE_SQL
    ranked = ranked.format(visible=visible, first=int(first))
    branches = [CATEGORIES, LESSONS.format(ranked=ranked), BARS]
    if signed_in:
        branches += [NEXT_STEP, REVIEW_DUE]
    return "\nUNION ALL\n".join(branches)


@dataclass(frozen=True)
class NextStep:
    lesson: Lesson
    section: dict | None  # the section to resume at, when it is past the first


@dataclass(frozen=True)
class HomePage:
    categories: list[Category]  # those with lessons to show, each with .visible_lessons, .bar
    overall: Bar
    next_step: NextStep | None
    review_due: int


def home_page(user, per_category: int) -> HomePage:
    """The home page for `user`: the first `per_category` lessons of every category (as
    lesson cards, with `is_done` and `best_score`), and the rest, in one query."""
    signed_in = user.is_authenticated
    staff = user.is_staff
    user_id = user.pk if signed_in else None
    visible = visible_params()
    params = [*([] if staff else visible), user_id, user_id, *bars_params(user)]
    if signed_in:
        params += [user_id, user_id, *visible, user_id, *visible, user_id]  # NEXT_STEP
        params += [user_id, visible[1], *visible]  # REVIEW_DUE
    rows = statements.fetch_all(_statement(staff, signed_in, per_category), params)

    categories: list[tuple[int, Category]] = []
    cards: dict[int, list[tuple[int, LessonCard]]] = {}
    bar_rows, next_step, review_due = [], None, 0
    for row in rows:
        kind, pk, a, b, _c, _d, _score, t1, t2, t3 = row[:10]
        if kind == "lesson":
            cards.setdefault(a, []).append((b, card(row)))
        elif kind == "category":
            category = Category(id=pk, name=t1, slug=t2, description=t3)
            categories.append((a, category))
        elif kind == "bar":
            bar_rows.append((pk, a, b))
        elif kind == "next":
            lesson = Lesson(id=pk, title=t1, slug=t2, toc=json.loads(t3))
            next_step = NextStep(lesson, lesson.section_at(a) if b == 0 else None)
        else:
            review_due = a
    bars, overall = bars_from_rows(bar_rows)
    first = operator.itemgetter(0)
    shown = []
    for _order, category in sorted(categories, key=first):
        lessons = cards.get(category.id)
        if lessons:
            category.visible_lessons = [lesson for _place, lesson in sorted(lessons, key=first)]
            category.bar = bars[category.id]
            shown.append(category)
    return HomePage(shown, overall, next_step, review_due)
