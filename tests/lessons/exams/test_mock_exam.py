"""The timed mock exam: the draw, the server's clock, saving as the learner goes, forged
posts, and the result."""

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lessons.exams import mock as mock_exams
from lessons.kernel.signals import questions_answered
from lessons.models import Domain, Lesson, MockSitting, SittingQuestion
from tests.lessons.exams.exam_fixtures import (
    WEIGHTS,
    make_exam,
    post_answer,
    question_url,
    tag_questions,
)

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def exam(basic):
    exam = make_exam(questions_per_sitting=10)
    tag_questions(basic, exam, per_domain=6)
    return exam


def start(client: Client, exam) -> MockSitting:
    response = client.post(reverse("lessons:mock_start", args=[exam.slug]))
    assert response.status_code == 302
    return MockSitting.objects.latest("id")


def test_apportion_is_largest_remainder_and_fills_from_others():
    weights = {1: 30, 2: 25, 3: 20, 4: 15, 5: 10}
    plenty = dict.fromkeys(weights, 100)
    assert mock_exams.apportion(20, weights, plenty) == {1: 6, 2: 5, 3: 4, 4: 3, 5: 2}
    assert mock_exams.apportion(10, weights, plenty) == {1: 3, 2: 3, 3: 2, 4: 1, 5: 1}
    # Storage has no questions: its seats go to the others by weight, the total is kept.
    short = plenty | {5: 0}
    assert mock_exams.apportion(20, weights, short) == {1: 7, 2: 6, 3: 4, 4: 3, 5: 0}
    # Fewer questions than seats: every question, no more.
    assert sum(mock_exams.apportion(20, weights, dict.fromkeys(weights, 2)).values()) == 10


def test_the_draw_follows_the_weights_and_never_repeats(exam):
    """Over 300 sittings each domain's share of the questions is within 2 percentage
    points of its weight; no sitting repeats a question; sittings differ."""
    plan = mock_exams.plan(exam)
    rng = random.Random(7)
    per_domain = Counter()
    sittings = set()
    domains = {d.id: d.slug for d in exam.domains.all()}
    for _ in range(300):
        drawn = mock_exams.draw(plan, rng)
        questions = [item.question_id for item in drawn]
        assert len(questions) == len(set(questions)) == 10
        per_domain.update(domains[item.domain_id] for item in drawn)
        sittings.add(tuple(sorted(questions)))
    for slug, weight in WEIGHTS.items():
        assert abs(100 * per_domain[slug] / 3000 - weight) <= 5
    assert len(sittings) > 250


def test_the_start_page_says_how_many_questions_when_a_domain_is_short(alice_client, basic):
    exam = make_exam(questions_per_sitting=40)
    tag_questions(basic, exam, per_domain=3)
    page = alice_client.get(reverse("lessons:mock_start", args=[exam.slug])).content.decode()
    assert "This mock exam has 15 questions, 30 minutes, pass mark 66%." in page
    assert "the published lessons have only 15" in page


def test_draft_lessons_questions_are_never_drawn(alice_client, basic, exam):
    drafts = tag_questions(basic, exam, per_domain=6, status=Lesson.Status.DRAFT, title="Draft")
    for _ in range(20):
        drawn = {i.question_id for i in mock_exams.draw(mock_exams.plan(exam), random.Random())}
        assert not drawn & {q.id for q in drafts}


def test_weights_that_do_not_add_up_refuse_to_start(alice_client, exam):
    Domain.objects.filter(exam=exam, slug="store").update(weight=5)
    response = alice_client.post(reverse("lessons:mock_start", args=[exam.slug]), follow=True)
    assert "add up to 95; they must add up to 100" in response.content.decode()
    assert not MockSitting.objects.exists()


def test_a_double_click_on_start_makes_one_sitting(alice_client, exam):
    first = start(alice_client, exam)
    second = start(alice_client, exam)
    assert first == second
    assert MockSitting.objects.count() == 1
    assert SittingQuestion.objects.filter(sitting=first).count() == 10


