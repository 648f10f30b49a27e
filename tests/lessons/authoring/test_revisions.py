"""Revisions of lessons and quizzes: kept at every admin save, shown as a diff, restored in
one step by staff only, and never at the cost of learners' past attempts."""

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Revision, Version

from lessons.models import AttemptAnswer, Choice, Lesson, Question, QuizAttempt
from tests.helpers.quiz_fixtures import (
    answer_items,
    form_fields,
    in_english,
    make_every_kind_quiz,
    parse,
)
from tests.lessons.quizzes.test_take_quiz import take

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(editor_client) -> Client:
    return in_english(editor_client)


def save_lesson(editor: Client, lesson: Lesson, **changes) -> None:
    url = reverse("admin:lessons_lesson_change", args=[lesson.pk])
    fields = form_fields(parse(editor.get(url).content).find("form", id="lesson_form"))
    fields |= {name: [value] for name, value in changes.items()}
    response = editor.post(url, fields)
    assert response.status_code == 302, parse(response.content).text[:2000]


def save_quiz(editor: Client, quiz, changes: dict | None = None) -> None:
    url = reverse("admin:lessons_quiz_change", args=[quiz.pk])
    fields = form_fields(parse(editor.get(url).content).find("form", id="quiz_form"))
    response = editor.post(url, fields | (changes or {}))
    assert response.status_code == 302, parse(response.content).text[:2000]


def revisions_of(obj) -> list[Revision]:
    ids = Version.objects.get_for_object(obj).values("revision_id")
    return list(Revision.objects.filter(id__in=ids).order_by("date_created", "id"))


def history_url(obj) -> str:
    return reverse(f"admin:lessons_{obj._meta.model_name}_history", args=[obj.pk])


def restore_url(obj, revision: Revision) -> str:
    name = f"admin:lessons_{obj._meta.model_name}_restore"
    return reverse(name, args=[obj.pk, revision.pk])


# Lessons


def test_it_keeps_a_revision_at_every_save_with_who_and_what(editor, lessons):
    lesson = lessons[0]

    save_lesson(editor, lesson, body="## 고친 절\n\n고친 본문.\n")
    save_lesson(editor, lesson, title="Pods, again")

    first, edit, retitle = revisions_of(lesson)
    assert "before the first recorded edit" in first.comment
    assert edit.user.username == retitle.user.username == "editor"
    assert "Body" in edit.comment
    assert "Title" in retitle.comment


def test_the_history_shows_a_readable_escaped_diff(editor, lessons):
    lesson = lessons[0]
    save_lesson(editor, lesson, body=lesson.body + "\n<script>alert(1)</script> 새 문단\n")

    response = editor.get(history_url(lesson))

    assert response.status_code == 200
    page = parse(response.content)
    added = [span.text for span in page.find_all("span", class_="diff-added")]
    assert any("<script>alert(1)</script> 새 문단" in text for text in added)
    assert "<script>alert(1)" not in response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode()


def test_it_restores_an_earlier_lesson_body_in_one_step(editor, alice_client, lessons):
    lesson = lessons[0]
    old_body = lesson.body
    save_lesson(editor, lesson, body="## 완전히 새 글\n\n덮어쓴 본문.\n", title="Renamed")
    original = revisions_of(lesson)[0]

    response = editor.post(restore_url(lesson, original))

    assert response.status_code == 302
    assert response.url == history_url(lesson)
    lesson.refresh_from_db()
    assert (lesson.body, lesson.title) == (old_body, "Pods")
    assert "덮어쓴" not in lesson.body_html
    assert [entry["name"] for entry in lesson.toc] == ["Pods 첫 절", "두 번째 절"]
    page = alice_client.get(lesson.get_absolute_url()).content.decode()
    assert "본문입니다." in page
    assert "덮어쓴 본문" not in page
    assert "Restored the revision" in revisions_of(lesson)[-1].comment


def test_a_restore_keeps_the_lessons_address_and_status(editor, lessons):
    lesson = lessons[0]
    save_lesson(editor, lesson, slug="pods-moved", status="draft")
    original = revisions_of(lesson)[0]

    editor.post(restore_url(lesson, original))

    lesson.refresh_from_db()
    assert (lesson.slug, lesson.status) == ("pods-moved", "draft")


