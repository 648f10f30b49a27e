"""The category page's one statement (lessons/sql/category.py) says what the models'
rules say: the same lessons on the same page, marks, count, subcategories and bar, for
visitors, learners and staff."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.urls import reverse

from lessons.catalog.category_page import category_page
from lessons.models import Category, Lesson
from lessons.progress.tracking import category_bars
from tests.lessons.catalog.page_rules import orm_marks
from tests.lessons.catalog.test_home_page_state import SHOWN, catalog  # noqa: F401 (a fixture)

PER_PAGE = 2


@pytest.fixture
def family(catalog, basic):  # noqa: F811
    """Basic gets a parent and three children (two tied in position)."""
    parent = Category.objects.create(name="Kubernetes", slug="kubernetes", position=0)
    Category.objects.filter(pk=basic.pk).update(parent=parent)
    for name, position in [("Zeta", 1), ("Alpha", 1), ("First", 0)]:
        Category.objects.create(name=name, slug=name.lower(), position=position, parent=basic)
    return parent


def expected(user, slug: str, number):
    category = Category.objects.select_related("parent").get(slug=slug)
    lessons = Lesson.objects.visible_to(user).filter(category=category).order_by("position", "id")
    page = Paginator(lessons, PER_PAGE).get_page(number)
    done_ids, best_scores = orm_marks(user)
    return (
        (category.name, category.parent.slug if category.parent else None),
        [child.slug for child in category.children.all()],
        [
            (
                x.slug,
                x.id in done_ids,
                best_scores.get(x.id),
                *(getattr(x, name) for name in SHOWN),
            )
            for x in page.object_list
        ],
        (page.number, page.paginator.count, page.paginator.num_pages),
        category_bars(user)[0][category.id],
    )


def actual(user, slug: str, number):
    found = category_page(user, slug, PER_PAGE, number)
    category, page = found.category, found.page
    return (
        (category.name, category.parent.slug if category.parent else None),
        [child.slug for child in found.subcategories],
        [
            (x.slug, x.is_done, x.best_score, *(getattr(x, name) for name in SHOWN))
            for x in page.object_list
        ],
        (page.number, page.paginator.count, page.paginator.num_pages),
        found.bar,
    )


@pytest.mark.parametrize("who", ["visitor", "alice", "editor"])
@pytest.mark.parametrize(
    "number", [None, "1", "2", "3", "99", "0", "-1", "abc", "2.5", "9" * 30, "-" + "9" * 30]
)
def test_it_agrees_with_the_models(family, who, number, alice, editor):
    user = {"visitor": AnonymousUser(), "alice": alice, "editor": editor}[who]
    for slug in ("basic", "cka", "kubernetes", "first"):
        assert actual(user, slug, number) == expected(user, slug, number), slug


def test_what_it_shows_alice(family, alice):
    category, children, cards, pages, bar = actual(alice, "basic", "1")
    assert category == ("Basic", "kubernetes")
    assert children == ["first", "alpha", "zeta"]  # by position, then name
    # "Later" (scheduled for tomorrow) is not listed, though she marked it done.
    assert [slug for slug, *_ in cards] == ["pods", "tied-a"]
    assert cards[0][1:3] == (True, pytest.approx(200 / 3)) and cards[1][1:3] == (False, 0.0)
    assert pages == (1, 4, 2)
    assert bar.done == 1 and bar.total == 4


def test_an_unknown_category_is_none(db, alice):
    assert category_page(alice, "nope", PER_PAGE, None) is None


@pytest.mark.parametrize("who", ["visitor", "alice"])
def test_it_is_one_query_or_two_past_the_end(family, who, alice, django_assert_num_queries):
    user = {"visitor": AnonymousUser(), "alice": alice}[who]
    with django_assert_num_queries(1):
        category_page(user, "basic", PER_PAGE, "2")
    with django_assert_num_queries(2):
        assert category_page(user, "basic", PER_PAGE, "99").page.number == 2


def test_the_page_links_its_parent_and_children(family, client):
    html = client.get(reverse("lessons:category", args=["basic"])).content.decode()
    assert 'href="/categories/kubernetes/"' in html
    assert html.index("/categories/first/") < html.index("/categories/alpha/")
