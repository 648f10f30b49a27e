"""Editors' quiz tools: the admin (well-formed questions, the learner's-eye preview) and the
quiz part of the Markdown import."""

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from lessons.models import AttemptAnswer, Choice, Lesson, Question, Quiz, QuizAttempt
from lessons.quizzes.rules import question_problems
from lessons.quizzes.scoring import choice_token
from tests.helpers.quiz_fixtures import (
    answer_items,
    choice_labels,
    form_fields,
    form_token,
    in_english,
    make_every_kind_quiz,
    parse,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(editor_client) -> Client:
    return in_english(editor_client)


@pytest.fixture
def quiz(lessons):
    return make_every_kind_quiz(lessons[0])


def rule_messages(kind: str, choices=(), accepted: str = "") -> list[str]:
    with translation.override("en"):
        return question_problems(
            kind,
            choice_count=len(choices),
            correct_count=sum(correct for _, correct in choices),
            answer_count=len(accepted.splitlines()),
        )


def post_new_question(editor: Client, quiz: Quiz, kind: str, choices=(), accepted: str = ""):
    """Fill in the admin's 'add question' form the way an editor would."""
    url = reverse("admin:lessons_question_add")
    fields = form_fields(parse(editor.get(url).content).find("form", id="question_form"))
    fields |= {
        "quiz": [str(quiz.pk)],
        "kind": [kind],
        "prompt": ["관리 화면에서 만든 문제"],
        "accepted_answers": [accepted],
        "position": ["9"],
        "choices-TOTAL_FORMS": [str(len(choices))],
    }
    for number, (text, correct) in enumerate(choices):
        fields[f"choices-{number}-text"] = [text]
        fields[f"choices-{number}-position"] = [str(number + 1)]
        if correct:
            fields[f"choices-{number}-is_correct"] = ["on"]
    return editor.post(url, fields)


REFUSED = {
    "single-none-correct": ("single", [("가", False), ("나", False)], ""),
    "single-two-correct": ("single", [("가", True), ("나", True)], ""),
    "single-one-choice": ("single", [("가", True)], ""),
    "true-false-both-correct": ("true_false", [("참", True), ("거짓", True)], ""),
    "multiple-none-correct": ("multiple", [("가", False), ("나", False), ("다", False)], ""),
    "short-no-accepted-answer": ("short", [], ""),
    "short-with-choices": ("short", [("가", True), ("나", False)], "가"),
}


@pytest.mark.parametrize(("kind", "choices", "accepted"), REFUSED.values(), ids=REFUSED.keys())
def test_it_refuses_a_malformed_question_with_the_rules_message(
    editor, quiz, kind, choices, accepted
):
    before = Question.objects.count()

    response = post_new_question(editor, quiz.quiz, kind, choices, accepted)

    assert response.status_code == 200
    messages = rule_messages(kind, choices, accepted)
    assert messages
    for message in messages:
        assert message in parse(response.content).text
    assert Question.objects.count() == before


WELL_FORMED = {
    "single": ("single", [("가", False), ("나", True), ("다", False)], ""),
    "multiple": ("multiple", [("가", True), ("나", True), ("다", False)], ""),
    "true_false": ("true_false", [("참", False), ("거짓", True)], ""),
    "short": ("short", [], "CoreDNS\n코어 DNS"),
}


@pytest.mark.parametrize(
    ("kind", "choices", "accepted"), WELL_FORMED.values(), ids=WELL_FORMED.keys()
)
def test_it_saves_a_well_formed_question(editor, quiz, kind, choices, accepted):
    response = post_new_question(editor, quiz.quiz, kind, choices, accepted)

    assert response.status_code == 302
    question = Question.objects.get(prompt="관리 화면에서 만든 문제")
    assert (question.quiz, question.kind) == (quiz.quiz, kind)
    assert [(c.text, c.is_correct) for c in question.choices.all()] == choices
    assert question.accepted_answer_list() == accepted.splitlines()


def post_quiz_change(editor: Client, quiz: Quiz, changes: dict):
    url = reverse("admin:lessons_quiz_change", args=[quiz.pk])
    fields = form_fields(parse(editor.get(url).content).find("form", id="quiz_form"))
    return editor.post(url, fields | changes)


@pytest.mark.parametrize("case", ["multiple-turned-single", "new-single-without-choices"])
def test_it_applies_the_choice_rules_to_questions_edited_on_the_quiz_page(editor, quiz, case):
    multiple = quiz.questions["multiple"]
    index = list(quiz.quiz.questions.all()).index(multiple)
    if case == "multiple-turned-single":
        changes = {f"questions-{index}-kind": ["single"]}
        choices = [(c.text, c.is_correct) for c in multiple.choices.all()]
    else:
        choices = []
        changes = {
            "questions-TOTAL_FORMS": ["5"],
            "questions-4-kind": ["single"],
            "questions-4-prompt": ["선택지 없는 문제"],
            "questions-4-position": ["5"],
            "questions-4-quiz": [str(quiz.quiz.pk)],
        }

    response = post_quiz_change(editor, quiz.quiz, changes)

    assert response.status_code == 200
    for message in rule_messages("single", choices):
        assert message in parse(response.content).text
    multiple.refresh_from_db()
    assert multiple.kind == "multiple"
    assert Question.objects.count() == 4


def test_it_saves_the_quiz_page_when_its_questions_are_well_formed(editor, quiz):
    response = post_quiz_change(editor, quiz.quiz, {"pass_mark": ["80"]})

    assert response.status_code == 302
    quiz.quiz.refresh_from_db()
    assert quiz.quiz.pass_mark == 80
    assert Question.objects.count() == 4


def question_inputs(page, question: Question) -> set[tuple]:
    # Values differ by design: each form posts its own opaque tokens.
    return {
        (label.find("input").attrs["type"], label.text)
        for label in page.find_all("label")
        if label.find_all("input", name=f"q{question.id}")
    }


def test_it_previews_the_quiz_as_a_learner_sees_it(editor, alice_client, quiz):
    response = in_english(editor).get(reverse("admin:lessons_quiz_preview", args=[quiz.quiz.pk]))

    assert response.status_code == 200
    page = parse(response.content)
    panel = page.find("form", id="quiz-form")
    learner = in_english(alice_client)
    learner_page = parse(learner.get(reverse("lessons:quiz", args=[quiz.lesson.slug])).content)
    for question in quiz.questions.values():
        assert question_inputs(panel, question) == question_inputs(learner_page, question)
        assert question_inputs(panel, question)
    assert "<code>kubectl</code>" in response.content.decode()
    assert choice_labels(panel, quiz.questions["true_false"]) == ["True", "False"]
    # The learner's own page around it, marked as a preview that submits nothing.
    assert "Preview" in page.find("div", class_="quiz-preview-banner").text
    assert page.find("link", href="/static/css/portal.css")
    assert "disabled" in panel.find("button", type="submit").attrs
    assert "hx-post" not in panel.attrs
    assert panel.attrs["action"] == response.wsgi_request.path


def test_it_records_nothing_when_the_preview_is_posted(editor, quiz):
    url = reverse("admin:lessons_quiz_preview", args=[quiz.quiz.pk])
    question = quiz.questions["short"]

    response = editor.post(url, {f"q{question.id}": "CoreDNS", "form_token": ""})

    assert response.status_code == 405
    assert not QuizAttempt.objects.exists()


def test_it_reveals_no_answer_in_the_preview(editor, quiz):
    response = editor.get(reverse("admin:lessons_quiz_preview", args=[quiz.quiz.pk]))

    panel = parse(response.content).find("form", id="quiz-form")
    assert panel.find_all("input")
    for element in panel.iter():
        for name, value in element.attrs.items():
            assert "correct" not in f"{name}={value}".lower(), element
            assert not name.startswith("data-"), element
            assert name != "checked", element
    for question in quiz.questions.values():
        assert question.explanation not in panel.text
    assert "CoreDNS" not in panel.text


@pytest.mark.parametrize("who", ["learner", "anonymous"])
def test_it_keeps_non_staff_out_of_the_quiz_admin(alice_client, client, quiz, who):
    visitor = alice_client if who == "learner" else client
    question = quiz.questions["single"]
    urls = [
        reverse("admin:lessons_quiz_changelist"),
        reverse("admin:lessons_quiz_change", args=[quiz.quiz.pk]),
        reverse("admin:lessons_quiz_preview", args=[quiz.quiz.pk]),
        reverse("admin:lessons_question_add"),
        reverse("admin:lessons_question_change", args=[question.pk]),
    ]

    for url in urls:
        response = visitor.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("admin:login")), url
        assert question.explanation not in response.content.decode()
    response = visitor.post(urls[1], {"pass_mark": "0"})
    assert response.status_code == 302
    quiz.quiz.refresh_from_db()
    assert quiz.quiz.pass_mark == 70


