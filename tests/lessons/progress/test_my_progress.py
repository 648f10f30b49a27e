"""My progress: a learner's bars per category, lessons done, and lessons done per day."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from lessons.models import Completion, Lesson
from tests.conftest import bar_numbers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def noon(days_ago: int) -> datetime:
    """Midday, local time, `days_ago` days before today: far from any day boundary."""
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def complete(user, slug: str, days_ago: int) -> Completion:
    lesson = Lesson.objects.get(slug=slug)
    return Completion.objects.create(user=user, lesson=lesson, completed_at=noon(days_ago))


def short_date(days_ago: int) -> str:
    with translation.override("en"):
        return formats.date_format(noon(days_ago), "SHORT_DATE_FORMAT")


def table_rows(html: str) -> list[tuple[str, str]]:
    table = re.search(r'<table class="table">.*?</table>', html, re.DOTALL).group(0)
    return re.findall(r'<tr><td>([^<]*)</td><td class="num">([^<]*)</td></tr>', table)


@pytest.fixture
def alices_record(alice, lessons) -> list[Completion]:
    """Pods and Services today, Architecture three days ago, Volumes 45 days ago."""
    return [
        complete(alice, "pods", 0),
        complete(alice, "services", 0),
        complete(alice, "architecture", 3),
        complete(alice, "volumes", 45),
    ]


def test_it_sends_visitors_to_log_in(client):
    response = client.get(reverse("lessons:my_progress"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


def test_it_shows_bars_per_category(alice_client, alice, lessons, basic, cka):
    complete(alice, "pods", 0)
    complete(alice, "architecture", 1)

    html = alice_client.get(reverse("lessons:my_progress")).content.decode()

    assert bar_numbers(html, "overall") == "2 of 4 (50%)"
    assert bar_numbers(html, basic.id) == "1 of 3 (33%)"
    assert bar_numbers(html, cka.id) == "1 of 1 (100%)"
    assert f'<progress max="3" value="1" aria-labelledby="bar-{basic.id}-label">' in html
    assert html.index(f'id="bar-{basic.id}"') < html.index(f'id="bar-{cka.id}"')


def test_it_lists_lessons_done_newest_first_with_their_dates(alice_client, alices_record):
    html = alice_client.get(reverse("lessons:my_progress")).content.decode()
    done = html[html.index('<ol class="done-list">') :]

    titles = re.findall(r'<li><a href="/lessons/[^"]+/">([^<]+)</a>', done)
    assert titles[2:] == ["Architecture", "Volumes"]
    assert set(titles[:2]) == {"Pods", "Services"}
    for completion in alices_record:
        when = timezone.localtime(completion.completed_at).isoformat()
        assert f'<time datetime="{when}"' in done


def test_it_says_when_nothing_is_done_yet(alice_client, lessons):
    html = alice_client.get(reverse("lessons:my_progress")).content.decode()

    assert "Nothing yet." in html
    assert bar_numbers(html, "overall") == "0 of 4 (0%)"


def test_it_draws_a_chart_with_a_text_alternative(alice_client, alices_record):
    html = alice_client.get(reverse("lessons:my_progress")).content.decode()
    svg = re.search(r'<svg class="column-chart"[^>]*>.*?</svg>', html, re.DOTALL).group(0)

    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-title chart-desc"' in svg
    assert '<title id="chart-title">Lessons done per day</title>' in svg
    # Volumes, 45 days ago, is outside the last 30 days.
    assert '<desc id="chart-desc">3 lessons done in the last 30 days.' in svg
    assert svg.count('<rect class="column"') == 30


def test_it_draws_one_column_per_day_with_that_days_count(alice_client, alices_record):
    html = alice_client.get(reverse("lessons:my_progress")).content.decode()
    columns = re.findall(
        r'<rect class="column" x="[^"]*" y="[^"]*" width="[^"]*" height="([^"]*)">'
        r"<title>([^:<]*): (\d+)</title>",
        html,
    )

    counts = {day: int(count) for _, day, count in columns}
    heights = {day: float(height) for height, day, _ in columns}
    assert counts[short_date(0)] == 2
    assert counts[short_date(3)] == 1
    assert sum(counts.values()) == 3
    assert heights[short_date(0)] == 2 * heights[short_date(3)] > 0
    assert columns[-1][1] == short_date(0)  # today is the last column


def test_it_repeats_the_chart_as_a_table(alice_client, alices_record):
    html = alice_client.get(reverse("lessons:my_progress")).content.decode()

    assert table_rows(html) == [(short_date(3), "1"), (short_date(0), "2")]


def test_it_counts_only_the_learners_own_completions(alice_client, alice, bob, lessons, basic):
    complete(alice, "pods", 1)
    complete(bob, "services", 1)
    complete(bob, "volumes", 0)

    html = alice_client.get(reverse("lessons:my_progress")).content.decode()

    assert bar_numbers(html, basic.id) == "1 of 3 (33%)"
    assert table_rows(html) == [(short_date(1), "1")]
    assert "Services" not in html
    assert "Volumes" not in html


def test_it_lists_only_lessons_the_learner_can_open(alice_client, alice, lessons, basic):
    complete(alice, "pods", 0)
    complete(alice, "services", 0)
    Lesson.objects.filter(slug="services").update(status=Lesson.Status.DRAFT)

    html = alice_client.get(reverse("lessons:my_progress")).content.decode()

    assert bar_numbers(html, "overall") == "1 of 3 (33%)"
    assert reverse("lessons:lesson", args=["services"]) not in html
    assert table_rows(html) == [(short_date(0), "1")]
