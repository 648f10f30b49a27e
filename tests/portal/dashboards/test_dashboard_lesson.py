"""Drilling into one lesson: its learners, completions over time, each question's share
correct and the most chosen wrong answer."""

import pytest
from django.urls import reverse

from lessons.models import AttemptAnswer, Choice, Question
from portal.dashboards.drilldowns import hardest_questions, question_stats
from portal.groups.scope import learner_memberships, scope_queryset
from tests.helpers.groups import attempt, logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _answers(hand_made):
    """Three attempts at the two-question Architecture quiz:
    alice: Q1 right, Q2 wrong (오답 2-가); bob: Q1 wrong (오답 1-나), Q2 wrong (오답 2-가);
    charlie: Q1 right, Q2 wrong (오답 2-나). The outsider: Q2 wrong (오답 2-나), not counted.

    Q1: 2 of 3 right (67%), most chosen wrong answer 오답 1-나 (once).
    Q2: 0 of 3 right (0%), most chosen wrong answer 오답 2-가 (twice).
    """
    quiz = hand_made.quizzes["architecture"]
    q1, q2 = Question.objects.filter(quiz=quiz).order_by("position")

    def choice(question, text):
        return Choice.objects.get(question=question, text=text)

    attempt(hand_made.alice, quiz, 1, 2, chosen=[choice(q1, "정답 1"), choice(q2, "오답 2-가")])
    attempt(hand_made.bob, quiz, 0, 2, chosen=[choice(q1, "오답 1-나"), choice(q2, "오답 2-가")])
    attempt(hand_made.charlie, quiz, 1, 2, chosen=[choice(q1, "정답 1"), choice(q2, "오답 2-나")])
    attempt(hand_made.outsider, quiz, 0, 2, chosen=[choice(q2, "오답 2-나")])
    return quiz, q1, q2


def test_it_computes_share_correct_and_the_most_chosen_wrong_answer(hand_made):
    quiz, q1, q2 = _answers(hand_made)
    learners = learner_memberships(hand_made.group).values("user_id")
    stats = {s.question_id: s for s in question_stats(quiz, learners)}
    assert (stats[q1.pk].answers, stats[q1.pk].share_correct) == (3, 67)
    assert (stats[q1.pk].top_wrong, stats[q1.pk].top_wrong_count) == ("오답 1-나", 1)
    assert (stats[q2.pk].answers, stats[q2.pk].share_correct) == (3, 0)
    assert (stats[q2.pk].top_wrong, stats[q2.pk].top_wrong_count) == ("오답 2-가", 2)


def test_it_finds_the_most_typed_wrong_short_answer(hand_made):
    quiz = hand_made.quizzes["architecture"]
    short = Question.objects.create(
        quiz=quiz, kind="short", prompt="DNS?", accepted_answers="CoreDNS", position=9
    )
    made = attempt(hand_made.alice, quiz, 0, 1)
    for user, text in ((hand_made.bob, "kube-dns"), (hand_made.charlie, "kube-dns")):
        other = attempt(user, quiz, 0, 1)
        AttemptAnswer.objects.create(attempt=other, question=short, text=text, is_correct=False)
    AttemptAnswer.objects.create(attempt=made, question=short, text="etcd", is_correct=False)
    learners = learner_memberships(hand_made.group).values("user_id")
    stats = {s.question_id: s for s in question_stats(quiz, learners)}
    assert (stats[short.pk].top_wrong, stats[short.pk].top_wrong_count) == ("kube-dns", 2)


def test_it_shows_the_lesson_page(hand_made):
    _answers(hand_made)
    lesson = hand_made.lessons[3]
    url = reverse("groups:dashboard_lesson", args=[hand_made.group.pk, lesson.pk])
    html = logged_in(hand_made.teacher).get(url).content.decode()
    assert '33% <span class="meta">(1/3)</span>' in html  # only alice has done it
    assert '오답 2-가 <span class="meta">(2 times)</span>' in html
    assert "<svg" in html and "The same numbers as a table" in html
    assert "dave" not in html


def test_it_ranks_the_questions_that_trip_the_group_up(hand_made):
    _, q1, q2 = _answers(hand_made)
    learners = learner_memberships(hand_made.group).values("user_id")
    hardest = hardest_questions(learners, scope_queryset(hand_made.group).values("pk"))
    assert [(q.question_id, q.answers, q.share_correct) for q in hardest] == [
        (q2.pk, 3, 0),
        (q1.pk, 3, 67),
    ]
    url = reverse("groups:dashboard", args=[hand_made.group.pk])
    html = logged_in(hand_made.teacher).get(url).content.decode()
    assert "Questions the group finds hardest" in html
