"""A cohort's dashboard: above 50 learners (or 2,500 cells) the instructor sees a summary
per section first and the learners a page at a time; its figures agree with the whole
matrix's, and the CSV still holds every learner, written a chunk of learners at a time."""

import csv
import io
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lessons.models import Completion, Lesson, Quiz
from portal.dashboards import cohort, export, figure_cache, figures, matrix
from portal.dashboards.learners import Filters
from portal.groups.scope import scope_lessons
from portal.models import StudyGroup
from tests.helpers.groups import attempt, complete, htmx_get, logged_in
from tests.helpers.quiz_fixtures import make_quiz
from tests.portal.dashboards.test_dashboard_queries import _bulk_group

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ROW = re.compile(r'<th scope="row" class="learner-col"><a href="[^"]+">([^<]+)</a></th>')


@pytest.fixture
def cohort_group():
    """70 learners × 40 lessons, a weekly pace of 2 lessons (so 20 weeks)."""
    return _bulk_group("cohort", 70, 40)


def _dashboard(group: StudyGroup) -> str:
    return reverse("groups:dashboard", args=[group.pk])


@pytest.mark.parametrize(
    ("learners", "lessons", "expected"),
    [(50, 50, False), (51, 1, True), (10, 250, False), (10, 251, True), (0, 0, False)],
)
def test_a_group_is_a_cohort_above_50_learners_or_2500_cells(learners, lessons, expected):
    assert cohort.is_cohort(learners, lessons) is expected


def test_a_small_group_keeps_the_whole_matrix(hand_made):
    html = logged_in(hand_made.teacher).get(_dashboard(hand_made.group)).content.decode()
    assert "Sections, whole group" not in html
    assert 'hx-trigger="every 60s"' in html
    assert "Lessons done per week" in html


def test_a_cohort_sees_the_sections_first_and_50_learners(cohort_group):
    group, teacher = cohort_group
    response = logged_in(teacher).get(_dashboard(group))
    html = response.content.decode()
    assert "Sections, whole group" in html
    assert html.count('<a href="?section=w') == 20 * 2  # the summary's row and the column
    assert "Learners 1–50 of 70 shown (70 in the group)." in html
    assert len(ROW.findall(html)) == 50
    # The next learners: a real link, and htmx asks for the rows alone.
    assert 'href="?page=2"' in html
    assert 'hx-get="?page=2&amp;rows=1"' in html
    # The chart and the hardest questions come later, with a link that shows them.
    assert "Questions the group finds hardest" not in html
    assert 'href="?panel=activity#dashboard-activity"' in html
    assert len(response.content) < 300_000


def test_the_next_learners_come_as_rows_or_as_a_page(cohort_group):
    group, teacher = cohort_group
    client = logged_in(teacher)
    first = ROW.findall(client.get(_dashboard(group)).content.decode())
    page = client.get(_dashboard(group) + "?page=2").content.decode()
    assert "Learners 51–70 of 70 shown" in page
    assert 'href="?page=2"' not in page and 'href="?page=3"' not in page
    assert '<a href="?page=1">Previous learners</a>' in page
    rows = htmx_get(client, _dashboard(group) + "?page=2&rows=1").content.decode()
    assert rows.lstrip().startswith("<tr>") and "<html" not in rows
    second = ROW.findall(rows)
    assert second == ROW.findall(page)
    assert len(second) == 20 and not set(first) & set(second)
    # A page past the end is the last page.
    assert ROW.findall(client.get(_dashboard(group) + "?page=99").content.decode()) == second


def test_a_section_opens_into_its_lessons(cohort_group):
    group, teacher = cohort_group
    client = logged_in(teacher)
    html = client.get(_dashboard(group) + "?section=w2").content.decode()
    assert "Week 2: each lesson, whole group" in html
    head = html[html.index('<table class="table matrix') :]
    head = head[: head.index("</thead>")]
    assert [title for title in ("cohort 2", "cohort 3") if f">{title}</a></th>" in head] == [
        "cohort 2",
        "cohort 3",
    ]
    assert ">cohort 4</a>" not in head and "Week 1" not in head
    assert 'href="?"' in html  # back to every section
    # The section stays open when a filter changes (the form carries it) and in htmx.
    assert 'name="section" value="w2"' in html
    fragment = htmx_get(client, _dashboard(group) + "?section=w2").content.decode()
    assert fragment.lstrip().startswith('<section id="dashboard-results"')
    assert "Week 2: each lesson, whole group" in fragment
    # An unknown section is ignored.
    html = client.get(_dashboard(group) + "?section=w999").content.decode()
    assert "Sections, whole group" in html


