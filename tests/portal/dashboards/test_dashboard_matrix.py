"""The dashboard's learner × lesson matrix, checked against a hand-made group whose
numbers are worked out in test_groups_helpers.build_hand_made."""

import pytest
from django.urls import reverse
from django.utils import timezone

from lessons.models import Category, ReadingPosition
from portal.dashboards.learners import Filters
from portal.dashboards.matrix import build_matrix
from portal.groups.scope import scope_lessons
from tests.helpers.groups import complete, logged_in

pytestmark = pytest.mark.django_db


def _matrix(hand_made, **filters):
    group = hand_made.group
    return build_matrix(group, scope_lessons(group), Filters(**filters), timezone.now())


def _rows(matrix):
    return {row.learner.username: row for row in matrix.rows}


def test_it_has_the_published_lessons_of_the_scope_in_learning_order(hand_made):
    matrix = _matrix(hand_made)
    assert [lesson.title for lesson in matrix.lessons] == [
        "Pods", "Services", "Volumes", "Architecture",
    ]  # fmt: skip


def test_it_has_one_row_per_learner_and_no_one_else(hand_made):
    assert sorted(_rows(_matrix(hand_made))) == ["alice", "bob", "charlie"]


def test_it_marks_cells_done_with_the_best_score(hand_made):
    rows = _rows(_matrix(hand_made))
    alice = [(cell.done, cell.score) for cell in rows["alice"].cells]
    bob = [(cell.done, cell.score) for cell in rows["bob"].cells]
    charlie = [(cell.done, cell.score) for cell in rows["charlie"].cells]
    assert alice == [(True, 100), (True, 75), (True, None), (True, 50)]
    assert bob == [(True, 50), (False, 50), (False, None), (False, None)]
    assert charlie == [(False, None)] * 4


def test_it_flags_cells_below_the_quiz_pass_mark(hand_made):
    rows = _rows(_matrix(hand_made))
    assert [cell.below_pass for cell in rows["alice"].cells] == [False, False, False, False]
    assert [cell.below_pass for cell in rows["bob"].cells] == [True, True, False, False]


def test_it_totals_each_learner(hand_made):
    rows = _rows(_matrix(hand_made))
    assert (rows["alice"].done, rows["alice"].percent_done, rows["alice"].average_best) == (
        4, 100, 75,
    )  # fmt: skip
    assert (rows["bob"].done, rows["bob"].percent_done, rows["bob"].average_best) == (1, 25, 50)
    assert (rows["charlie"].done, rows["charlie"].percent_done) == (0, 0)
    assert rows["charlie"].average_best is None


def test_it_knows_when_each_learner_was_last_active(hand_made):
    rows = _rows(_matrix(hand_made))
    now = timezone.now()
    assert (now - rows["alice"].learner.last_active).total_seconds() < 2 * 3600
    assert 10 <= (now - rows["bob"].learner.last_active).days < 11
    assert rows["charlie"].learner.last_active is None


def test_it_totals_each_lesson_rounding_half_up(hand_made):
    totals = [
        (t.lesson.title, t.done, t.completion_rate, t.average_best)
        for t in _matrix(hand_made).totals
    ]
    assert totals == [
        ("Pods", 2, 67, 75),
        ("Services", 1, 33, 63),
        ("Volumes", 1, 33, None),
        ("Architecture", 1, 33, 50),
    ]


def test_it_recomputes_the_totals_for_a_category(hand_made, basic):
    matrix = _matrix(hand_made, category=basic.pk)
    rows = _rows(matrix)
    assert [lesson.title for lesson in matrix.lessons] == ["Pods", "Services", "Volumes"]
    # alice: 3 of 3, (100 + 75) / 2 = 87.5 -> 88; bob: 1 of 3 = 33%, (50 + 50) / 2 = 50.
    assert (rows["alice"].percent_done, rows["alice"].average_best) == (100, 88)
    assert (rows["bob"].percent_done, rows["bob"].average_best) == (33, 50)


def test_it_counts_the_group_and_the_pace(hand_made):
    matrix = _matrix(hand_made)
    assert matrix.learner_count == 3
    assert matrix.scope_size == 4
    assert matrix.expected_now == 2
    assert matrix.average_done == pytest.approx(5 / 3)
    assert matrix.attention_count == 2


def test_it_limits_the_scope_to_the_group_categories(hand_made, cka):
    hand_made.group.categories.set([cka])
    matrix = _matrix(hand_made)
    assert [lesson.title for lesson in matrix.lessons] == ["Architecture"]
    assert _rows(matrix)["alice"].percent_done == 100
    assert _rows(matrix)["bob"].percent_done == 0


def test_it_shows_the_numbers_on_the_page(hand_made):
    client = logged_in(hand_made.teacher)
    response = client.get(reverse("groups:dashboard", args=[hand_made.group.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<td class="cell heat-4">✓ 100</td>' in html
    assert '<td class="cell heat-2 below-pass">50</td>' in html  # bob's Services
    assert '<td class="num">67%</td>' in html  # Pods' completion rate
    assert '<td class="num">63</td>' in html  # Services' average best score
    assert "앨리스" in html and "밥" in html and "charlie" in html
    assert "dave" not in html


def test_it_counts_reading_the_group_lessons_as_activity_but_not_other_lessons(hand_made, cka):
    hand_made.group.categories.set([cka])  # only Architecture
    ReadingPosition.objects.create(user=hand_made.charlie, lesson=hand_made.lessons[3])
    complete(hand_made.bob, hand_made.lessons[1])  # Services: outside the scope now
    rows = _rows(_matrix(hand_made))
    assert (timezone.now() - rows["charlie"].learner.last_active).total_seconds() < 60
    assert rows["bob"].learner.last_active is None


def test_each_row_links_the_learner_and_says_when_they_were_last_active(hand_made):
    group = hand_made.group
    bob_seen = timezone.localtime(_rows(_matrix(hand_made))["bob"].learner.last_active)
    html = logged_in(hand_made.teacher).get(reverse("groups:dashboard", args=[group.pk]))
    html = html.content.decode()
    bob_url = reverse("groups:dashboard_learner", args=[group.pk, hand_made.bob.pk])
    assert f'<a href="{bob_url}">밥</a>' in html
    assert f'<time datetime="{bob_seen.isoformat()}">' in html
    assert "<td>없음</td>" in html  # charlie: never active
    assert '<span class="chip bad reason-below_pass" title="' in html  # the whole reason


def test_names_and_reasons_in_the_rows_are_escaped(hand_made):
    hand_made.bob.display_name = '<img src=x onerror="alert(1)">'
    hand_made.bob.save()
    hand_made.lessons[0].title = "Pods & <b>more</b>"
    hand_made.lessons[0].save()
    html = logged_in(hand_made.teacher).get(reverse("groups:dashboard", args=[hand_made.group.pk]))
    html = html.content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "<b>more</b>" not in html
    assert "Pods &amp; &lt;b&gt;more&lt;/b&gt;" in html  # its column, bob's reason


def test_a_group_whose_categories_have_no_published_lesson_yet(hand_made):
    empty = Category.objects.create(name="Coming soon", slug="coming-soon")
    hand_made.group.categories.set([empty])
    matrix = _matrix(hand_made)
    assert matrix.lessons == [] and matrix.learner_count == 3
    assert all(row.cells == [] and row.learner.last_active is None for row in matrix.rows)
    html = logged_in(hand_made.teacher).get(reverse("groups:dashboard", args=[hand_made.group.pk]))
    assert html.status_code == 200
    assert "아직 게시된 레슨이 없습니다" in html.content.decode()
