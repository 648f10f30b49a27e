"""The mock exam's integrity, each test a finding of the exam review (all failed before): lessons
not visible yet, replayable choice order, a drawn question answerable elsewhere, unlimited
sittings, unbounded numbers, a save that loses the race with "finish", a late answer
that left the sitting open, and "finish" that asked nothing."""

import random
import re
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from lessons.exams import mock as mock_exams
from lessons.models import Exam, Lesson, MockSitting, Question, Quiz, QuizAttempt, ReviewItem
from lessons.quizzes.views import present_questions
from tests.conftest import make_lesson
from tests.helpers.quiz_fixtures import QUESTIONS, add_question, answer_fields, with_token
from tests.lessons.exams.exam_fixtures import make_exam, post_answer, question_url, tag_questions

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def exam(basic):
    exam = make_exam(questions_per_sitting=10)
    tag_questions(basic, exam, per_domain=6)
    return exam


def start(client: Client, exam) -> MockSitting:
    response = client.post(reverse("lessons:mock_start", args=[exam.slug]))
    assert response.status_code == 302, response
    return MockSitting.objects.latest("id")


def shown_order(page: str, question: Question) -> list[str]:
    """The texts of a question's choices in the order the page shows them."""
    fieldset = page.split(f'id="question-{question.id}"', 1)[1].split("</fieldset>", 1)[0]
    texts = [text for text, _ in QUESTIONS[question.kind]["choices"]]
    return sorted(texts, key=fieldset.index)


def replayed(seed: str, question: Question) -> list[str]:
    """The order an attacker gets by replaying the old public seed on the authored order."""
    choices = [text for text, _ in QUESTIONS[question.kind]["choices"]]
    random.Random(seed).shuffle(choices)
    return choices


def test_it_never_draws_a_question_of_a_lesson_scheduled_for_later(basic, exam):
    later = tag_questions(basic, exam, per_domain=6, title="Later")
    Lesson.objects.filter(title="Later").update(visible_from=timezone.now() + timedelta(days=3))
    later_ids = {q.id for q in later}
    pool = {q for ids in mock_exams.plan(exam).pool.values() for q in ids}
    assert len(pool) == 30 and not pool & later_ids


def test_it_orders_a_sittings_choices_by_a_secret_not_by_the_sitting_id(alice_client, exam):
    sitting = start(alice_client, exam)
    matches, compared = 0, 0
    for item in sitting.questions.select_related("question"):
        if item.question.kind not in ("single", "multiple"):
            continue
        page = alice_client.get(question_url(sitting, item.position)).content.decode()
        seed = f"mock:{sitting.pk}:{item.question_id}"
        compared += 1
        matches += shown_order(page, item.question) == replayed(seed, item.question)
    assert compared >= 3
    assert matches < compared


def test_it_orders_a_visitors_choices_so_that_no_replay_recovers_them(basic):
    lesson = make_lesson(basic, "Choices", 1)
    quiz = Quiz.objects.create(lesson=lesson)
    questions = [add_question(quiz, "single", n) for n in range(1, 7)]
    page = Client().get(reverse("lessons:quiz", args=[lesson.slug])).content.decode()
    replays = [shown_order(page, q) == replayed(f"anonymous:{q.id}", q) for q in questions]
    assert not all(replays)


def test_the_choice_order_depends_on_the_servers_secret(basic):
    lesson = make_lesson(basic, "Secret", 1)
    quiz = Quiz.objects.create(lesson=lesson)
    questions = [add_question(quiz, "single", n) for n in range(1, 9)]
    questions = list(Question.objects.filter(quiz=quiz).prefetch_related("choices"))

    def orders():
        shown = present_questions(questions, "mock:1:salt", "token")
        return [[c["text"] for c in item["choices"]] for item in shown]

    with override_settings(SECRET_KEY="one secret " * 5):
        first = orders()
    with override_settings(SECRET_KEY="another secret " * 5):
        second = orders()
    assert first != second


def test_a_question_in_an_open_sitting_is_not_answerable_in_its_quiz(alice, alice_client, exam):
    sitting = start(alice_client, exam)
    lesson = Lesson.objects.get(title="Exam lesson")
    quiz_url = reverse("lessons:quiz", args=[lesson.slug])
    page = alice_client.get(quiz_url).content.decode()
    assert "Your mock exam of Test exam is open" in page
    assert 'id="quiz-form"' not in page
    question = sitting.questions.select_related("question").first().question
    response = alice_client.post(quiz_url, {f"q{question.id}": "CoreDNS", "form_token": "x" * 20})
    assert response.status_code == 409
    assert not QuizAttempt.objects.exists()
    mock_exams.finish(sitting)
    assert 'id="quiz-form"' in alice_client.get(quiz_url).content.decode()