def test_its_figures_are_the_matrix_figures(cohort_group):
    """Per learner, the cohort's summary (grouped in SQL) and the matrix (built from every
    cell) agree: done, average best score, last activity and who needs attention."""
    group, _ = cohort_group
    now = timezone.now()
    lessons = scope_lessons(group)
    for filters in (Filters(), Filters(sort="-progress"), Filters(sort="last_active")):
        whole = matrix.build_matrix(group, lessons, filters, now)
        table = cohort.build_cohort(group, lessons, filters, 1, now)
        assert table.attention_count == whole.attention_count > 0
        assert table.average_done == pytest.approx(whole.average_done)
        by_learner = {row.learner.user_id: row for row in whole.rows}
        for summary in table.summaries:
            row = by_learner[summary.learner.user_id]
            assert summary.percent_done == row.percent_done
            assert summary.average_best == row.average_best
            assert summary.learner.last_active == row.learner.last_active
            assert summary.needs_attention == bool(row.reasons)
        ids = [summary.learner.user_id for summary in table.summaries]
        assert ids == [row.learner.user_id for row in whole.rows]
        for row in table.rows:
            assert row.reasons == by_learner[row.learner.user_id].reasons
    # An opened week: its cells and totals are the matrix's for that week's lessons.
    week = cohort.build_cohort(group, lessons, Filters(section="w3"), 1, now)
    whole = matrix.build_matrix(group, lessons, Filters(), now)
    columns = [index for index, lesson in enumerate(lessons) if lesson in week.opened.lessons]
    by_learner = {row.learner.user_id: row for row in whole.rows}
    for row in week.rows:
        cells = by_learner[row.learner.user_id].cells
        assert row.cells == [cells[index] for index in columns]
        assert row.done == sum(cell.done for cell in row.cells)
        assert row.reasons == by_learner[row.learner.user_id].reasons


def test_filters_and_sorting_work_at_cohort_size(cohort_group):
    group, teacher = cohort_group
    client = logged_in(teacher)
    now = timezone.now()
    table = cohort.build_cohort(group, scope_lessons(group), Filters(), 1, now)
    html = client.get(_dashboard(group) + "?attention=1").content.decode()
    assert f"of {table.attention_count} shown (70 in the group)" in html
    html = client.get(_dashboard(group) + "?q=%ED%95%99%EC%8A%B5%EC%9E%90+1").content.decode()
    names = ROW.findall(html)
    assert names and all("학습자 1" in name for name in names)
    assert len(names) == 11  # 학습자 1 and 학습자 10-19
    least = ROW.findall(client.get(_dashboard(group) + "?sort=progress").content.decode())
    most = ROW.findall(client.get(_dashboard(group) + "?sort=-progress").content.decode())
    assert least[0] != most[0]
    html = client.get(_dashboard(group) + "?q=nobody").content.decode()
    assert "No learner matches these filters." in html


def test_category_sections_split_a_large_category_in_parts(cohort_group):
    group, teacher = cohort_group
    StudyGroup.objects.filter(pk=group.pk).update(pace=StudyGroup.Pace.NONE)
    html = logged_in(teacher).get(_dashboard(group)).content.decode()
    assert "cohort, lessons 1–20" in html and "cohort, lessons 21–40" in html
    category = group.categories.get()
    assert f'href="?section=c{category.pk}-2"' in html


def _csv(response) -> list[list[str]]:
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_csv_holds_every_learner_written_a_chunk_at_a_time(cohort_group, monkeypatch):
    group, teacher = cohort_group
    client = logged_in(teacher)
    url = reverse("groups:dashboard_csv", args=[group.pk]) + "?sort=-progress"
    whole = _csv(client.get(url))
    assert len(whole) == 1 + 70 + 2
    assert len(whole[0]) == 7 + 2 * 40

    chunks = []
    fetch = figures.group_cells

    def spy(learners, lessons):
        chunks.append(len(learners))
        return fetch(learners, lessons)

    monkeypatch.setattr(export, "CHUNK", 8)
    monkeypatch.setattr(figures, "group_cells", spy)
    response = client.get(url)
    assert chunks == []  # nothing is read before the response is
    assert _csv(response) == whole
    assert chunks == [8] * 8 + [6]
    # The same learners in the same order as the dashboard.
    page = ROW.findall(client.get(_dashboard(group) + "?sort=-progress").content.decode())
    assert [row[0] for row in whole[1:51]] == page