def test_it_refuses_a_revision_of_another_lesson(editor, lessons):
    save_lesson(editor, lessons[1], body="다른 레슨의 본문.\n")
    others = revisions_of(lessons[1])[0]

    response = editor.post(restore_url(lessons[0], others))

    assert response.status_code == 404
    assert Lesson.objects.get(pk=lessons[0].pk).body == lessons[0].body


def test_a_restore_takes_a_post(editor, lessons):
    save_lesson(editor, lessons[0], body="바뀐 본문.")

    response = editor.get(restore_url(lessons[0], revisions_of(lessons[0])[0]))

    assert response.status_code == 405
    assert Lesson.objects.get(pk=lessons[0].pk).body == "바뀐 본문."


@pytest.mark.parametrize("who", ["learner", "anonymous"])
def test_it_keeps_non_staff_out_of_history_and_restore(editor, alice_client, client, lessons, who):
    visitor = alice_client if who == "learner" else client
    lesson = lessons[0]
    save_lesson(editor, lesson, body="편집자가 쓴 본문.")
    original = revisions_of(lesson)[0]

    for url in [history_url(lesson), restore_url(lesson, original)]:
        response = visitor.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    response = visitor.post(restore_url(lesson, original))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert Lesson.objects.get(pk=lesson.pk).body == "편집자가 쓴 본문."


def test_the_lesson_history_stays_within_its_query_budget(
    editor, lessons, django_assert_max_num_queries
):
    lesson = lessons[0]
    for number in range(6):
        save_lesson(editor, lesson, body=f"{number}번째 고친 본문.\n")

    with django_assert_max_num_queries(12):
        response = editor.get(history_url(lesson))

    assert response.status_code == 200
    assert len(parse(response.content).find_all("li", class_="revision")) == 7


# Quizzes


@pytest.fixture
def quiz(lessons):
    return make_every_kind_quiz(lessons[0])


def attempt_page(alice: Client, quiz) -> tuple[str, list[str]]:
    attempt = QuizAttempt.objects.get()
    url = reverse("lessons:quiz_attempt", args=[quiz.lesson.slug, attempt.id])
    response = alice.get(url)
    assert response.status_code == 200
    score = parse(response.content).find("section", id="quiz-result").find("p").text
    return score, [item.text for item in answer_items(response.content)]


def test_it_restores_a_quiz_after_questions_were_edited_and_deleted(editor, alice_client, quiz):
    alice = in_english(alice_client)
    url = reverse("lessons:quiz", args=[quiz.lesson.slug])
    take(alice, url, quiz.wrong("single"))
    before = attempt_page(alice, quiz)
    answers_before = list(AttemptAnswer.objects.values_list("id", "question_id", "is_correct"))
    save_quiz(editor, quiz.quiz)  # the quiz as it was, kept as a revision
    single = quiz.questions["single"]
    # An editor rewrites a question, adds one with choices, then deletes it again.
    save_quiz(
        editor,
        quiz.quiz,
        {
            "questions-0-prompt": ["완전히 바뀐 문제"],
            "questions-TOTAL_FORMS": ["5"],
            "questions-4-kind": ["true_false"],
            "questions-4-prompt": ["나중에 지운 문제"],
            "questions-4-position": ["5"],
            "questions-4-choices-TOTAL_FORMS": ["2"],
            "questions-4-choices-INITIAL_FORMS": ["0"],
            "questions-4-choices-0-text": ["참"],
            "questions-4-choices-0-is_correct": ["on"],
            "questions-4-choices-0-position": ["1"],
            "questions-4-choices-1-text": ["거짓"],
            "questions-4-choices-1-position": ["2"],
        },
    )
    with_fifth = revisions_of(quiz.quiz)[-1]
    save_quiz(editor, quiz.quiz, {"questions-4-DELETE": ["on"]})
    assert not Question.objects.filter(prompt="나중에 지운 문제").exists()

    assert editor.post(restore_url(quiz.quiz, with_fifth)).status_code == 302

    fifth = Question.objects.get(prompt="나중에 지운 문제")
    assert [(c.text, c.is_correct) for c in fifth.choices.all()] == [("참", True), ("거짓", False)]
    first_revision = revisions_of(quiz.quiz)[0]
    assert editor.post(restore_url(quiz.quiz, first_revision)).status_code == 302
    single.refresh_from_db()
    assert single.prompt == "파드를 만드는 `kubectl` 명령은?"
    assert not Question.objects.filter(prompt="나중에 지운 문제").exists()
    assert Question.objects.count() == 4
    assert attempt_page(alice, quiz) == before
    after = list(AttemptAnswer.objects.values_list("id", "question_id", "is_correct"))
    assert after == answers_before


