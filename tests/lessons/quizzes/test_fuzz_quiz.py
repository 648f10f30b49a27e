"""Property: any mix of fields and values posted to a quiz or to the review is either
scored and stored whole, or refused with a message and nothing stored; never a 5xx."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from lessons.models import AttemptAnswer, QuizAttempt, Review
from lessons.quizzes.scoring import FORM_TOKEN_MAX_CHARS, choice_token
from tests.helpers.fuzzing import hostile_text, rolled_back
from tests.helpers.quiz_fixtures import answer_fields, form_token, make_every_kind_quiz, with_token

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def other_quiz(lessons):
    return make_every_kind_quiz(lessons[1])


def stored() -> tuple[int, int, int]:
    return QuizAttempt.objects.count(), AttemptAnswer.objects.count(), Review.objects.count()


def values(questions, token: str):
    choice_ids = [c.id for q in questions for c in q.choices.all()]
    return st.one_of(
        st.sampled_from(choice_ids).map(lambda i: choice_token(token, i)),
        st.sampled_from(choice_ids).map(str),
        st.sampled_from(choice_ids).map(lambda i: choice_token("another form", i)),
        st.sampled_from(["CoreDNS", "coredns ", "ＣｏｒｅＤＮＳ", "", "   ", "가" * 201]),
        hostile_text,
    )


@st.composite
def hand_made(draw, questions, token: str) -> dict[str, list[str]]:
    """Any fields at all, with any form token or none."""
    keys = st.one_of(
        st.sampled_from([f"q{q.id}" for q in questions]),
        st.integers(-5, 10**12).map(lambda n: f"q{n}"),
        hostile_text,
    )
    fields = draw(st.dictionaries(keys, st.lists(values(questions, token), max_size=3), max_size=6))
    form = draw(st.sampled_from(["this form", "missing", "too long", "made up", "another form"]))
    if form != "missing":
        fields["form_token"] = [
            {
                "this form": token,
                "too long": "t" * (FORM_TOKEN_MAX_CHARS + 1),
                "made up": draw(hostile_text),
                "another form": "another form",
            }[form]
        ]
    return fields


def submissions(answered: dict, questions, foreign_questions, token: str):
    """The form as a learner posts it, the same with one field changed, or anything."""
    right = with_token(token, answered)
    one_changed = st.builds(
        lambda key, given: right | {key: given},
        st.sampled_from([f"q{q.id}" for q in questions]),
        st.lists(values([*questions, *foreign_questions], token), max_size=3),
    )
    return st.one_of(
        st.just(right), one_changed, hand_made([*questions, *foreign_questions], token)
    )


def post_checked(client: Client, url: str, fields: dict, htmx: bool) -> None:
    before = stored()
    response = client.post(url, fields, **(HTMX if htmx else {}))
    # 422: refused as an invalid form; 400: refused before the form (a NUL byte).
    assert response.status_code in (200, 302, 400, 422), response.status_code
    if response.status_code in (400, 422):
        event("refused")
        assert stored() == before
        return
    event("scored")
    assert stored() != before  # each example posts a form of its own: a new record


@given(data=st.data(), htmx=st.booleans())
def test_it_scores_or_refuses_any_quiz_post(alice_client, quiz, other_quiz, data, htmx):
    url = reverse("lessons:quiz", args=[quiz.lesson.slug])
    questions = list(quiz.questions.values())
    with rolled_back():
        token = form_token(alice_client.get(url).content)
        answers = data.draw(st.sampled_from([quiz.answers(), quiz.wrong("multiple", "short")]))
        others = list(other_quiz.questions.values())
        fields = data.draw(submissions(answers, questions, others, token))
        post_checked(alice_client, url, fields, htmx)
        for attempt in QuizAttempt.objects.all():
            assert 0 <= attempt.score <= attempt.max_score == len(questions)
            assert attempt.answers.count() == len(questions)


@given(data=st.data(), htmx=st.booleans())
def test_it_scores_or_refuses_any_review_post(alice_client, quiz, other_quiz, data, htmx):
    with rolled_back():
        quiz_url = reverse("lessons:quiz", args=[quiz.lesson.slug])
        token = form_token(alice_client.get(quiz_url).content)
        alice_client.post(quiz_url, with_token(token, quiz.wrong("single", "short")))
        url = reverse("lessons:review")
        token = form_token(alice_client.get(url).content)
        missed = [quiz.questions["single"], quiz.questions["short"]]
        answers = answer_fields(missed)
        others = list(other_quiz.questions.values())
        fields = data.draw(submissions(answers, missed, others, token))
        post_checked(alice_client, url, fields, htmx)