def test_an_earlier_attempt_hides_its_key_while_a_sitting_holds_the_question(
    alice, alice_client, exam
):
    lesson = Lesson.objects.get(title="Exam lesson")
    questions = lesson.quiz.questions.prefetch_related("choices")
    token = "t" * 20
    fields = with_token(token, answer_fields(questions)) | {"form_token": token}
    alice_client.post(reverse("lessons:quiz", args=[lesson.slug]), fields)
    attempt = QuizAttempt.objects.get()
    url = reverse("lessons:quiz_attempt", args=[lesson.slug, attempt.pk])
    assert QUESTIONS["single"]["explanation"] in alice_client.get(url).content.decode()
    explanation = QUESTIONS["single"]["explanation"]
    sitting = start(alice_client, exam)
    page = alice_client.get(url).content.decode()
    assert "Your mock exam of Test exam is open" in page and explanation not in page
    mock_exams.finish(sitting)
    assert "Your mock exam" not in alice_client.get(url).content.decode()


def test_the_review_queue_waits_for_the_sitting_to_end(alice, alice_client, exam):
    sitting = start(alice_client, exam)
    held = sitting.questions.first().question
    ReviewItem.objects.create(user=alice, question=held, due_at=timezone.now())
    from lessons.review import queue as review

    assert review.due_count(alice) == 0
    assert not review.queue(alice).filter(question=held).exists()
    mock_exams.finish(sitting)
    assert review.queue(alice).filter(question=held).exists()


def test_one_open_sitting_at_a_time_whatever_the_exam(alice_client, basic, exam):
    other = Exam.objects.create(name="Other exam", slug="other-exam", sittings_per_day=5)
    from lessons.models import Domain

    Domain.objects.create(exam=other, name="All", slug="all", weight=100)
    tag_questions(basic, other, per_domain=3, title="Other lesson")
    start(alice_client, exam)
    response = alice_client.post(reverse("lessons:mock_start", args=[other.slug]), follow=True)
    assert "Your mock exam of Test exam is still open: finish it first." in (
        response.content.decode()
    )
    assert MockSitting.objects.count() == 1


def test_a_learner_may_start_only_the_days_limit_of_sittings(alice_client, alice, exam):
    Exam.objects.filter(pk=exam.pk).update(sittings_per_day=2)
    exam.refresh_from_db()
    for _ in range(2):
        mock_exams.finish(start(alice_client, exam))
    url = reverse("lessons:mock_start", args=[exam.slug])
    page = alice_client.get(url).content.decode()
    assert "You may start 2 mock exams of this exam a day; you started 2 today." in page
    assert "Start the mock exam" not in page
    response = alice_client.post(url, follow=True)
    assert "You have started 2 mock exams of this exam today, the most a day." in (
        response.content.decode()
    )
    assert MockSitting.objects.count() == 2


@pytest.mark.parametrize("go", ["²", "9" * 5000, "0", "11", "-1", "1e3", "next "])
def test_a_go_that_is_not_on_the_page_is_refused_and_saves_nothing(alice_client, exam, go):
    sitting = start(alice_client, exam)
    response = post_answer(alice_client, sitting, 1, go=go)
    assert response.status_code == 400
    assert not sitting.questions.filter(is_correct__isnull=False).exists()


def test_a_go_to_a_question_number_moves_there(alice_client, exam):
    sitting = start(alice_client, exam)
    response = post_answer(alice_client, sitting, 1, go="7")
    assert response["Location"] == question_url(sitting, 7)


@pytest.mark.parametrize("htmx", [False, True])
def test_a_save_that_loses_the_race_with_finish_goes_quietly_to_the_result(
    alice_client, exam, htmx
):
    sitting = start(alice_client, exam)
    mock_exams.finish(sitting)
    headers = {"HX-Request": "true"} if htmx else None
    response = post_answer(alice_client, sitting, 1, headers=headers)
    result = reverse("lessons:mock_sitting", args=[exam.slug, sitting.pk])
    if htmx:
        assert response.status_code == 200 and response["HX-Redirect"] == result
    else:
        assert response.status_code == 302 and response["Location"] == result
    assert not sitting.questions.filter(is_correct__isnull=False).exists()


