"""What a category page shows, in one statement (lessons/sql/category.py): the category
(with its parent, for the breadcrumb), its subcategories, a page of its lessons with the
learner's marks, how many lessons it has, and the learner's bar for it.

As on the home page, the ORM's building of five small queries cost more than running them.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from lessons.models import Category
from lessons.sql import category as statement
from lessons.sql.bars import Bar


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
    first = (number - 1) * per_page
    found = statement.fetch(user, slug, first, first + per_page)
    if found.category is None:
        return None
    return (
        found.category,
        [child for _place, child in found.children],
        [card for _place, card in found.cards],
        found.count,
        found.bar,
    )
