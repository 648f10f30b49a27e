"""Reviewing missed questions: what is listed, what a review records, and what it never changes."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lessons.models import AttemptAnswer, Lesson, Quiz, QuizAttempt, Review
from lessons.quizzes import scoring
from tests.conftest import make_lesson
from tests.helpers.quiz_fixtures import (
    WRONG,
    answer_fields,
    form_token,
    in_english,
    make_every_kind_quiz,
    make_quiz,
    parse,
    with_token,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
REVIEW_PAGE_QUERIES = 4


@pytest.fixture
def pods(lessons):
    return make_every_kind_quiz(lessons[0])


@pytest.fixture
def services(lessons):
    return make_every_kind_quiz(lessons[1])


@pytest.fixture
def learner(alice_client) -> Client:
    return in_english(alice_client)


@pytest.fixture
def url() -> str:
    return reverse("lessons:review")


def take(client: Client, quiz, fields: dict) -> None:
    url = reverse("lessons:quiz", args=[quiz.lesson.slug])
    token = form_token(client.get(url).content)
    assert client.post(url, with_token(token, fields)).status_code == 302


def listed_question_ids(html: bytes) -> set[int]:
    page = parse(html)
    return {int(f.attrs["id"].removeprefix("question-")) for f in page.find_all("fieldset")}


@pytest.fixture
def missed(learner, bob, pods, services):
    """Alice's latest attempts miss Pods' multiple-choice and Services' short answer;
    her first Pods attempt missed two others, which she then got right."""
    take(learner, pods, pods.wrong("single", "true_false"))
    take(learner, pods, pods.wrong("multiple"))
    take(learner, services, services.wrong("short"))
    bob_client = Client()
    bob_client.force_login(bob)
    take(bob_client, pods, pods.wrong("single", "multiple", "true_false", "short"))
    return [pods.questions["multiple"], services.questions["short"]]


def test_it_lists_exactly_the_questions_missed_in_each_latest_attempt(learner, url, missed):
    response = learner.get(url)

    assert response.status_code == 200
    assert listed_question_ids(response.content) == {question.id for question in missed}
    lessons_named = [p.text for p in parse(response.content).find_all("p", class_="from-lesson")]
    assert lessons_named == ["Pods", "Services"]


def test_it_leaves_out_questions_of_a_lesson_taken_back_to_draft(learner, url, missed, services):
    services.lesson.status = Lesson.Status.DRAFT
    services.lesson.save()
    services.questions["short"].explanation = "초안에만 있는 설명"
    services.questions["short"].save()

    response = learner.get(url)

    assert listed_question_ids(response.content) == {missed[0].id}
    assert "초안에만 있는 설명" not in response.content.decode()
    assert services.questions["short"].prompt not in response.content.decode()


def test_it_reveals_no_answer_before_the_review_is_checked(learner, url, missed):
    response = learner.get(url)

    form = parse(response.content).find("form")
    for element in form.iter():
        assert not any(
            "correct" in f"{name}={value}".lower() for name, value in element.attrs.items()
        )
        assert "checked" not in element.attrs
    for question in missed:
        assert question.explanation not in form.text
    assert "CoreDNS" not in response.content.decode()


def test_it_has_nothing_to_review_once_the_latest_attempt_is_all_right(learner, url, pods):
    take(learner, pods, pods.wrong("single", "multiple"))
    take(learner, pods, pods.answers())

    response = learner.get(url)

    assert listed_question_ids(response.content) == set()
    assert "Nothing to review" in parse(response.content).text


def attempt_rows() -> list[tuple]:
    return list(QuizAttempt.objects.values_list("id", "user", "score", "max_score", "passed"))


def answer_rows() -> list[tuple]:
    return list(
        AttemptAnswer.objects.filter(review=None)
        .order_by("id")
        .values_list("id", "attempt", "question", "text", "is_correct", "choices")
    )


def best_score(client: Client, quiz) -> str:
    page = parse(client.get(reverse("lessons:quiz", args=[quiz.lesson.slug])).content)
    return page.find("section", class_="attempts").find("p").text


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_it_records_a_review_and_leaves_quiz_scores_alone(learner, url, alice, pods, missed, htmx):
    before = (attempt_rows(), answer_rows(), best_score(learner, pods))
    token = form_token(learner.get(url).content)
    fields = answer_fields([missed[0]]) | answer_fields([missed[1]], WRONG)

    response = learner.post(url, with_token(token, fields), **(HTMX if htmx else {}))

    assert response.status_code == 200
    html = response.content.decode()
    assert ("<html" in html) is not htmx
    page = parse(html)
    assert "1 of 2 right this time." in page.find("p", class_="review-score").text
    verdicts = [item.classes for item in page.find_all("li", class_="answer")]
    assert verdicts == [["answer", "is-right"], ["answer", "is-wrong"]]
    assert missed[1].explanation in page.text
    review = Review.objects.get(user=alice)
    recorded = {a.question_id: (a.is_correct, a.text) for a in review.answers.all()}
    assert recorded == {missed[0].id: (True, ""), missed[1].id: (False, "kube-dns")}
    assert {c.text for c in review.answers.get(question=missed[0]).choices.all()} == {
        "컨테이너",
        "볼륨",
    }
    assert (attempt_rows(), answer_rows(), best_score(learner, pods)) == before
    assert listed_question_ids(learner.get(url).content) == {q.id for q in missed}


def test_it_records_a_repeated_review_form_once(learner, url, missed):
    token = form_token(learner.get(url).content)
    fields = with_token(token, answer_fields(missed))

    learner.post(url, fields)
    again = learner.post(url, fields)

    assert again.status_code == 200
    assert Review.objects.count() == 1
    assert AttemptAnswer.objects.exclude(review=None).count() == 2


def spoil_unknown_question(fields, pods, missed):
    # A question answered right in the latest attempt is not up for review.
    return fields | answer_fields([pods.questions["single"]])


def spoil_missing_answer(fields, pods, missed):
    return {k: v for k, v in fields.items() if k != f"q{missed[1].id}"}


def spoil_non_numeric_choice(fields, pods, missed):
    return fields | {f"q{missed[0].id}": ["컨테이너"]}


def spoil_long_answer(fields, pods, missed):
    return fields | {f"q{missed[1].id}": ["x" * 201]}


def spoil_missing_token(fields, pods, missed):
    return {k: v for k, v in fields.items() if k != "form_token"}


def spoil_long_token(fields, pods, missed):
    return fields | {"form_token": "t" * 65}


BAD_INPUT = [
    (spoil_unknown_question, "The form names a question that is not in this quiz."),
    (spoil_missing_answer, "Question 2 has no answer."),
    (spoil_non_numeric_choice, "Question 1 got a choice that is not one of its own."),
    (spoil_long_answer, "The answer to question 2 is too long (at most 200 characters)."),
    (spoil_missing_token, "The form is incomplete. Reload the page and try again."),
    (spoil_long_token, "The form is incomplete. Reload the page and try again."),
]


@pytest.mark.parametrize(
    ("spoil", "message"), BAD_INPUT, ids=[spoil.__name__[6:] for spoil, _ in BAD_INPUT]
)
def test_it_refuses_bad_review_input_with_a_message(learner, url, pods, missed, spoil, message):
    fields = with_token(form_token(learner.get(url).content), answer_fields(missed))

    response = learner.post(url, spoil(fields, pods, missed))

    assert response.status_code == 422
    assert message in parse(response.content).find("div", class_="error-summary").text
    assert not Review.objects.exists()
    assert not AttemptAnswer.objects.exclude(review=None).exists()


def test_it_sends_anonymous_visitors_to_login(client, url, missed):
    login = f"{reverse('login')}?next={url}"

    assert client.get(url).url == login
    response = client.post(url, {"form_token": "t" * 32, **answer_fields(missed)})

    assert response.status_code == 302
    assert response.url == login
    assert not Review.objects.exists()


def miss_everything(user, quiz: Quiz, questions) -> None:
    data = QueryDict(mutable=True)
    for name, values in with_token(
        scoring.new_form_token(), answer_fields(questions, WRONG)
    ).items():
        data.setlist(name, values if isinstance(values, list) else [values])
    scoring.submit_attempt(user, quiz, questions, data)


@pytest.mark.parametrize("size", [3, 30])
def test_it_shows_the_review_page_within_budget(
    learner, alice, basic, url, size, django_assert_max_num_queries
):
    quiz, questions = make_quiz(make_lesson(basic, f"Quiz of {size}"), size)
    miss_everything(alice, quiz, questions)

    with django_assert_max_num_queries(REVIEW_PAGE_QUERIES):
        response = learner.get(url)

    assert len(listed_question_ids(response.content)) == size


def test_it_runs_as_many_review_queries_for_30_missed_questions_as_for_3(
    learner, alice, basic, url, record_property
):
    counts = {}
    for size in (3, 30):
        quiz, questions = make_quiz(make_lesson(basic, f"Quiz of {size}"), size)
        miss_everything(alice, quiz, questions)
        with CaptureQueriesContext(connection) as queries:
            assert learner.get(url).status_code == 200
        counts[size] = len(queries)
    record_property("queries", counts)

    assert counts[3] == counts[30]
