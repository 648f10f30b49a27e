"""The review queue's rules: Leitner moves, exact due times, what enters the queue and
what never shows (lessons/review/queue.py)."""

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lessons.kernel.signals import questions_answered
from lessons.models import Lesson, QuizAttempt, ReviewItem
from lessons.review import queue as review
from tests.conftest import make_lesson
from tests.helpers.quiz_fixtures import (
    answer_fields,
    form_token,
    make_every_kind_quiz,
    make_quiz,
    with_token,
)

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
# A Monday evening in Seoul; the next local midnight is Tuesday 3 March.
MONDAY_9PM = datetime(2026, 3, 2, 21, 0, tzinfo=SEOUL)


def at(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SEOUL)


@pytest.fixture(autouse=True)
def seoul_time(settings):
    settings.TIME_ZONE = "Asia/Seoul"


@pytest.fixture
def questions(basic):
    return make_quiz(make_lesson(basic, "Pods"), 4)[1]


def miss(user, question, when: datetime) -> None:
    with mock.patch("django.utils.timezone.now", return_value=when):
        questions_answered.send(sender=QuizAttempt, user=user, results=[(question.id, False)])


def review_answer(user, question, correct: bool, when: datetime) -> ReviewItem:
    item = ReviewItem.objects.get(user=user, question=question)
    review.answer(user, item, correct, when)
    return ReviewItem.objects.get(pk=item.pk)


def test_it_puts_a_missed_question_in_box_1_due_from_the_next_midnight(alice, questions):
    miss(alice, questions[0], MONDAY_9PM)

    item = ReviewItem.objects.get()
    assert (item.user, item.question, item.box) == (alice, questions[0], 1)
    assert item.due_at == at(2026, 3, 3)
    assert item.times_missed == 1
    assert item.last_missed_at == MONDAY_9PM


def test_it_is_due_at_midnight_not_a_minute_before(alice, questions):
    miss(alice, questions[0], MONDAY_9PM)

    assert review.today(alice, at(2026, 3, 2, 23, 59)).due == 0
    assert review.today(alice, at(2026, 3, 3, 0, 0)).due == 1
    assert review.next_item(alice, at(2026, 3, 2, 23, 59)) is None
    assert review.next_item(alice, at(2026, 3, 3, 7)).question == questions[0]


def test_it_moves_a_right_answer_up_a_box_at_a_time_and_retires_it_after_box_5(alice, questions):
    question = questions[0]
    miss(alice, question, MONDAY_9PM)
    # Each review on the morning the item falls due: 1, 3, 7, 14 and 30 days apart.
    expected = [
        (at(2026, 3, 3, 8), 2, at(2026, 3, 6)),
        (at(2026, 3, 6, 8), 3, at(2026, 3, 13)),
        (at(2026, 3, 13, 8), 4, at(2026, 3, 27)),
        (at(2026, 3, 27, 8), 5, at(2026, 4, 26)),
    ]
    for when, box, due_at in expected:
        item = review_answer(alice, question, True, when)
        assert (item.box, item.due_at, item.retired_at) == (box, due_at, None)
        assert item.last_reviewed_at == when
        assert item.last_review_correct is True

    item = review_answer(alice, question, True, at(2026, 4, 26, 8))

    assert item.retired_at == at(2026, 4, 26, 8)
    assert item.times_reviewed == 5
    assert review.today(alice, at(2027, 1, 1)).due == 0


def test_it_sends_a_wrong_review_answer_back_to_box_1(alice, questions):
    question = questions[0]
    miss(alice, question, MONDAY_9PM)
    for when in (at(2026, 3, 3, 8), at(2026, 3, 6, 8), at(2026, 3, 13, 8)):
        review_answer(alice, question, True, when)

    item = review_answer(alice, question, False, at(2026, 3, 27, 22, 30))

    assert (item.box, item.due_at) == (1, at(2026, 3, 28))
    assert item.last_review_correct is False


def test_it_sends_a_question_missed_again_in_a_quiz_back_to_box_1(alice, questions):
    question = questions[0]
    miss(alice, question, MONDAY_9PM)
    review_answer(alice, question, True, at(2026, 3, 3, 8))
    review_answer(alice, question, True, at(2026, 3, 6, 8))

    miss(alice, question, at(2026, 3, 8, 10))

    item = ReviewItem.objects.get()
    assert (item.box, item.due_at, item.times_missed) == (1, at(2026, 3, 9), 2)


def test_it_brings_a_retired_question_back_when_it_is_missed_again(alice, questions):
    question = questions[0]
    miss(alice, question, MONDAY_9PM)
    ReviewItem.objects.update(box=5, retired_at=at(2026, 3, 5))

    miss(alice, question, at(2026, 5, 1, 12))

    item = ReviewItem.objects.get()
    assert (item.box, item.retired_at, item.due_at) == (1, None, at(2026, 5, 2))


def test_it_leaves_the_queue_alone_for_right_answers_outside_the_review(alice, questions):
    miss(alice, questions[0], MONDAY_9PM)
    before = ReviewItem.objects.get()
    results = [(questions[0].id, True), (questions[1].id, True)]

    questions_answered.send(sender=QuizAttempt, user=alice, results=results)

    after = ReviewItem.objects.get()
    assert (after.box, after.due_at, after.times_missed) == (before.box, before.due_at, 1)


def test_it_refuses_a_second_answer_from_the_same_state(alice, questions):
    miss(alice, questions[0], MONDAY_9PM)
    loaded_twice = [ReviewItem.objects.get(), ReviewItem.objects.get()]

    review.answer(alice, loaded_twice[0], True, at(2026, 3, 3, 8))
    with pytest.raises(review.StaleAnswer):
        review.answer(alice, loaded_twice[1], True, at(2026, 3, 3, 8, 1))

    assert ReviewItem.objects.get().box == 2


