"""The category page's one statement: the category (with its parent, for the
breadcrumb), its subcategories, a page of its lessons as cards with the learner's marks,
how many lessons it has, and the learner's bar for it; and one reader per kind of row.

The rules stay the models': `Lesson.objects.visible_to` for the lessons listed (staff see
drafts), VISIBLE for the bar (as bars.BARS), the lessons' order by position, and the
cards' marks. tests/lessons/catalog/test_category_page_state.py compares each with the ORM's.
"""

import functools
from dataclasses import dataclass, field

from django.db import connection

from lessons.kernel import statements
from lessons.models import Category
from lessons.sql import cards, rules
from lessons.sql.bars import Bar
from lessons.sql.cards import LessonCard

# The category's lessons ranked by id (from the index of lessons in category order), up to
# the page's last place, so that the planner knows how few rows come. Rows: id, place.
RANKED = """
    SELECT l.id, ROW_NUMBER() OVER (ORDER BY l.position, l.id) AS place
    FROM lessons_lesson l JOIN k ON l.category_id = k.id WHERE {visible}
    ORDER BY l.position, l.id LIMIT %(last)s"""

# The first branch types every column of the union's row: kind, id, four numbers, a score,
# four texts, two moments. Rows of 'category', 'parent' and 'child': id, parent id (of
# the category) or place (of a child), name, slug, description.
CATEGORY = """
WITH k AS (SELECT id FROM lessons_category WHERE slug = %(slug)s)
SELECT 'category', c.id, c.parent_id, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
  CAST(NULL AS BIGINT), CAST(NULL AS DOUBLE PRECISION), c.name, c.slug, c.description,
  CAST(NULL AS TEXT), CAST(NULL AS TIMESTAMP WITH TIME ZONE),
  CAST(NULL AS TIMESTAMP WITH TIME ZONE)
FROM lessons_category c JOIN k ON c.id = k.id
UNION ALL
SELECT 'parent', p.id, NULL, NULL, NULL, NULL, NULL, p.name, p.slug, p.description,
  NULL, NULL, NULL
FROM lessons_category c JOIN k ON c.id = k.id JOIN lessons_category p ON p.id = c.parent_id
UNION ALL
SELECT 'child', ch.id, ROW_NUMBER() OVER (ORDER BY ch.position, ch.name), NULL, NULL, NULL,
  NULL, ch.name, ch.slug, ch.description, NULL, NULL, NULL
FROM lessons_category ch JOIN k ON ch.parent_id = k.id"""

# Rows: 'count', lessons listed. 'bar', lessons the learner may see, those done.
COUNT_AND_BAR = f"""
SELECT 'count', NULL, COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM lessons_lesson l JOIN k ON l.category_id = k.id WHERE {{visible}}
UNION ALL
SELECT 'bar', NULL, COUNT(*), COUNT(*) FILTER (WHERE {rules.done("l.id")}),
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM lessons_lesson l JOIN k ON l.category_id = k.id
WHERE {rules.VISIBLE}"""  # noqa: S608 (fixed rules; values are parameters)


def _cards(visible: str, vendor: str) -> str:
    """The cards of the page's lessons: those ranked past the page's first place."""
    ranked = f"SELECT * FROM ({RANKED.format(visible=visible)}) r WHERE r.place > %(first)s"  # noqa: S608
    return cards.cards_of(ranked, vendor)


@functools.cache
def statement(vendor: str, staff: bool) -> str:
    """The statement for a learner or a visitor, or for staff (who see drafts)."""
    visible = rules.EVERYTHING if staff else rules.VISIBLE
    return "\nUNION ALL\n".join(
        [CATEGORY, _cards(visible, vendor), COUNT_AND_BAR.format(visible=visible)]
    )


@dataclass
class Found:
    category: Category | None = None  # with .parent when it has one
    children: list[tuple[int, Category]] = field(default_factory=list)  # (place, category)
    cards: list[tuple[int, LessonCard]] = field(default_factory=list)  # (place, card)
    count: int = 0
    bar: Bar = field(default_factory=lambda: Bar(0, 0))
    parent: Category | None = None


def _category(row, found: Found) -> None:
    _kind, pk, parent_id, _b, _c, _d, _score, name, slug, description = row[:10]
    found.category = Category(
        id=pk, parent_id=parent_id, name=name, slug=slug, description=description
    )


def _parent(row, found: Found) -> None:
    _kind, pk, _a, _b, _c, _d, _score, name, slug, description = row[:10]
    found.parent = Category(id=pk, name=name, slug=slug, description=description)


def _child(row, found: Found) -> None:
    _kind, pk, place, _b, _c, _d, _score, name, slug, description = row[:10]
    found.children.append((place, Category(id=pk, name=name, slug=slug, description=description)))


def _lesson(row, found: Found) -> None:
    _category_id, place, card = cards.read_card(row)
    found.cards.append((place, card))


def _count(row, found: Found) -> None:
    found.count = row[2]


def _bar(row, found: Found) -> None:
    found.bar = Bar(done=row[3], total=row[2])


READERS = {"category": _category, "parent": _parent, "child": _child, "lesson": _lesson,
           "count": _count, "bar": _bar}  # fmt: skip


def fetch(user, slug: str, first: int, last: int) -> Found:
    """The category `slug` as `user` sees it, with its lessons ranked past `first` up to
    `last` (places from 1)."""
    sql = statement(connection.vendor, user.is_staff)
    found = Found()
    for row in statements.fetch_all(sql, rules.params(user, slug=slug, first=first, last=last)):
        READERS[row[0]](row, found)
    if found.category is not None and found.parent is not None:
        found.category.parent = found.parent
    found.cards.sort(key=lambda pair: pair[0])
    found.children.sort(key=lambda pair: pair[0])
    return found