def test_its_cached_figures_follow_a_lesson_done_and_a_quiz_taken(cohort_group):
    group, _ = cohort_group
    lessons = scope_lessons(group)
    learner = group.memberships.filter(role="learner").order_by("user_id").first().user

    def done_and_tried() -> tuple[int, int]:
        table = cohort.build_cohort(group, lessons, Filters(), 1, timezone.now())
        summary = next(s for s in table.summaries if s.learner.user_id == learner.pk)
        return summary.scope_done, sum(t.attempted for t in summary.per_section)

    done, tried = done_and_tried()
    lesson = (
        Lesson.objects.filter(category__study_groups=group)
        .exclude(completions__user=learner)
        .first()
    )
    complete(learner, lesson)
    assert done_and_tried() == (done + 1, tried)
    # Undone: shown once the cached figures expire (CACHE_SECONDS), here at once.
    Completion.objects.filter(user=learner, lesson=lesson).delete()
    cache.clear()
    assert done_and_tried() == (done, tried)
    untried = (
        Quiz.objects.filter(lesson__category__study_groups=group)
        .exclude(attempts__user=learner)
        .first()
    )
    attempt(learner, untried, 1, 1)
    assert done_and_tried() == (done, tried + 1)


def _tally_queries(queries) -> int:
    """The grouped queries that work a cohort's figures out (over every completion and
    attempt of its learners)."""
    return sum("GROUP BY" in query["sql"] for query in queries.captured_queries)


def test_its_figures_stay_kept_while_only_other_groups_learn(cohort_group, alice, lessons):
    """Another learner's completion or quiz attempt elsewhere in the portal does not make
    the cohort's figures be worked out again; one of its own learners' does."""
    group, _ = cohort_group
    scope = scope_lessons(group)

    def build() -> tuple[cohort.Cohort, int]:
        with CaptureQueriesContext(connection) as queries:
            table = cohort.build_cohort(group, scope, Filters(), 1, timezone.now())
        return table, _tally_queries(queries)

    first, worked_out = build()
    assert worked_out >= 2
    complete(alice, lessons[0])
    quiz, _questions = make_quiz(lessons[1], 1)
    attempt(alice, quiz, 0, 1)
    again, worked_out = build()
    assert worked_out == 0
    assert [s.scope_done for s in again.summaries] == [s.scope_done for s in first.summaries]

    learner, lesson = _first_learner_and_a_lesson_to_do(group, scope)
    complete(learner, lesson)
    after, worked_out = build()
    assert worked_out >= 2
    mine = {s.learner.user_id: s.scope_done for s in after.summaries}
    before = {s.learner.user_id: s.scope_done for s in first.summaries}
    assert mine[learner.pk] == before[learner.pk] + 1


def _first_learner_and_a_lesson_to_do(group: StudyGroup, scope) -> tuple:
    """The group's first learner and a lesson of `scope` they have not done."""
    learner = group.memberships.filter(role="learner").order_by("user_id").first().user
    lesson = next(x for x in scope if not Completion.objects.filter(user=learner, lesson_id=x.id))
    return learner, Lesson.objects.get(pk=lesson.id)


def _done(group: StudyGroup, scope, learner) -> int:
    """The learner's lessons done, as the cohort's dashboard shows them."""
    table = cohort.build_cohort(group, scope, Filters(), 1, timezone.now())
    return next(s.scope_done for s in table.summaries if s.learner.user_id == learner.pk)


def test_a_worker_never_reads_figures_another_has_built_again_since(cohort_group):
    """Each worker keeps the figures it last read; when another worker has worked them
    out again (a learner's new completion), the old ones are not served."""
    group, _ = cohort_group
    scope = scope_lessons(group)
    learner, lesson = _first_learner_and_a_lesson_to_do(group, scope)
    before = _done(group, scope, learner)
    this_worker = dict(figure_cache.RECENT)
    complete(learner, lesson)
    assert _done(group, scope, learner) == before + 1  # built again, as another worker would
    figure_cache.RECENT.clear()
    figure_cache.RECENT.update(this_worker)  # this worker still holds the old figures
    assert _done(group, scope, learner) == before + 1


def test_its_figures_follow_the_newest_completion_undone(cohort_group):
    """Undoing a completion shows within the minute; undoing the newest one in the portal
    (the learner's last click) shows at once."""
    group, _ = cohort_group
    scope = scope_lessons(group)
    learner, lesson = _first_learner_and_a_lesson_to_do(group, scope)
    complete(learner, lesson)
    before = _done(group, scope, learner)
    Completion.objects.filter(user=learner, lesson=lesson).delete()
    assert _done(group, scope, learner) == before - 1