def test_a_reload_mid_sitting_loses_nothing_and_resumes(alice_client, exam):
    sitting = start(alice_client, exam)
    for position in (1, 2, 3):
        response = post_answer(alice_client, sitting, position, go="next")
        assert response.status_code == 302
    # Coming back to the exam (a reload, a lost connection): the first unanswered one.
    response = alice_client.get(reverse("lessons:mock_sitting", args=[exam.slug, sitting.pk]))
    assert response["Location"] == question_url(sitting, 4)
    page = alice_client.get(question_url(sitting, 1)).content.decode()
    item = sitting.questions.get(position=1)
    if item.question.kind == "short":
        assert 'value="CoreDNS"' in page
    else:
        assert " checked" in page
    assert "7 questions not answered yet." in page
    assert sitting.questions.filter(is_correct__isnull=False).count() == 3


def test_htmx_saves_on_change_and_answers_with_a_fragment(alice_client, exam):
    sitting = start(alice_client, exam)
    response = post_answer(alice_client, sitting, 2, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Answer saved at" in page and 'id="exam-nav" hx-swap-oob="true"' in page
    assert "9 questions not answered yet." in page
    assert sitting.questions.get(position=2).is_correct is True


def test_answers_after_the_deadline_and_grace_are_not_counted(alice_client, exam, monkeypatch):
    sitting = start(alice_client, exam)
    post_answer(alice_client, sitting, 1)
    late = sitting.deadline + mock_exams.GRACE + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: late)
    response = post_answer(alice_client, sitting, 2)
    assert response.status_code == 302
    page = alice_client.get(response["Location"]).content.decode()
    assert "Answers sent after that are not counted." in page
    assert "Time ran out" in page
    sitting.refresh_from_db()
    assert sitting.is_finished and sitting.timed_out
    assert sitting.finished_at == sitting.deadline
    assert sitting.questions.get(position=2).is_correct is None
    assert sitting.score == 1


def test_an_answer_within_the_grace_counts(alice_client, exam, monkeypatch):
    sitting = start(alice_client, exam)
    monkeypatch.setattr(timezone, "now", lambda: sitting.deadline + timedelta(seconds=20))
    assert post_answer(alice_client, sitting, 1).status_code == 302
    assert sitting.questions.get(position=1).is_correct is True


def test_a_sitting_left_alone_finishes_at_its_deadline(alice_client, exam, monkeypatch):
    sitting = start(alice_client, exam)
    post_answer(alice_client, sitting, 1)
    monkeypatch.setattr(timezone, "now", lambda: sitting.deadline + timedelta(hours=3))
    page = alice_client.get(reverse("lessons:my_progress")).content.decode()
    sitting.refresh_from_db()
    assert sitting.timed_out and sitting.score == 1
    assert "Time ran out" in page


@pytest.mark.parametrize("forgery", ["other question", "unknown choice"])
def test_forged_answers_are_refused_and_store_nothing(alice_client, exam, forgery):
    sitting = start(alice_client, exam)
    first, second = sitting.questions.select_related("question")[:2]
    url = question_url(sitting, 1)
    if forgery == "other question":
        data = {f"q{second.question_id}": "anything"}
    else:
        data = {f"q{first.question_id}": "not-a-token"}
        if first.question.kind == "short":
            data = {f"q{first.question_id}": "x" * 500}
    response = alice_client.post(url, data)
    assert response.status_code == 400
    assert not SittingQuestion.objects.filter(sitting=sitting, is_correct__isnull=False).exists()