def test_a_late_answer_finishes_the_sitting_at_once(alice_client, exam, monkeypatch):
    sitting = start(alice_client, exam)
    post_answer(alice_client, sitting, 1)
    late = sitting.deadline + mock_exams.GRACE + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: late)
    response = post_answer(alice_client, sitting, 2, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("lessons:mock_sitting", args=[exam.slug, sitting.pk])
    sitting.refresh_from_db()
    assert sitting.is_finished and sitting.timed_out and sitting.score == 1


def test_finish_asks_first_when_questions_are_unanswered_or_flagged(alice_client, exam):
    sitting = start(alice_client, exam)
    for position in range(1, 11):
        post_answer(alice_client, sitting, position, flag="on" if position == 4 else "")
    response = post_answer(alice_client, sitting, 10, go="finish")
    confirm = reverse("lessons:mock_finish", args=[exam.slug, sitting.pk])
    assert response["Location"] == confirm
    page = alice_client.get(confirm).content.decode()
    assert "1 question is flagged for review:" in page
    assert question_url(sitting, 4) in page and "not answered" not in page
    sitting.refresh_from_db()
    assert not sitting.is_finished
    response = alice_client.post(confirm)
    assert response["Location"] == reverse("lessons:mock_sitting", args=[exam.slug, sitting.pk])
    sitting.refresh_from_db()
    assert sitting.is_finished and sitting.score == 10


def test_finish_ends_at_once_when_nothing_is_left_to_check(alice_client, exam):
    sitting = start(alice_client, exam)
    for position in range(1, 11):
        post_answer(alice_client, sitting, position)
    response = post_answer(alice_client, sitting, 10, go="finish")
    assert response["Location"] == reverse("lessons:mock_sitting", args=[exam.slug, sitting.pk])


def test_the_confirmation_lists_the_unanswered_questions(alice_client, exam):
    sitting = start(alice_client, exam)
    post_answer(alice_client, sitting, 1)
    response = alice_client.post(question_url(sitting, 2), {"go": "finish"}, follow=True)
    page = response.content.decode()
    assert "9 questions are not answered:" in page
    assert question_url(sitting, 2) in page and question_url(sitting, 1) not in page


def test_a_flag_shows_in_the_questions_list(alice_client, exam):
    sitting = start(alice_client, exam)
    response = post_answer(alice_client, sitting, 3, flag="on", headers={"HX-Request": "true"})
    assert "(flagged for review)" in response.content.decode()
    assert "1 flagged for review." in response.content.decode()
    page = alice_client.get(question_url(sitting, 3)).content.decode()
    assert re.search(r'name="flag" checked', page)
    assert sitting.questions.get(position=3).flagged


def test_the_question_page_has_a_skip_link_and_the_offline_notice(alice_client, exam):
    sitting = start(alice_client, exam)
    page = alice_client.get(question_url(sitting, 1)).content.decode()
    question_id = sitting.questions.get(position=1).question_id
    skip = page.index(f'href="#question-{question_id}"')
    assert skip < page.index('id="exam-nav"')
    assert "Your answers are kept in this browser" in page
    assert '<dialog id="finish-dialog"' in page


def test_the_time_up_post_finishes_the_sitting(alice_client, exam, monkeypatch):
    sitting = start(alice_client, exam)
    monkeypatch.setattr(timezone, "now", lambda: sitting.deadline + timedelta(seconds=1))
    response = alice_client.post(reverse("lessons:mock_finish", args=[exam.slug, sitting.pk]))
    assert response["Location"] == reverse("lessons:mock_sitting", args=[exam.slug, sitting.pk])
    sitting.refresh_from_db()
    assert sitting.is_finished and sitting.timed_out


def test_new_pages_take_a_fixed_number_of_queries(
    alice_client, exam, django_assert_max_num_queries
):
    sitting = start(alice_client, exam)
    with django_assert_max_num_queries(8):
        url = reverse("lessons:mock_finish", args=[exam.slug, sitting.pk])
        assert alice_client.get(url).status_code == 200
    with django_assert_max_num_queries(10):
        url = reverse("lessons:quiz", args=["exam-lesson"])
        assert alice_client.get(url).status_code == 200