# The Markdown import of quizzes.

BODY = "## 파드 개요\n\n파드는 가장 작은 배포 단위다.\n\n## 파드 만들기\n\n`kubectl run`을 쓴다.\n"


def every_kind_quiz() -> dict:
    return {
        "pass_mark": 75,
        "marks_done": False,
        "questions": [
            {
                "kind": "single",
                "prompt": "쿠버네티스에서 IP가 할당되는 **단위**는?",
                "section": "파드 개요",
                "explanation": "IP는 파드에 할당된다.",
                "choices": [
                    {"text": "컨테이너"},
                    {"text": "파드", "correct": True},
                    {"text": "노드"},
                ],
            },
            {
                "kind": "multiple",
                "prompt": "파드를 만드는 명령을 모두 고르시오.",
                "section": "파드-만들기",
                "choices": [
                    {"text": "kubectl run", "correct": True},
                    {"text": "kubectl apply -f pod.yaml", "correct": True},
                    {"text": "kubectl get pods"},
                ],
            },
            {
                "kind": "true_false",
                "prompt": "한 파드의 컨테이너들은 IP 하나를 나눠 쓴다.",
                "answer": False,
                "explanation": "같은 네트워크 네임스페이스를 쓴다.",
            },
            {
                "kind": "short",
                "prompt": "파드 목록을 보는 명령은?",
                "section": "파드 만들기",
                "answers": ["kubectl get pods", "  kubectl get po  "],
            },
        ],
    }


