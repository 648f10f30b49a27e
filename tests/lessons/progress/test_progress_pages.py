"""Progress on the catalog pages (checks and bars), and query counts that stay flat as
the catalog grows."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lessons.models import Category, Completion, Lesson, ReadingPosition
from tests.conftest import bar_numbers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def checked_titles(html: str) -> list[str]:
    """Titles of the lessons the page shows with a "done" check."""
    cards = re.findall(r'<article class="card lesson-card is-done".*?</article>', html, re.DOTALL)
    return [
        re.search(r'<h[23] class="card-title"[^>]*><a href="[^"]*">([^<]*)</a>', card).group(1)
        for card in cards
        if '<span class="chip ok">✓ Done</span>' in card
    ]


def listed_titles(html: str) -> list[str]:
    return re.findall(r'<h[23] class="card-title"[^>]*><a href="[^"]*">([^<]*)</a>', html)


def mark_done(user, *slugs: str) -> None:
    for slug in slugs:
        Completion.objects.create(user=user, lesson=Lesson.objects.get(slug=slug))


def test_it_checks_done_lessons_on_the_home_page(alice_client, alice, lessons):
    mark_done(alice, "pods", "architecture")

    html = alice_client.get(reverse("lessons:home")).content.decode()

    assert checked_titles(html) == ["Pods", "Architecture"]
    assert listed_titles(html) == ["Pods", "Services", "Volumes", "Architecture"]


def test_it_shows_the_best_quiz_score_on_a_lesson_card(alice_client, alice, bob, lessons):
    from lessons.models import Quiz, QuizAttempt

    quiz = Quiz.objects.create(lesson=lessons[0], pass_mark=70)
    for n, (user, score) in enumerate(((alice, 1), (alice, 5), (bob, 8))):
        QuizAttempt.objects.create(  # alice's best: 5 of 8, 62.5%, shown half up as 63%
            user=user, quiz=quiz, score=score, max_score=8, passed=False, form_token=str(n)
        )

    for url in (reverse("lessons:home"), reverse("lessons:category", args=["basic"])):
        html = alice_client.get(url).content.decode()
        assert html.count("Best quiz score") == 1
        assert "Best quiz score 63%" in html


def test_it_shows_bars_per_category_on_the_home_page(alice_client, alice, lessons, basic, cka):
    mark_done(alice, "pods", "services", "architecture")

    html = alice_client.get(reverse("lessons:home")).content.decode()

    assert bar_numbers(html, "overall") == "3 of 4 (75%)"
    assert bar_numbers(html, basic.id) == "2 of 3 (67%)"
    assert bar_numbers(html, cka.id) == "1 of 1 (100%)"
    label = rf'aria-labelledby="[^"]*bar-{basic.id}-label"'
    assert re.search(rf'<progress max="3" value="2" {label}>', html)


def test_it_checks_done_lessons_and_shows_the_bar_on_a_category_page(
    alice_client, alice, lessons, basic
):
    mark_done(alice, "volumes", "architecture")

    html = alice_client.get(reverse("lessons:category", args=["basic"])).content.decode()

    assert checked_titles(html) == ["Volumes"]
    assert bar_numbers(html, basic.id) == "1 of 3 (33%)"


def test_it_shows_the_bars_on_a_lesson_page(alice_client, alice, lessons, basic):
    mark_done(alice, "pods", "architecture")

    html = alice_client.get(reverse("lessons:lesson", args=["services"])).content.decode()

    assert bar_numbers(html, basic.id) == "1 of 3 (33%)"
    assert bar_numbers(html, "overall") == "2 of 4 (50%)"


def test_it_counts_neither_drafts_nor_other_learners(alice_client, alice, bob, lessons, basic):
    mark_done(alice, "pods")
    mark_done(bob, "services", "volumes", "architecture")

    html = alice_client.get(reverse("lessons:home")).content.decode()

    assert checked_titles(html) == ["Pods"]
    assert bar_numbers(html, basic.id) == "1 of 3 (33%)"
    assert bar_numbers(html, "overall") == "1 of 4 (25%)"


def test_it_counts_published_lessons_for_staff_too(editor_client, editor, lessons, basic):
    mark_done(editor, "pods", "secret-draft")

    html = editor_client.get(reverse("lessons:home")).content.decode()

    assert "Secret draft" in listed_titles(html)
    assert bar_numbers(html, basic.id) == "1 of 3 (33%)"


def test_it_shows_visitors_neither_checks_nor_bars(client, alice, lessons):
    mark_done(alice, "pods")

    for url in (reverse("lessons:home"), reverse("lessons:category", args=["basic"])):
        html = client.get(url).content.decode()
        assert checked_titles(html) == []
        assert 'class="bar"' not in html


def add_lessons(category: Category, count: int, start: int) -> list[Lesson]:
    """Published lessons made in bulk; bulk_create skips save(), so the HTML is given."""
    return Lesson.objects.bulk_create(
        Lesson(
            category=category,
            title=f"Lesson {n}",
            slug=f"lesson-{n}",
            body=f"## Part one\n\nText {n}.\n\n## Part two\n\nMore.\n",
            body_html=f'<h2 id="part-one">Part one</h2><p>Text {n}.</p>'
            '<h2 id="part-two">Part two</h2><p>More.</p>',
            toc=[
                {"id": "part-one", "name": "Part one", "level": 2},
                {"id": "part-two", "name": "Part two", "level": 2},
            ],
            status=Lesson.Status.PUBLISHED,
            position=n,
        )
        for n in range(start, start + count)
    )


def grow_catalog(user, basic: Category, cka: Category, start: int, count: int) -> None:
    """Add `count` lessons split over both categories; the learner has done every other
    one, on a spread of days."""
    added = add_lessons(basic, count - count // 4, start)
    added += add_lessons(cka, count // 4, start + len(added))
    Completion.objects.bulk_create(
        Completion(user=user, lesson=lesson, completed_at=lesson.created_at)
        for lesson in added[::2]
    )


PAGES = {
    "home": lambda: reverse("lessons:home"),
    "category": lambda: reverse("lessons:category", args=["basic"]),
    "lesson": lambda: reverse("lessons:lesson", args=["lesson-1"]),
    "my_progress": lambda: reverse("lessons:my_progress"),
}
# Queries per page for a signed-in learner, whatever the size of the catalog: the session,
# the user, and the page's one statement (lessons/sql/home.py, category.py, footprint.py),
# plus the lesson for the lesson page (lessons/sql/lesson.py). (Home and lesson pages look
# for the learner's study groups at the first view, then keep them in the cache:
# portal/today/. My progress keeps what it rendered of the learner until their footprint
# moves: MY_PROGRESS_FIRST_VIEW counts its first view.)
QUERY_BUDGET = {"home": 3, "category": 3, "lesson": 4, "my_progress": 3}
# The bars and footprint, the categories, the exams' layout (none here), the lessons done
# per day and the list of them.
MY_PROGRESS_FIRST_VIEW = 7


@pytest.mark.parametrize("page", PAGES)
def test_it_keeps_the_query_count_flat_from_8_to_500_lessons(alice_client, alice, basic, cka, page):
    grow_catalog(alice, basic, cka, start=1, count=8)
    ReadingPosition.objects.create(user=alice, lesson=Lesson.objects.get(slug="lesson-2"))
    url = PAGES[page]()
    alice_client.get(url)

    with CaptureQueriesContext(connection) as with_8:
        response = alice_client.get(url)
    assert response.status_code == 200

    grow_catalog(alice, basic, cka, start=9, count=492)
    assert Lesson.objects.count() == 500
    alice_client.get(url)  # my progress reads its kept parts again: the record grew

    with CaptureQueriesContext(connection) as with_500:
        response = alice_client.get(url)
    assert response.status_code == 200

    assert len(with_8) <= QUERY_BUDGET[page], with_8.captured_queries
    assert len(with_500) == len(with_8), with_500.captured_queries
    basic_done = Completion.objects.filter(user=alice, lesson__category=basic).count()
    basic_total = Lesson.objects.filter(category=basic).count()
    assert f"{basic_done} of {basic_total} (" in bar_numbers(response.content.decode(), basic.id)


def test_my_progress_first_view_keeps_the_query_count_flat(alice_client, alice, basic, cka):
    url = reverse("lessons:my_progress")
    counts = []
    for start, count in ((1, 8), (9, 492)):
        grow_catalog(alice, basic, cka, start=start, count=count)
        cache.clear()
        with CaptureQueriesContext(connection) as first_view:
            assert alice_client.get(url).status_code == 200
        counts.append(len(first_view))
    assert counts[0] == counts[1] <= MY_PROGRESS_FIRST_VIEW, counts
