"""The home page's one statement (lessons/sql/home.py) says what the models' rules say:
the same categories and cards in the same order, the same marks, bars, next step and
review count, for visitors, learners and staff."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from lessons.catalog.home_page import home_page
from lessons.models import Category, Completion, Lesson, QuizAttempt, ReadingPosition, ReviewItem
from lessons.progress.tracking import Bar
from lessons.review import queue as review
from tests.conftest import make_lesson
from tests.helpers.quiz_fixtures import make_quiz
from tests.lessons.catalog.page_rules import orm_bars, orm_marks, orm_next_step

PER_CATEGORY = 2
SHOWN = ("title", "summary", "status", "visible_from", "reading_minutes", "updated_at")


def shown(lessons) -> list[tuple]:
    """What a card shows of each lesson, besides the learner's marks."""
    return [tuple(getattr(lesson, name) for name in SHOWN) for lesson in lessons]


@pytest.fixture
def catalog(lessons, basic, cka, alice, editor):
    """Ties in position, a draft, a scheduled lesson, an empty category, quiz scores on
    shown and unshown lessons, and review items due, not due, retired and of a draft."""
    make_lesson(basic, "Tied A", 1)
    make_lesson(basic, "Later", 0, visible_from=timezone.now() + timedelta(days=1))
    make_lesson(cka, "Arrived", 0, visible_from=timezone.now() - timedelta(minutes=1))
    Category.objects.create(name="Empty", slug="empty", position=0)
    Category.objects.create(name="Aardvark", slug="aardvark", position=2)  # ties with CKA
    make_lesson(Category.objects.get(slug="aardvark"), "Zebra", 1)
    for slug in ("pods", "later"):
        Completion.objects.create(user=alice, lesson=Lesson.objects.get(slug=slug))
    ReadingPosition.objects.create(user=alice, lesson=Lesson.objects.get(slug="services"),
                                   section_index=1)  # fmt: skip
    now = timezone.now()
    for slug, scores in {"pods": [(1, 3), (2, 3)], "tied-a": [(0, 4)], "volumes": [(5, 5)]}.items():
        quiz, questions = make_quiz(Lesson.objects.get(slug=slug), 3)
        for n, (score, max_score) in enumerate(scores):
            QuizAttempt.objects.create(user=alice, quiz=quiz, score=score, max_score=max_score,
                                       passed=False, form_token=f"{slug}{n}")  # fmt: skip
        for n, question in enumerate(questions):
            retired = now if n == 0 and slug == "pods" else None
            ReviewItem.objects.create(user=alice, question=question, retired_at=retired,
                                      due_at=now + timedelta(hours=2 * n - 1))  # fmt: skip
    draft = Lesson.objects.get(slug="secret-draft")
    _quiz, hidden = make_quiz(draft, 1)
    ReviewItem.objects.create(user=alice, question=hidden[0], due_at=now - timedelta(days=1))
    return Lesson.objects.all()


def expected(user) -> tuple:
    """The home page by the models' rules, one rule at a time."""
    done_ids, best_scores = orm_marks(user)
    cards, fields = [], []
    for category in Category.objects.all():
        first = list(
            Lesson.objects.visible_to(user).filter(category=category).order_by("position", "id")
        )[:PER_CATEGORY]
        if first:
            marks = [(x.slug, x.id in done_ids, best_scores.get(x.id)) for x in first]
            cards.append((category.slug, marks))
            fields += shown(first)
    bars = orm_bars(user)
    overall = Bar(sum(b.done for b in bars.values()), sum(b.total for b in bars.values()))
    return (
        cards,
        {slug: bars[Category.objects.get(slug=slug).id] for slug, _marks in cards},
        overall,
        orm_next_step(user) if user.is_authenticated else None,
        review.due_count(user),
        review.waiting_count(user) if user.is_authenticated else 0,
        fields,
    )


def actual(user) -> tuple:
    page = home_page(user, PER_CATEGORY)
    cards = [
        (c.slug, [(x.slug, x.is_done, x.best_score) for x in c.visible_lessons])
        for c in page.categories
    ]
    step = page.next_step
    return (
        cards,
        {category.slug: category.bar for category in page.categories},
        page.overall,
        (step.lesson.slug, step.section) if step else None,
        page.review_due,
        page.review_waiting,
        [card for category in page.categories for card in shown(category.visible_lessons)],
    )


@pytest.mark.parametrize("who", ["visitor", "alice", "editor"])
def test_it_agrees_with_the_models(catalog, who, alice, editor):
    user = {"visitor": AnonymousUser(), "alice": alice, "editor": editor}[who]
    assert actual(user) == expected(user)


def test_what_it_shows_alice(catalog, alice):
    cards, _bars, overall, step, due, _waiting, _fields = actual(alice)
    assert cards[0] == ("basic", [("pods", True, pytest.approx(200 / 3)), ("tied-a", False, 0.0)])
    assert [slug for slug, _marks in cards] == ["basic", "aardvark", "cka"]  # Empty has none
    assert overall.done == 1  # "later" is not published yet
    assert step[0] == "services" and step[1]["name"]
    assert due == 2  # the first of each quiz but pods's (retired); never the draft's


def test_it_follows_the_clock_and_new_marks(catalog, alice):
    before = actual(alice)
    Completion.objects.create(user=alice, lesson=Lesson.objects.get(slug="services"))
    ReviewItem.objects.update(due_at=timezone.now() - timedelta(minutes=1))
    after = actual(alice)
    assert after == expected(alice) and after != before
    assert after[3][0] != "services"


@pytest.mark.parametrize("who", ["visitor", "alice"])
def test_it_is_one_query(catalog, who, alice, django_assert_num_queries):
    user = {"visitor": AnonymousUser(), "alice": alice}[who]
    with django_assert_num_queries(1):
        home_page(user, PER_CATEGORY)