def write_folder(folder: Path, quiz: dict, name: str = "a-pods.md") -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "categories.yaml").write_text(
        yaml.safe_dump([{"slug": "basic", "name": "Basic", "position": 1}]), encoding="utf-8"
    )
    meta = {
        "title": "파드 기초",
        "slug": "pod-basics",
        "category": "basic",
        "status": "published",
        "quiz": quiz,
    }
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    (folder / name).write_text(f"---\n{front}---\n\n{BODY}", encoding="utf-8")
    return folder


def import_folder(folder: Path) -> None:
    call_command("import_lessons", str(folder), stdout=StringIO())


def stored_quiz() -> list[tuple]:
    return [
        (
            q.kind,
            q.prompt,
            q.section,
            q.explanation,
            q.accepted_answer_list(),
            [(c.text, c.is_correct) for c in q.choices.all()],
        )
        for q in Quiz.objects.get().questions.prefetch_related("choices")
    ]


def test_it_imports_a_quiz_of_every_kind(tmp_path):
    import_folder(write_folder(tmp_path / "lessons", every_kind_quiz()))

    quiz = Quiz.objects.get(lesson__slug="pod-basics")
    assert (quiz.pass_mark, quiz.marks_done) == (75, False)
    assert stored_quiz() == [
        (
            "single",
            "쿠버네티스에서 IP가 할당되는 **단위**는?",
            "파드-개요",
            "IP는 파드에 할당된다.",
            [],
            [("컨테이너", False), ("파드", True), ("노드", False)],
        ),
        (
            "multiple",
            "파드를 만드는 명령을 모두 고르시오.",
            "파드-만들기",
            "",
            [],
            [
                ("kubectl run", True),
                ("kubectl apply -f pod.yaml", True),
                ("kubectl get pods", False),
            ],
        ),
        (
            "true_false",
            "한 파드의 컨테이너들은 IP 하나를 나눠 쓴다.",
            "",
            "같은 네트워크 네임스페이스를 쓴다.",
            [],
            [("참", False), ("거짓", True)],
        ),
        (
            "short",
            "파드 목록을 보는 명령은?",
            "파드-만들기",
            "",
            ["kubectl get pods", "kubectl get po"],
            [],
        ),
    ]
    assert "<strong>단위</strong>" in quiz.questions.first().prompt_html
    assert [q.position for q in quiz.questions.all()] == [1, 2, 3, 4]


def take_imported_quiz(client: Client, answers: dict[int, list[str] | str]) -> str:
    """Answer the imported quiz by question number; returns the attempt page's address."""
    url = reverse("lessons:quiz", args=["pod-basics"])
    token = form_token(client.get(url).content)
    fields = {"form_token": token}
    for number, question in enumerate(Quiz.objects.get().questions.all(), start=1):
        given = answers[number]
        if question.kind == "short":
            fields[f"q{question.id}"] = given
        else:
            fields[f"q{question.id}"] = [
                choice_token(token, c.id) for c in question.choices.all() if c.text in given
            ]
    response = client.post(url, fields)
    assert response.status_code == 302
    return response.url


RIGHT = {
    1: ["파드"],
    2: ["kubectl run", "kubectl apply -f pod.yaml"],
    3: ["거짓"],
    4: "kubectl get po",
}


def test_it_makes_an_imported_quiz_takeable(tmp_path, alice_client):
    import_folder(write_folder(tmp_path / "lessons", every_kind_quiz()))

    attempt_url = take_imported_quiz(in_english(alice_client), RIGHT)

    text = parse(alice_client.get(attempt_url).content).text
    assert "4 / 4 (100%)" in text
    assert not Lesson.objects.get(slug="pod-basics").completions.exists()