def test_a_restore_keeps_questions_and_choices_learners_answered_since(editor, alice_client, quiz):
    save_quiz(editor, quiz.quiz)
    original = revisions_of(quiz.quiz)[-1]
    single = quiz.questions["single"]
    new_choice = Choice.objects.create(question=single, text="kubectl new", position=9)
    single.choices.exclude(pk=new_choice.pk).update(is_correct=False)
    new_choice.is_correct = True
    new_choice.save()
    added = Question.objects.create(
        quiz=quiz.quiz, kind="short", prompt="나중에 더한 문제", accepted_answers="x", position=9
    )
    alice = in_english(alice_client)
    url = reverse("lessons:quiz", args=[quiz.lesson.slug])
    fields = quiz.answers() | {f"q{added.id}": ["x"]}
    fields[f"q{single.id}"] = [str(new_choice.id)]
    take(alice, url, fields)
    before = attempt_page(alice, quiz)

    response = editor.post(restore_url(quiz.quiz, original), follow=True)

    assert "Kept 1 question(s) and 1 choice(s)" in parse(response.content).text
    assert Question.objects.filter(pk=added.pk).exists()
    new_choice.refresh_from_db()
    assert not new_choice.is_correct
    assert [c.text for c in single.choices.all() if c.is_correct] == ["kubectl run"]
    score, answers = attempt_page(alice, quiz)
    assert score == before[0]
    assert "Your answer kubectl new" in answers[0]
    assert QuizAttempt.objects.get().score == 5


def test_the_quiz_history_shows_what_changed(editor, quiz):
    save_quiz(editor, quiz.quiz)
    save_quiz(editor, quiz.quiz, {"pass_mark": ["85"], "questions-0-prompt": ["<b>새</b> 문제"]})

    page = parse(editor.get(history_url(quiz.quiz)).content)

    newest = page.find("li", class_="revision")
    added = [span.text for span in newest.find_all("span", class_="diff-added")]
    removed = [span.text for span in newest.find_all("span", class_="diff-removed")]
    assert "+ Pass mark: 85%" in added
    assert "+ <b>새</b> 문제" in added
    assert "- 파드를 만드는 `kubectl` 명령은?" in removed


def test_the_quiz_history_stays_within_its_query_budget(
    editor, quiz, django_assert_max_num_queries
):
    for mark in range(60, 66):
        save_quiz(editor, quiz.quiz, {"pass_mark": [str(mark)]})

    with django_assert_max_num_queries(12):
        response = editor.get(history_url(quiz.quiz))

    assert response.status_code == 200
    assert "Restore this revision" in response.content.decode()


def test_a_learner_cannot_restore_a_quiz(editor, alice_client, quiz):
    save_quiz(editor, quiz.quiz, {"pass_mark": ["90"]})
    original = revisions_of(quiz.quiz)[0]

    response = alice_client.post(restore_url(quiz.quiz, original))

    assert response.status_code == 302
    quiz.quiz.refresh_from_db()
    assert quiz.quiz.pass_mark == 90


def test_a_question_saved_on_its_own_page_is_in_the_quiz_history(editor, quiz):
    single = quiz.questions["single"]
    url = reverse("admin:lessons_question_change", args=[single.pk])
    fields = form_fields(parse(editor.get(url).content).find("form", id="question_form"))

    response = editor.post(url, fields | {"prompt": ["문제 화면에서 고친 문제"]})

    assert response.status_code == 302
    baseline, edit = revisions_of(quiz.quiz)
    assert "before the first recorded edit" in baseline.comment
    assert edit.user.username == "editor"
    page = parse(editor.get(history_url(quiz.quiz)).content)
    added = [span.text for span in page.find("li", class_="revision").find_all("span")]
    assert "+ 문제 화면에서 고친 문제" in added
    assert editor.post(restore_url(quiz.quiz, baseline)).status_code == 302
    single.refresh_from_db()
    assert single.prompt == "파드를 만드는 `kubectl` 명령은?"
