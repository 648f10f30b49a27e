"""What a category page shows, in one statement: the category (with its parent, for the
breadcrumb), its subcategories, a page of its lessons with the learner's marks, how many
lessons it has, and the learner's bar for it.

As on the home page (lessons/catalog/home_page.py), the ORM's building of five small queries cost
more than running them. The rules stay the models': `Lesson.objects.visible_to` for the
lessons listed (staff see drafts), `visible_now` for the bar (as `progress.category_bars`),
the lessons' order by position, and the cards' marks (lessons/catalog/cards.py). Tests
compare both (tests/page_rules.py).
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from lessons.catalog.cards import (
    CARD_ROW,
    FLOAT,
    INT,
    MARKS,
    MOMENT,
    RANKED_CARDS,
    SOURCE_COLUMNS,
    TEXT,
    card,
)
from lessons.kernel import statements
from lessons.models import Category, Completion, Lesson
from lessons.progress.tracking import VISIBLE_SQL, Bar, visible_params

CATEGORIES = Category._meta.db_table
LESSONS = Lesson._meta.db_table

# The category's lessons ranked by id (from the index of lessons in category order), up to
# the page's last place (parameter), so that the planner knows how few rows come.
RANKED = f"""
    SELECT l.id, ROW_NUMBER() OVER (ORDER BY l.position, l.id) AS place
    FROM {LESSONS} l JOIN k ON l.category_id = k.id WHERE {{visible}}
    ORDER BY l.position, l.id LIMIT %s"""  # noqa: S608

# Parameters, in order: the slug; the visibility rule's (none for staff) for the lessons,
# the page's last and first place, the learner's id twice (MARKS); the rule's for the
# count; the learner's id and the rule's for the bar.
STATEMENT = f"""
WITH k AS (SELECT id FROM {CATEGORIES} WHERE slug = %s)
SELECT 'category', c.id, c.parent_id, {INT}, {INT}, {INT}, {FLOAT},
  c.name, c.slug, c.description, {TEXT}, {MOMENT}, {MOMENT}
FROM {CATEGORIES} c JOIN k ON c.id = k.id
UNION ALL
SELECT 'parent', p.id, {INT}, {INT}, {INT}, {INT}, {FLOAT},
  p.name, p.slug, p.description, {TEXT}, {MOMENT}, {MOMENT}
FROM {CATEGORIES} c JOIN k ON c.id = k.id JOIN {CATEGORIES} p ON p.id = c.parent_id
UNION ALL
SELECT 'child', ch.id, ROW_NUMBER() OVER (ORDER BY ch.position, ch.name), {INT}, {INT}, {INT},
  {FLOAT}, ch.name, ch.slug, ch.description, {TEXT}, {MOMENT}, {MOMENT}
FROM {CATEGORIES} ch JOIN k ON ch.parent_id = k.id
UNION ALL
{CARD_ROW}
FROM ({RANKED_CARDS.format(columns=SOURCE_COLUMNS, ranked=RANKED)}
  WHERE ranked.place > %s
) f{MARKS}
UNION ALL
SELECT 'count', {INT}, COUNT(*), {INT}, {INT}, {INT}, {FLOAT},
  {TEXT}, {TEXT}, {TEXT}, {TEXT}, {MOMENT}, {MOMENT}
FROM {LESSONS} l JOIN k ON l.category_id = k.id WHERE {{visible}}
UNION ALL
SELECT 'bar', {INT}, COUNT(*), COUNT(*) FILTER (WHERE l.id IN (
    SELECT d.lesson_id FROM {Completion._meta.db_table} d WHERE d.user_id = %s
  )), {INT}, {INT}, {FLOAT}, {TEXT}, {TEXT}, {TEXT}, {TEXT}, {MOMENT}, {MOMENT}
FROM {LESSONS} l JOIN k ON l.category_id = k.id
WHERE {VISIBLE_SQL}"""  # noqa: S608 (table and column names, fixed rules; values are parameters)

STATEMENTS = {staff: STATEMENT.format(visible="1 = 1" if staff else VISIBLE_SQL)
              for staff in (False, True)}  # fmt: skip


@dataclass(frozen=True)
class CategoryPage:
    category: Category  # with .parent when it has one
    subcategories: list[Category]
    page: Page  # of lesson cards, with `is_done` and `best_score`
    bar: Bar


def category_page(user, slug: str, per_page: int, page_number) -> CategoryPage | None:
    """The category `slug` as `user` sees it, with the page `page_number` of its lessons
    (as Paginator.get_page reads it: not a number is the first page, past the end the
    last); None when there is no such category."""
    requested = _page_number(page_number)
    found = _fetch(user, slug, per_page, requested)
    if found is None:
        return None
    category, subcategories, lessons, count, bar = found
    page = Paginator(range(count), per_page).get_page(page_number)
    if page.number != requested:  # out of range: the page get_page chose
        category, subcategories, lessons, count, bar = _fetch(user, slug, per_page, page.number)
    page.object_list = lessons
    return CategoryPage(category, subcategories, page, bar)


# Past any real category's end; keeps a hostile ?page= within the database's integers.
MAX_PAGE = 100_000


def _page_number(value) -> int:
    try:
        return min(max(int(value), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def _fetch(user, slug: str, per_page: int, number: int) -> tuple | None:
    staff = user.is_staff
    user_id = user.pk if user.is_authenticated else None
    visible = visible_params()
    rule = [] if staff else visible
    first = (number - 1) * per_page
    params = [slug, *rule, first + per_page, first, user_id, user_id, *rule, user_id, *visible]
    category, parent, children, lessons, count, bar = None, None, [], [], 0, Bar(0, 0)
    for row in statements.fetch_all(STATEMENTS[staff], params):
        kind, pk, a, b, _c, _d, _score, name, slug_, description = row[:10]
        if kind == "lesson":
            lessons.append((b, card(row)))
        elif kind == "category":
            category = Category(id=pk, parent_id=a, name=name, slug=slug_, description=description)
        elif kind == "parent":
            parent = Category(id=pk, name=name, slug=slug_, description=description)
        elif kind == "child":
            children.append((a, Category(id=pk, name=name, slug=slug_, description=description)))
        elif kind == "count":
            count = a
        else:
            bar = Bar(b, a)
    if category is None:
        return None
    if parent is not None:
        category.parent = parent
    lessons.sort(key=lambda pair: pair[0])
    children.sort(key=lambda pair: pair[0])
    return (
        category,
        [child for _order, child in children],
        [lesson for _place, lesson in lessons],
        count,
        bar,
    )
