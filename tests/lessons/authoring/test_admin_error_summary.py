"""The lesson and quiz editors list every problem at the top of the form, each named by
where it is (a question's number as shown, its choice's, the field) and linked to its
field; and the lesson editor puts the title and body first, its details folded below."""

import pytest
from django.test import Client
from django.urls import reverse

from lessons.models import Choice, Lesson, Quiz
from tests.helpers.quiz_fixtures import form_fields, in_english, make_every_kind_quiz, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(editor_client) -> Client:
    return in_english(editor_client)


@pytest.fixture
def quiz(lessons):
    return make_every_kind_quiz(lessons[0])


def page_fields(editor: Client, url: str, form_id: str) -> dict:
    return form_fields(parse(editor.get(url).content).find("form", id=form_id))


def summary(response) -> list[tuple[str, str]]:
    """The summary's entries as (text, link target), each target on the page."""
    page = parse(response.content)
    box = page.find("div", class_="error-summary")
    entries = []
    for item in box.find_all("li"):
        links = item.find_all("a")
        target = links[0].attrs["href"] if links else ""
        assert not target or page.find(id=target.removeprefix("#"))
        entries.append((item.text, target))
    return entries


def quiz_url(quiz: Quiz) -> str:
    return reverse("admin:lessons_quiz_change", args=[quiz.pk])


def lesson_url(lesson: Lesson) -> str:
    return reverse("admin:lessons_lesson_change", args=[lesson.pk])


def test_the_quiz_editor_lists_each_problem_where_it_is(
    editor, quiz, django_assert_max_num_queries
):
    fields = page_fields(editor, quiz_url(quiz.quiz), "quiz_form") | {
        "pass_mark": ["300"],
        "questions-0-choices-0-is_correct": ["on"],
        "questions-0-choices-1-is_correct": ["on"],  # two right answers to a single choice
        "questions-1-choices-1-text": [""],
    }
    before = list(Choice.objects.values_list("id", "text", "is_correct"))

    with django_assert_max_num_queries(80):
        response = editor.post(quiz_url(quiz.quiz), fields)

    assert response.status_code == 200
    assert summary(response) == [
        (
            "Pass mark (%): Ensure this value is less than or equal to 100.",
            "#id_pass_mark",
        ),
        (
            "Question 1, Choices: This kind of question needs exactly one correct choice.",
            "#questions-0-choices-group",
        ),
        ("Question 2, Choice 2, Text: This field is required.", "#id_questions-1-choices-1-text"),
    ]
    html = response.content.decode()
    assert "Nothing was saved: 3 things to fix." in html
    assert 'class="errornote"' not in html  # the one line that pointed nowhere
    assert "<title>Error:" in html
    assert list(Choice.objects.values_list("id", "text", "is_correct")) == before


def test_the_numbers_are_those_of_the_order_shown(editor, quiz):
    short = list(quiz.quiz.questions.all()).index(quiz.questions["short"])
    fields = page_fields(editor, quiz_url(quiz.quiz), "quiz_form") | {
        # Moved to the top (by drag or arrows), its answers emptied.
        f"questions-{short}-position": ["0"],
        f"questions-{short}-accepted_answers": [""],
    }

    response = editor.post(quiz_url(quiz.quiz), fields)

    assert summary(response) == [
        (
            "Question 1, Accepted answers: "
            "A short-answer question needs at least one accepted answer.",
            f"#id_questions-{short}-accepted_answers",
        )
    ]


def test_the_lesson_editor_lists_each_problem_and_opens_its_details(
    editor, lessons, django_assert_max_num_queries
):
    lesson = lessons[0]
    fields = page_fields(editor, lesson_url(lesson), "lesson_form") | {
        "title": [""],
        "slug": ["no spaces allowed"],
    }

    with django_assert_max_num_queries(20):
        response = editor.post(lesson_url(lesson), fields)

    assert response.status_code == 200
    entries = summary(response)
    assert entries[0] == ("Title: This field is required.", "#id_title")
    assert entries[1][0].startswith("Slug: Enter a valid “slug”")
    assert entries[1][1] == "#id_slug"
    # The details hold a problem: they are shown, not folded away.
    assert "<details>" not in response.content.decode()
    assert Lesson.objects.get(pk=lesson.pk).title == lesson.title


def field_order(response) -> list[str]:
    form = parse(response.content).find("form", id="lesson_form")
    names = [e.attrs.get("name", "") for e in form.iter() if e.tag in ("input", "textarea")]
    return [name for name in names if name in ("title", "body", "slug", "summary")]


def test_the_lesson_editor_shows_the_title_and_body_before_the_details(
    editor, lessons, django_assert_max_num_queries
):
    lesson = lessons[0]
    with django_assert_max_num_queries(12):
        response = editor.get(lesson_url(lesson))

    assert field_order(response) == ["title", "body", "slug", "summary"]
    page = parse(response.content)
    folded = page.find("details")
    assert folded.find("summary").text == "Details: Basic · Published · position 1"
    assert folded.find("input", name="slug")

    # A new lesson's details are open: its category and address are still to be given.
    added = editor.get(reverse("admin:lessons_lesson_add"))
    assert field_order(added) == ["title", "body", "slug", "summary"]
    assert "<details>" not in added.content.decode()


def test_a_question_s_own_page_lists_its_choices_problems(editor, quiz):
    single = quiz.questions["single"]
    url = reverse("admin:lessons_question_change", args=[single.pk])
    fields = page_fields(editor, url, "question_form") | {
        "prompt": [""],
        "choices-0-is_correct": ["on"],
        "choices-1-is_correct": ["on"],
    }

    response = editor.post(url, fields)

    assert summary(response) == [
        ("Prompt (Markdown): This field is required.", "#id_prompt"),
        ("Choices: This kind of question needs exactly one correct choice.", "#choices-group"),
    ]