def test_it_keeps_each_learners_queue_apart(alice, bob, questions):
    miss(alice, questions[0], MONDAY_9PM)
    miss(bob, questions[1], MONDAY_9PM)

    later = at(2026, 3, 4)
    assert [i.question for i in review.due_items(alice, later)] == [questions[0]]
    assert [i.question for i in review.due_items(bob, later)] == [questions[1]]


def test_it_queues_misses_from_a_quiz_attempt_and_not_right_answers(alice_client, lessons):
    quiz = make_every_kind_quiz(lessons[0])
    url = reverse("lessons:quiz", args=[quiz.lesson.slug])
    token = form_token(alice_client.get(url).content)

    alice_client.post(url, with_token(token, quiz.wrong("single", "short")))

    queued = set(ReviewItem.objects.values_list("question_id", flat=True))
    assert queued == {quiz.questions["single"].id, quiz.questions["short"].id}
    assert set(ReviewItem.objects.values_list("box", flat=True)) == {1}


def test_it_queues_a_repeated_quiz_form_once(alice_client, lessons):
    quiz = make_every_kind_quiz(lessons[0])
    url = reverse("lessons:quiz", args=[quiz.lesson.slug])
    fields = with_token(form_token(alice_client.get(url).content), quiz.wrong("single"))

    alice_client.post(url, fields)
    alice_client.post(url, fields)

    assert ReviewItem.objects.get().times_missed == 1


def test_it_queues_any_number_of_misses_in_one_query(alice, basic):
    _quiz, many = make_quiz(make_lesson(basic, "Many"), 40)
    miss(alice, many[0], MONDAY_9PM)
    results = [(question.id, False) for question in many]

    with CaptureQueriesContext(connection) as queries:
        questions_answered.send(sender=QuizAttempt, user=alice, results=results)

    assert len(queries) == 1
    assert ReviewItem.objects.filter(user=alice).count() == 40
    assert ReviewItem.objects.get(question=many[0]).times_missed == 2


def test_it_never_shows_or_counts_questions_of_a_lesson_back_in_draft(alice, basic):
    lesson = make_lesson(basic, "Soon draft")
    _quiz, drafted = make_quiz(lesson, 2)
    for question in drafted:
        miss(alice, question, MONDAY_9PM)
    later = at(2026, 3, 4)
    assert review.today(alice, later).due == 2

    Lesson.objects.filter(pk=lesson.pk).update(status=Lesson.Status.DRAFT)

    assert review.today(alice, later).due == 0
    assert review.next_item(alice, later) is None
    assert list(review.due_items(alice, later)) == []
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert review.due_count(alice) == 0


def test_it_counts_nothing_for_a_visitor(django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    with django_assert_num_queries(0):
        assert review.due_count(AnonymousUser()) == 0


def test_it_counts_the_due_items_in_one_query(alice, basic, django_assert_num_queries):
    _quiz, many = make_quiz(make_lesson(basic, "Many"), 30)
    questions_answered.send(sender=QuizAttempt, user=alice, results=[(q.id, False) for q in many])
    ReviewItem.objects.filter(question__in=many[:20]).update(
        due_at=timezone.now() - timedelta(hours=1)
    )

    with django_assert_num_queries(1):
        assert review.due_count(alice) == 20


def test_it_keeps_a_quiz_of_misses_within_the_quiz_budget(
    alice_client, basic, django_assert_max_num_queries
):
    from tests.lessons.quizzes.test_take_quiz import QUIZ_POST_QUERIES

    quiz, many = make_quiz(make_lesson(basic, "All wrong"), 30)
    url = reverse("lessons:quiz", args=[quiz.lesson.slug])
    wrong = {"single": ["kubectl make"], "multiple": ["노드"], "short": "모름"}
    wrong["true_false"] = ["거짓"]
    fields = with_token(form_token(alice_client.get(url).content), answer_fields(many, wrong))

    with django_assert_max_num_queries(QUIZ_POST_QUERIES):
        alice_client.post(url, fields, HTTP_HX_REQUEST="true")

    assert ReviewItem.objects.filter(user__username="alice").count() == 30


def test_it_tells_other_listeners_about_review_answers_and_counts_a_miss_once(alice, questions):
    miss(alice, questions[0], MONDAY_9PM)
    heard = []

    def listener(sender, user, results, **kwargs):
        heard.append((sender, user, results))

    questions_answered.connect(listener)
    try:
        review_answer(alice, questions[0], False, at(2026, 3, 3, 8))
    finally:
        questions_answered.disconnect(listener)

    assert heard == [(ReviewItem, alice, [(questions[0].id, False)])]
    item = ReviewItem.objects.get()
    assert (item.times_missed, item.times_reviewed, item.due_at) == (1, 1, at(2026, 3, 4))


def test_it_keeps_questions_of_a_lesson_scheduled_for_later_out_until_its_time(alice, basic):
    lesson = make_lesson(basic, "Scheduled later")
    _quiz, scheduled = make_quiz(lesson, 2)
    for question in scheduled:
        miss(alice, question, MONDAY_9PM)
    Lesson.objects.filter(pk=lesson.pk).update(visible_from=timezone.now() + timedelta(days=1))

    assert review.today(alice, timezone.now() + timedelta(days=30)).due == 0

    Lesson.objects.filter(pk=lesson.pk).update(visible_from=timezone.now() - timedelta(days=1))

    assert review.today(alice, timezone.now() + timedelta(days=30)).due == 2
