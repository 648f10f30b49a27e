"""Scoring a submitted quiz: each kind of question, the pass mark, and marking done."""

import unicodedata

import pytest
from django.http import QueryDict

from lessons.models import AttemptAnswer, Completion, Quiz, QuizAttempt
from lessons.quizzes import scoring
from tests.helpers.quiz_fixtures import (
    WRONG,
    answer_fields,
    make_every_kind_quiz,
    make_quiz,
    with_token,
)

pytestmark = pytest.mark.django_db


def submit(user, quiz: Quiz, fields: dict[str, list[str]]) -> QuizAttempt:
    data = QueryDict(mutable=True)
    for name, values in with_token(scoring.new_form_token(), fields).items():
        data.setlist(name, values if isinstance(values, list) else [values])
    questions = list(quiz.questions.prefetch_related("choices"))
    return scoring.submit_attempt(user, quiz, questions, data)


def verdicts(attempt: QuizAttempt) -> dict[str, bool]:
    answers = AttemptAnswer.objects.filter(attempt=attempt).select_related("question")
    return {answer.question.kind: answer.is_correct for answer in answers}


def test_it_gives_full_marks_when_every_kind_is_answered_right(alice, quiz):
    attempt = submit(alice, quiz.quiz, quiz.answers())

    assert (attempt.score, attempt.max_score, attempt.passed) == (4, 4, True)
    assert verdicts(attempt) == dict.fromkeys(["single", "multiple", "true_false", "short"], True)


@pytest.mark.parametrize("kind", ["single", "multiple", "true_false", "short"])
def test_it_scores_a_wrong_answer_zero_for_each_kind(alice, quiz, kind):
    attempt = submit(alice, quiz.quiz, quiz.wrong(kind))

    assert attempt.score == 3
    assert verdicts(attempt)[kind] is False
    assert sum(verdicts(attempt).values()) == 3


@pytest.mark.parametrize(
    ("chosen", "right"),
    [
        (["컨테이너"], False),
        (["볼륨", "노드"], False),
        (["컨테이너", "볼륨", "노드", "컨트롤 플레인"], False),
        (["컨테이너", "볼륨", "노드"], False),
        (["볼륨", "컨테이너"], True),
    ],
    ids=["one-of-two-right", "one-right-one-wrong", "every-choice", "right-set-plus-one", "exact"],
)
def test_it_gives_multiple_choice_credit_only_for_exactly_the_right_set(alice, quiz, chosen, right):
    attempt = submit(alice, quiz.quiz, quiz.answers(multiple=chosen))

    assert verdicts(attempt)["multiple"] is right
    assert attempt.score == (4 if right else 3)


@pytest.mark.parametrize(
    "typed",
    [
        "coredns",
        "COREDNS",
        "ＣｏｒｅＤＮＳ",
        "  CoreDNS  ",
        "\u3000CoreDNS\t",
        "코어 DNS",
        "코어   dns",
        unicodedata.normalize("NFD", "코어 DNS"),
    ],
    ids=[
        "lower",
        "upper",
        "full-width",
        "spaces",
        "ideographic-space",
        "korean",
        "korean-runs",
        "korean-decomposed",
    ],
)
def test_it_accepts_a_short_answer_however_it_is_typed(alice, quiz, typed):
    attempt = submit(alice, quiz.quiz, quiz.answers(short=typed))

    assert verdicts(attempt)["short"] is True


@pytest.mark.parametrize("typed", ["kube-dns", "CoreDNS 서버", "코어"])
def test_it_refuses_a_short_answer_that_is_not_accepted(alice, quiz, typed):
    attempt = submit(alice, quiz.quiz, quiz.answers(short=typed))

    assert verdicts(attempt)["short"] is False


@pytest.mark.parametrize(("wrong", "passed"), [(3, True), (4, False)])
def test_it_passes_at_exactly_the_pass_mark(alice, lessons, wrong, passed):
    quiz, questions = make_quiz(lessons[1], 10, pass_mark=70)
    fields = answer_fields(questions) | answer_fields(questions[:wrong], WRONG)

    attempt = submit(alice, quiz, fields)

    assert (attempt.score, attempt.percent, attempt.passed) == (
        10 - wrong,
        100 - 10 * wrong,
        passed,
    )


def test_it_never_shows_a_failed_score_at_the_pass_mark(alice, lessons):
    quiz, questions = make_quiz(lessons[1], 3, pass_mark=67)
    fields = answer_fields(questions) | answer_fields(questions[:1], WRONG)

    attempt = submit(alice, quiz, fields)  # 2 of 3: 66.7%, shown as 67%

    assert attempt.percent == 67
    assert attempt.passed
    quiz.pass_mark = 68
    assert not quiz.passes(2, 3)


def test_it_marks_the_lesson_done_when_a_pass_marks_it_done(alice, quiz):
    submit(alice, quiz.quiz, quiz.wrong("short"))

    assert Completion.objects.filter(user=alice, lesson=quiz.lesson).exists()


def test_it_leaves_the_lesson_undone_when_the_quiz_does_not_mark_it(alice, lessons):
    quiz = make_every_kind_quiz(lessons[0], marks_done=False)

    attempt = submit(alice, quiz.quiz, quiz.answers())

    assert attempt.passed
    assert not Completion.objects.filter(user=alice, lesson=quiz.lesson).exists()


def test_it_leaves_the_lesson_undone_when_the_attempt_fails(alice, bob, quiz):
    attempt = submit(alice, quiz.quiz, quiz.wrong("single", "short"))
    submit(bob, quiz.quiz, quiz.answers())

    assert (attempt.score, attempt.passed) == (2, False)
    assert not Completion.objects.filter(user=alice, lesson=quiz.lesson).exists()
    assert Completion.objects.filter(user=bob, lesson=quiz.lesson).exists()


def test_a_migration_passes_stored_attempts_shown_at_the_pass_mark(alice, lessons):
    from importlib import import_module

    from django.apps import apps

    quiz, _ = make_quiz(lessons[1], 3, pass_mark=67)
    shown_67 = QuizAttempt.objects.create(
        user=alice, quiz=quiz, score=2, max_score=3, passed=False, form_token="a"
    )
    shown_33 = QuizAttempt.objects.create(
        user=alice, quiz=quiz, score=1, max_score=3, passed=False, form_token="b"
    )
    migration = import_module("lessons.migrations.0005_attempts_passed_as_shown")
    migration.pass_as_shown(apps, None)
    shown_67.refresh_from_db()
    shown_33.refresh_from_db()
    assert shown_67.passed
    assert not shown_33.passed