def test_it_updates_an_edited_quiz_in_place_and_keeps_attempts(tmp_path, alice_client):
    folder = write_folder(tmp_path / "lessons", every_kind_quiz())
    import_folder(folder)
    ids = {q.id: [c.id for c in q.choices.all()] for q in Question.objects.all()}
    attempt_url = take_imported_quiz(
        in_english(alice_client), RIGHT | {1: ["노드"], 4: "kubectl ls"}
    )
    answers_before = list(AttemptAnswer.objects.values_list("id", "question", "is_correct"))
    edited = every_kind_quiz()
    edited["questions"][0]["prompt"] = "IP를 받는 가장 작은 단위는?"
    edited["questions"][3]["answers"].append("kubectl ls")

    import_folder(write_folder(folder, edited))

    assert {q.id: [c.id for c in q.choices.all()] for q in Question.objects.all()} == ids
    first, *_, short = Quiz.objects.get().questions.all()
    assert first.prompt == "IP를 받는 가장 작은 단위는?"
    assert short.accepted_answer_list() == ["kubectl get pods", "kubectl get po", "kubectl ls"]
    assert QuizAttempt.objects.get().score == 2
    assert list(AttemptAnswer.objects.values_list("id", "question", "is_correct")) == answers_before
    page = alice_client.get(attempt_url)
    assert page.status_code == 200
    assert "Your answer 노드" in answer_items(page.content)[0].text


def test_it_keeps_a_past_answer_when_the_choices_are_reordered(tmp_path, alice_client):
    folder = write_folder(tmp_path / "lessons", every_kind_quiz())
    import_folder(folder)
    attempt_url = take_imported_quiz(in_english(alice_client), RIGHT | {1: ["컨테이너"]})
    reordered = every_kind_quiz()
    reordered["questions"][0]["choices"].reverse()

    import_folder(write_folder(folder, reordered))

    single = answer_items(alice_client.get(attempt_url).content)[0]
    assert "Your answer 컨테이너" in single.text
    assert "Correct answer 파드" in single.text


def test_it_names_the_file_and_question_of_an_invalid_quiz(tmp_path):
    bad = every_kind_quiz()
    bad["questions"][1] = {
        "kind": "single",
        "prompt": "정답이 둘인 문제",
        "choices": [{"text": "가", "correct": True}, {"text": "나", "correct": True}],
    }

    with pytest.raises(CommandError) as failure:
        import_folder(write_folder(tmp_path / "lessons", bad, name="b-bad.md"))

    message = str(failure.value)
    with translation.override("en"):
        rule = question_problems("single", choice_count=2, correct_count=2, answer_count=0)[0]
    assert f"b-bad.md, question 2: {rule}" in message
    assert not Lesson.objects.exists()
    assert not Choice.objects.exists()


def test_it_refuses_a_short_answer_that_yaml_reads_as_a_number(tmp_path):
    quiz = every_kind_quiz()
    quiz["questions"][3]["answers"] = [1.30]
    folder = write_folder(tmp_path / "lessons", quiz)
    path = folder / "a-pods.md"
    path.write_text(path.read_text(encoding="utf-8").replace("- 1.3\n", "- 1.30\n"))

    with pytest.raises(CommandError, match=r"a-pods\.md, question 4"):
        import_folder(folder)


def test_it_refuses_to_delete_every_question_of_a_quiz(editor, quiz):
    deletes = {f"questions-{index}-DELETE": ["on"] for index in range(4)}
    response = post_quiz_change(editor, quiz.quiz, deletes)

    assert response.status_code == 200
    assert "A quiz needs at least one question." in parse(response.content).text
    assert Question.objects.count() == 4


def test_it_refuses_a_new_quiz_without_questions(editor, lessons):
    url = reverse("admin:lessons_quiz_add")
    fields = form_fields(parse(editor.get(url).content).find("form", id="quiz_form"))
    response = editor.post(url, fields | {"lesson": [str(lessons[1].pk)]})

    assert response.status_code == 200
    assert "A quiz needs at least one question." in parse(response.content).text
    assert not Quiz.objects.exists()


def test_it_saves_a_new_quiz_with_one_question(editor, lessons):
    url = reverse("admin:lessons_quiz_add")
    fields = form_fields(parse(editor.get(url).content).find("form", id="quiz_form"))
    response = editor.post(
        url,
        fields
        | {
            "lesson": [str(lessons[1].pk)],
            "questions-TOTAL_FORMS": ["1"],
            "questions-0-kind": ["short"],
            "questions-0-prompt": ["서비스를 만드는 명령은?"],
            "questions-0-accepted_answers": ["kubectl expose"],
            "questions-0-position": ["1"],
            # The question's own (empty) set of choices, nested on the same page.
            "questions-0-choices-TOTAL_FORMS": ["0"],
            "questions-0-choices-INITIAL_FORMS": ["0"],
        },
    )

    assert response.status_code == 302
    assert Quiz.objects.get().questions.count() == 1