def test_an_autosave_after_finishing_goes_to_the_result_and_stores_nothing(alice_client, exam):
    sitting = start(alice_client, exam)
    first = sitting.questions.first()
    mock_exams.finish(sitting)
    response = alice_client.post(
        question_url(sitting, 1),
        {f"q{first.question_id}": "CoreDNS"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("lessons:mock_sitting", args=[exam.slug, sitting.pk])
    assert not SittingQuestion.objects.filter(sitting=sitting, is_correct__isnull=False).exists()


def test_another_learners_sitting_is_not_found(alice_client, bob, exam):
    sitting = start(alice_client, exam)
    bob_client = Client()
    bob_client.force_login(bob)
    assert bob_client.post(question_url(sitting, 1), {"q1": "x"}).status_code == 404
    assert bob_client.get(question_url(sitting, 1)).status_code == 404
    result = reverse("lessons:mock_sitting", args=[exam.slug, sitting.pk])
    assert bob_client.get(result).status_code == 404
    finish = reverse("lessons:mock_finish", args=[exam.slug, sitting.pk])
    assert bob_client.post(finish).status_code == 404
    sitting.refresh_from_db()
    assert not sitting.is_finished
    assert alice_client.get(question_url(sitting, 11)).status_code == 404


def test_the_result_scores_per_domain_and_explains_each_miss(alice_client, alice, exam):
    sent = []

    def listener(sender, user, results, **kwargs):
        sent.append((user, results))

    questions_answered.connect(listener)
    try:
        sitting = start(alice_client, exam)
        for position in range(1, 8):
            post_answer(alice_client, sitting, position, right=position <= 6)
        response = alice_client.post(question_url(sitting, 8), {"go": "finish-now"}, follow=True)
    finally:
        questions_answered.disconnect(listener)
    page = response.content.decode()
    assert "Score: 6 / 10 (60%)" in page
    assert "Not passed (pass mark 66%)" in page
    assert "3 questions were not answered." in page
    for slug in WEIGHTS:
        assert f'<th scope="row">{slug.title()}</th>' in page
    assert page.count('class="answer is-wrong"') == 4
    assert "Re-read §Exam lesson 첫 절" in page
    assert "/lessons/exam-lesson/#" in page
    ((user, results),) = sent
    assert user == alice and len(results) == 10
    assert sum(correct for _, correct in results) == 6


def test_my_progress_lists_the_sittings(alice_client, exam):
    sitting = start(alice_client, exam)
    post_answer(alice_client, sitting, 1)
    mock_exams.finish(sitting)
    page = alice_client.get(reverse("lessons:my_progress")).content.decode()
    assert "Mock exams" in page
    assert reverse("lessons:mock_sitting", args=[exam.slug, sitting.pk]) in page
    assert "1 / 10 (10%)" in page


def test_pages_take_a_fixed_number_of_queries(
    alice_client, alice, exam, django_assert_max_num_queries
):
    """A long history of sittings changes nothing in the number of queries."""
    for _ in range(30):
        sitting = mock_exams.start(alice, exam)
        for item in sitting.questions.all()[:5]:
            item.is_correct, item.answered_at = True, timezone.now()
            item.save()
        mock_exams.finish(sitting)
    result = MockSitting.objects.filter(user=alice).first()
    sitting = start(alice_client, exam)
    with django_assert_max_num_queries(14):
        assert alice_client.get(question_url(sitting, 1)).status_code == 200
    with django_assert_max_num_queries(16):
        assert post_answer(alice_client, sitting, 2).status_code == 302
    with django_assert_max_num_queries(12):
        url = reverse("lessons:mock_sitting", args=[result.exam.slug, result.pk])
        assert alice_client.get(url).status_code == 200
    with django_assert_max_num_queries(12):
        url = reverse("lessons:mock_start", args=[exam.slug])
        assert alice_client.get(url).status_code == 200


def sitting_tables_rendered(response) -> int:
    return sum(t.name == "lessons/exams/_sitting_history.html" for t in response.templates)


@pytest.mark.parametrize("page", ["lessons:my_progress", "readiness"])
def test_an_open_sittings_table_is_kept_until_its_time_can_run_out(
    alice_client, exam, monkeypatch, page
):
    url = reverse("lessons:exam", args=[exam.slug]) if page == "readiness" else reverse(page)
    sitting = start(alice_client, exam)
    post_answer(alice_client, sitting, 1)
    first = alice_client.get(url)
    again = alice_client.get(url)
    assert sitting_tables_rendered(first) == 1 and "In progress" in first.content.decode()
    assert sitting_tables_rendered(again) == 0 and "In progress" in again.content.decode()

    # Just within the grace the table still holds; past it, the table is read again and
    # the sitting that ran out is finished there.
    monkeypatch.setattr(
        timezone, "now", lambda: sitting.deadline + mock_exams.GRACE - timedelta(seconds=1)
    )
    assert sitting_tables_rendered(alice_client.get(url)) == 0
    late = sitting.deadline + mock_exams.GRACE + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: late)
    ran_out = alice_client.get(url).content.decode()
    assert "Time ran out" in ran_out and "In progress" not in ran_out
    sitting.refresh_from_db()
    assert sitting.timed_out and sitting.score == 1
