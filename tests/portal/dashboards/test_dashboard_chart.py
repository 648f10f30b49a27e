"""Progress over time: lessons done per day or week beside what the pace schedules, as a
server-rendered SVG with a text alternative."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lessons.kernel.charts import Period, column_chart
from lessons.models import Completion
from portal.dashboards.timeline import periods_until, progress_over_time
from portal.groups.scope import learner_memberships, scope_queryset
from tests.helpers.groups import logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_it_cuts_time_into_weeks_from_monday_or_days():
    weeks = periods_until(date(2026, 11, 27), "week")  # a Friday
    assert len(weeks) == 12
    assert weeks[-1] == (date(2026, 11, 23), date(2026, 11, 29))
    assert weeks[0][0] == date(2026, 9, 7)
    days = periods_until(date(2026, 11, 27), "day")
    assert len(days) == 30
    assert days[-1] == (date(2026, 11, 27), date(2026, 11, 27))


def test_it_counts_lessons_done_and_what_the_pace_schedules(hand_made):
    group = hand_made.group
    today = timezone.localdate()
    Completion.objects.filter(user=hand_made.alice).update(completed_at=timezone.now())
    periods = progress_over_time(
        learners=learner_memberships(group).values("user_id"),
        lessons=scope_queryset(group).values("pk"),
        due=[today - timedelta(days=8), today - timedelta(days=1), today + timedelta(days=6)],
        learner_count=3,
        unit="day",
        today=today,
    )
    by_day = {p.start: p for p in periods}
    assert by_day[today].done == 4  # alice's four, today
    assert sum(p.done for p in periods) == 5  # and bob's one, ten days ago
    assert by_day[today - timedelta(days=1)].expected == 3  # one lesson for each of 3
    assert by_day[today].expected == 0


def test_it_scales_columns_and_pace_marks_together():
    today = date(2026, 11, 27)
    chart = column_chart([Period(today, today, 2, 4), Period(today, today, 4, None)])
    first, second = chart.columns
    assert chart.peak == 4
    assert second.y < first.y  # 4 done stands higher than 2
    assert first.pace_y == second.y  # the pace's 4 at the height of 4 done
    assert second.pace_y is None


def test_it_draws_the_chart_with_a_text_alternative(hand_made):
    client = logged_in(hand_made.teacher)
    html = client.get(reverse("groups:dashboard", args=[hand_made.group.pk])).content.decode()
    assert '<svg class="column-chart" viewBox="0 0 480 200" role="img"' in html
    assert "<desc" in html
    assert "The same numbers as a table" in html
    assert 'class="pace-mark"' in html
    day = client.get(reverse("groups:dashboard", args=[hand_made.group.pk]) + "?chart=day")
    assert "Lessons done per day" in day.content.decode()
