"""The lesson page's one statement (lessons/lesson_page.py) says what the models' rules
say: the same neighbours, learner state and bars, for visitors, learners and staff."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from lessons import progress
from lessons.lesson_page import lesson_page
from lessons.models import Completion, Lesson, ReadingPosition
from tests.conftest import make_lesson


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
    bars, overall = progress.category_bars(user)
    return (
        Lesson.objects.visible_to(user).neighbours_of(lesson),
        (bool(state.is_done), state.reading_index),
        dict(bars),
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
