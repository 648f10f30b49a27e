"""The lesson page's one statement (lessons/sql/lesson.py) says what the models' rules
say: the same neighbours, learner state and bars, for visitors, learners and staff."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from lessons.catalog.home_page import home_page
from lessons.catalog.lesson_page import lesson_page, visible_lesson
from lessons.content.access import get_visible_lesson
from lessons.models import Category, Completion, Lesson, Quiz, ReadingPosition
from lessons.progress.tracking import Bar, category_bars
from lessons.sql.lesson import LESSON_FIELDS
from tests.conftest import make_lesson
from tests.lessons.catalog.page_rules import orm_bars, orm_next_step


@pytest.fixture
def catalog(lessons, basic, cka, alice, editor):
    """Ties in position, a draft, a lesson scheduled for later and one whose time came."""
    make_lesson(basic, "Tied A", 2)
    make_lesson(basic, "Tied B", 2)
    make_lesson(basic, "Later", 5, visible_from=timezone.now() + timedelta(days=1))
    make_lesson(cka, "Arrived", 2, visible_from=timezone.now() - timedelta(minutes=1))
    for slug in ("pods", "tied-a", "later", "secret-draft"):
        Completion.objects.create(user=alice, lesson=Lesson.objects.get(slug=slug))
    ReadingPosition.objects.create(user=alice, lesson=Lesson.objects.get(slug="services"),
                                   section_index=1)  # fmt: skip
    return Lesson.objects.all()


def expected(user, lesson: Lesson):
    state = Lesson.objects.with_learner_state(user).get(pk=lesson.pk)
    bars = orm_bars(user)
    overall = Bar(sum(b.done for b in bars.values()), sum(b.total for b in bars.values()))
    return (
        Lesson.objects.visible_to(user).neighbours_of(lesson),
        (bool(state.is_done), state.reading_index),
        bars,
        overall,
    )


@pytest.mark.parametrize("who", ["visitor", "alice", "editor"])
def test_it_agrees_with_the_models_for_every_lesson(catalog, who, alice, editor):
    user = {"visitor": AnonymousUser(), "alice": alice, "editor": editor}[who]
    for lesson in catalog:
        page = lesson_page(user, lesson)
        actual = ((page.previous, page.next), (page.is_done, page.reading_index),
                  dict(page.bars), page.overall)  # fmt: skip
        assert actual == expected(user, lesson), lesson.slug


def test_it_is_one_query(catalog, alice, django_assert_num_queries):
    lesson = Lesson.objects.get(slug="services")
    with django_assert_num_queries(1):
        page = lesson_page(alice, lesson)
    assert page.reading_index == 1 and not page.is_done
    # Services shares position 2 with the ties and was made first: they follow it.
    assert (page.previous["slug"], page.next["slug"]) == ("pods", "tied-a")


@pytest.mark.parametrize("who", ["visitor", "alice", "editor"])
def test_the_bars_of_every_page_follow_the_same_rule(catalog, who, alice, editor):
    user = {"visitor": AnonymousUser(), "alice": alice, "editor": editor}[who]
    bars, overall = category_bars(user)
    assert dict(bars) == orm_bars(user)
    assert overall == Bar(sum(b.done for b in bars.values()), sum(b.total for b in bars.values()))


def test_the_home_pages_next_step_follows_the_same_rule(catalog, alice):
    def actual():
        step = home_page(alice, per_category=1).next_step
        return (step.lesson.slug, step.section) if step else None

    assert actual() == orm_next_step(alice) == ("services", orm_next_step(alice)[1])
    # Read last in a lesson scheduled for later: skipped until it appears.
    later = Lesson.objects.get(slug="later")
    ReadingPosition.objects.create(user=alice, lesson=later, section_index=1)
    Completion.objects.filter(user=alice, lesson=later).delete()
    assert actual() == orm_next_step(alice)
    # Nothing read: the first lesson not done, in learning order; then none at all.
    ReadingPosition.objects.all().delete()
    assert actual() == orm_next_step(alice) == ("services", None)
    for lesson in Lesson.objects.published():
        Completion.objects.get_or_create(user=alice, lesson=lesson)
    assert actual() is None and orm_next_step(alice) is None


@pytest.mark.parametrize("who", ["visitor", "alice", "editor"])
def test_the_lesson_itself_follows_get_visible_lesson(catalog, who, alice, editor):
    user = {"visitor": AnonymousUser(), "alice": alice, "editor": editor}[who]
    Quiz.objects.create(lesson=Lesson.objects.get(slug="pods"), pass_mark=80, marks_done=False)

    def read(fetch, slug):
        try:
            lesson = fetch(user, slug)
        except Http404:
            return None
        quiz = getattr(lesson, "quiz", None)
        return (
            [getattr(lesson, name) for name in LESSON_FIELDS],
            [getattr(lesson.category, f.attname) for f in Category._meta.concrete_fields],
            (quiz.pass_mark, quiz.marks_done) if quiz else None,
        )

    for slug in [*catalog.values_list("slug", flat=True), "no-such-lesson"]:
        assert read(visible_lesson, slug) == read(get_visible_lesson, slug), slug


def test_the_lesson_is_one_query_with_or_without_a_quiz(catalog, alice, django_assert_num_queries):
    with django_assert_num_queries(1):
        lesson = visible_lesson(alice, "services")
        assert lesson.category.name == "Basic" and not hasattr(lesson, "quiz")
        assert lesson.section_at(1)["name"]
