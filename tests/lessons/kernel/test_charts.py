"""The portal's one column chart (lessons/kernel/charts.py, templates/_chart.html): a y axis with
a few labelled ticks, dates under the axis that stay inside the chart, and the same
numbers as a table, on my progress and on the dashboard alike."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from lessons.kernel.charts import Period, column_chart, days, tick_step
from tests.helpers.groups import logged_in

pytestmark = pytest.mark.usefixtures("english")

DAY = date(2026, 12, 31)


def thirty_days(counts: dict[int, int] | None = None) -> list[Period]:
    counts = counts or {}
    return days((DAY - timedelta(days=29 - n), counts.get(n, 0)) for n in range(30))


@pytest.mark.parametrize(
    ("peak", "step"), [(0, 1), (1, 1), (3, 1), (4, 1), (5, 2), (7, 2), (9, 5), (23, 10), (180, 50)]
)
def test_it_picks_a_round_step_for_at_most_four_ticks(peak, step):
    assert tick_step(peak) == step


def test_it_draws_a_y_axis_whose_top_tick_is_a_round_number_above_the_peak():
    chart = column_chart(thirty_days({29: 3, 10: 7}))
    assert [tick.value for tick in chart.ticks] == [0, 2, 4, 6, 8]
    assert chart.ticks[0].y == chart.baseline
    assert chart.ticks[-1].y == chart.top
    seven = next(c for c in chart.columns if c.period.done == 7)
    assert seven.y == pytest.approx(chart.baseline - (chart.baseline - chart.top) * 7 / 8, abs=0.1)


def test_an_empty_chart_still_has_an_axis_from_zero():
    chart = column_chart(thirty_days())
    assert [tick.value for tick in chart.ticks] == [0, 1]
    assert all(column.height == 0 for column in chart.columns)
    assert chart.rows == []


def test_it_labels_the_last_column_anchored_at_its_end_inside_the_chart():
    chart = column_chart(thirty_days())
    labelled = [c for c in chart.columns if c.label_x is not None]
    assert labelled[-1] is chart.columns[-1]
    assert labelled[-1].label_anchor == "end"
    assert labelled[-1].label_x <= chart.right <= chart.width
    assert 3 <= len(labelled) <= 6
    assert all(c.label_anchor == "middle" for c in labelled[:-1])
    # Centred labels (about 30 units wide) are clear of the y axis labels.
    assert labelled[0].label_x - 15 > chart.tick_label_x - 20 > 0


def test_every_column_sits_between_the_axis_and_the_right_edge():
    chart = column_chart([Period(DAY, DAY, n % 4, 2) for n in range(12)])
    assert chart.columns[0].x > chart.left
    assert chart.columns[-1].right <= chart.right
    assert chart.has_pace
    assert len(chart.rows) == 12  # a pace with no completion still has a row


@pytest.mark.django_db
def test_my_progress_and_the_dashboard_draw_the_same_chart(alice_client, hand_made):
    pages = [
        alice_client.get(reverse("lessons:my_progress")).content.decode(),
        logged_in(hand_made.teacher)
        .get(reverse("groups:dashboard", args=[hand_made.group.pk]))
        .content.decode(),
    ]
    for html in pages:
        svg = re.search(r'<svg class="column-chart".*?</svg>', html, re.DOTALL).group(0)
        tick_labels = re.findall(r'<text class="label tick-label"[^>]*>(\d+)</text>', svg)
        assert tick_labels[0] == "0" and len(tick_labels) >= 2
        dates = re.findall(r'<text class="label" [^>]*text-anchor="(\w+)">([\d/]+)</text>', svg)
        assert dates[-1][0] == "end"
        assert '<div class="table-scroll" role="region" tabindex="0"' in html
