"""The one-page quiz editor: questions with their choices on the quiz's own page, the
section picked from the lesson's headings, errors beside what they concern, and answered
questions kept for learners' past attempts."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from lessons.models import Choice, Question, Quiz, QuizAttempt
from lessons.quizzes.rules import question_problems
from tests.helpers.quiz_fixtures import form_fields, in_english, make_every_kind_quiz, parse
from tests.lessons.quizzes.test_take_quiz import take

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(editor_client) -> Client:
    return in_english(editor_client)


@pytest.fixture
def quiz(lessons):
    return make_every_kind_quiz(lessons[0])


def change_url(quiz: Quiz) -> str:
    return reverse("admin:lessons_quiz_change", args=[quiz.pk])


def quiz_page_fields(editor: Client, quiz: Quiz) -> dict:
    page = parse(editor.get(change_url(quiz)).content)
    return form_fields(page.find("form", id="quiz_form"))


def index_of(quiz: Quiz, question: Question) -> int:
    return list(quiz.questions.all()).index(question)


def choice_index(question: Question, text: str) -> int:
    return [c.text for c in question.choices.all()].index(text)


def test_it_shows_every_question_with_its_choices_on_the_quiz_page(editor, quiz):
    page = parse(editor.get(change_url(quiz.quiz)).content)

    single = quiz.questions["single"]
    group = page.find("div", id=f"questions-{index_of(quiz.quiz, single)}-choices-group")
    texts = [
        field.attrs["value"]
        for field in group.find_all("input", type="text")
        if "__prefix__" not in field.attrs["name"]
    ]
    assert texts == [c.text for c in single.choices.all()]
    short = quiz.questions["short"]
    assert page.find("textarea", name=f"questions-{index_of(quiz.quiz, short)}-accepted_answers")


def test_it_adds_a_question_with_its_choices_in_one_save(editor, quiz):
    fields = quiz_page_fields(editor, quiz.quiz) | {
        "questions-TOTAL_FORMS": ["5"],
        "questions-4-kind": ["single"],
        "questions-4-prompt": ["서비스의 기본 유형은?"],
        "questions-4-position": ["5"],
        "questions-4-section": [quiz.lesson.toc[1]["id"]],
        "questions-4-choices-TOTAL_FORMS": ["2"],
        "questions-4-choices-INITIAL_FORMS": ["0"],
        "questions-4-choices-0-text": ["ClusterIP"],
        "questions-4-choices-0-is_correct": ["on"],
        "questions-4-choices-0-position": ["1"],
        "questions-4-choices-1-text": ["NodePort"],
        "questions-4-choices-1-position": ["2"],
    }

    response = editor.post(change_url(quiz.quiz), fields)

    assert response.status_code == 302
    added = Question.objects.get(prompt="서비스의 기본 유형은?")
    assert added.section == quiz.lesson.toc[1]["id"]
    assert [(c.text, c.is_correct) for c in added.choices.all()] == [
        ("ClusterIP", True),
        ("NodePort", False),
    ]


def test_it_saves_edited_choices_and_a_new_order(editor, quiz):
    single = quiz.questions["single"]
    i = index_of(quiz.quiz, single)
    j = choice_index(single, "kubectl make")
    short = index_of(quiz.quiz, quiz.questions["short"])
    fields = quiz_page_fields(editor, quiz.quiz) | {
        f"questions-{i}-choices-{j}-text": ["kubectl create"],
        f"questions-{i}-position": ["4"],
        f"questions-{short}-position": ["1"],
    }

    response = editor.post(change_url(quiz.quiz), fields)

    assert response.status_code == 302
    assert "kubectl create" in [c.text for c in single.choices.all()]
    assert quiz.quiz.questions.first().kind == "short"


def rule(kind: str, **counts) -> str:
    with translation.override("en"):
        return question_problems(kind, **{"answer_count": 1} | counts)[0]


def test_it_shows_a_choice_rule_beside_that_questions_choices(editor, quiz):
    single = quiz.questions["single"]
    i = index_of(quiz.quiz, single)
    fields = quiz_page_fields(editor, quiz.quiz)
    for j in range(single.choices.count()):
        fields[f"questions-{i}-choices-{j}-is_correct"] = ["on"]
    before = list(Choice.objects.values_list("id", "is_correct"))

    response = editor.post(change_url(quiz.quiz), fields)

    assert response.status_code == 200
    page = parse(response.content)
    group = page.find("div", id=f"questions-{i}-choices-group")
    message = rule("single", choice_count=3, correct_count=3)
    assert message in group.find("ul", class_="errorlist").text
    others = page.find("div", id=f"questions-{i + 1}-choices-group")
    assert message not in others.text
    assert list(Choice.objects.values_list("id", "is_correct")) == before


def test_it_shows_a_missing_accepted_answer_beside_its_field(editor, quiz):
    short = quiz.questions["short"]
    i = index_of(quiz.quiz, short)
    fields = quiz_page_fields(editor, quiz.quiz) | {f"questions-{i}-accepted_answers": [""]}

    response = editor.post(change_url(quiz.quiz), fields)

    assert response.status_code == 200
    page = parse(response.content)
    box = page.find("div", class_="field-accepted_answers")
    errors = [
        div for div in page.find_all("div", class_="field-accepted_answers") if div.find_all("ul")
    ]
    assert box
    assert len(errors) == 1
    assert "at least one accepted answer" in errors[0].text
    assert errors[0].find("textarea").attrs["name"] == f"questions-{i}-accepted_answers"
    short.refresh_from_db()
    assert short.accepted_answer_list() == ["CoreDNS", "코어 DNS"]


def test_it_offers_the_lessons_headings_as_sections(editor, quiz):
    page = parse(editor.get(change_url(quiz.quiz)).content)

    select = page.find("select", name="questions-0-section")
    values = [option.attrs.get("value") for option in select.find_all("option")]
    assert values == ["", *(entry["id"] for entry in quiz.lesson.toc)]
    selected = [o for o in select.find_all("option") if "selected" in o.attrs]
    assert [o.attrs["value"] for o in selected] == [quiz.questions["single"].section]


def test_the_sections_follow_the_lesson_body_and_keep_a_missing_anchor(editor, quiz):
    single = quiz.questions["single"]
    lesson = quiz.lesson
    lesson.body = "## 새 절\n\n다시 쓴 본문.\n"
    lesson.save()

    page = parse(editor.get(change_url(quiz.quiz)).content)

    select = page.find("select", name=f"questions-{index_of(quiz.quiz, single)}-section")
    options = {o.attrs["value"]: o for o in select.find_all("option")}
    assert "새-절" in options
    assert "missing from the lesson" in options[single.section].text
    assert "selected" in options[single.section].attrs
    response = editor.post(change_url(quiz.quiz), quiz_page_fields(editor, quiz.quiz))
    assert response.status_code == 302
    single.refresh_from_db()
    assert single.section == options[single.section].attrs["value"]


def test_it_refuses_a_section_that_is_not_one_of_the_lessons_headings(editor, quiz):
    fields = quiz_page_fields(editor, quiz.quiz) | {"questions-0-section": ["<script>x"]}

    response = editor.post(change_url(quiz.quiz), fields)

    assert response.status_code == 200
    assert "Select a valid choice" in parse(response.content).text
    assert "<script>x" not in response.content.decode()


def answered_by_alice(alice_client, quiz) -> QuizAttempt:
    url = reverse("lessons:quiz", args=[quiz.lesson.slug])
    assert take(in_english(alice_client), url, quiz.answers()).status_code == 302
    return QuizAttempt.objects.get()


def test_it_refuses_to_delete_an_answered_question(editor, alice_client, quiz):
    answered_by_alice(alice_client, quiz)
    i = index_of(quiz.quiz, quiz.questions["multiple"])
    fields = quiz_page_fields(editor, quiz.quiz) | {f"questions-{i}-DELETE": ["on"]}

    response = editor.post(change_url(quiz.quiz), fields)

    assert response.status_code == 200
    assert "cannot be deleted" in parse(response.content).text
    assert Question.objects.count() == 4


def test_it_refuses_to_delete_a_chosen_choice_but_deletes_an_unchosen_one(
    editor, alice_client, quiz
):
    answered_by_alice(alice_client, quiz)
    single = quiz.questions["single"]
    i = index_of(quiz.quiz, single)
    fields = quiz_page_fields(editor, quiz.quiz)
    chosen = fields | {
        f"questions-{i}-choices-{choice_index(single, 'kubectl run')}-DELETE": ["on"]
    }

    refused = editor.post(change_url(quiz.quiz), chosen)

    assert refused.status_code == 200
    assert "cannot be deleted" in parse(refused.content).text
    unchosen = fields | {
        f"questions-{i}-choices-{choice_index(single, 'kubectl make')}-DELETE": ["on"]
    }
    assert editor.post(change_url(quiz.quiz), unchosen).status_code == 302
    assert "kubectl make" not in [c.text for c in single.choices.all()]


def test_it_deletes_an_unanswered_question_with_its_choices(editor, quiz):
    multiple = quiz.questions["multiple"]
    i = index_of(quiz.quiz, multiple)
    fields = quiz_page_fields(editor, quiz.quiz) | {f"questions-{i}-DELETE": ["on"]}

    assert editor.post(change_url(quiz.quiz), fields).status_code == 302
    assert Question.objects.count() == 3
    assert not Choice.objects.filter(question_id=multiple.id).exists()


@pytest.mark.parametrize("count", [4, 12])
def test_the_quiz_page_stays_within_its_query_budget(
    editor, lessons, count, django_assert_max_num_queries
):
    quiz = make_every_kind_quiz(lessons[0]).quiz
    # Questions beyond the first four: copies of the single-choice question.
    single = quiz.questions.get(kind="single")
    for position in range(5, count + 1):
        copy = Question.objects.create(
            quiz=quiz, kind="single", prompt=f"복사 {position}", position=position
        )
        Choice.objects.bulk_create(
            Choice(question=copy, text=c.text, is_correct=c.is_correct, position=c.position)
            for c in single.choices.all()
        )

    with django_assert_max_num_queries(14 + 2 * count):
        response = editor.get(change_url(quiz))

    assert response.status_code == 200


def test_the_preview_stays_within_its_query_budget(editor, quiz, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = editor.get(reverse("admin:lessons_quiz_preview", args=[quiz.quiz.pk]))

    assert response.status_code == 200
