"""Seed quizzes: every question names a heading of its lesson, short answers accept only
forms that would be right, and true/false answers are balanced within each lesson."""

from pathlib import Path

import pytest

from tests.seed_lessons.content_checks import (
    Lesson,
    code_blocks,
    lesson_files,
    load_glossary,
    load_lesson,
    quiz_problems,
    short_answer_problems,
)

GLOSSARY = load_glossary()
BODY = "## 서비스\n\n본문.\n"


def lesson_with(*questions: dict) -> Lesson:
    return Lesson(
        Path("example.md"), {"quiz": {"questions": list(questions)}}, BODY, code_blocks(BODY)
    )


def true_false(answer: bool) -> dict:
    return {"kind": "true_false", "prompt": "참인가?", "section": "서비스", "answer": answer}


@pytest.mark.parametrize("path", lesson_files(), ids=lambda path: path.name)
def test_it_finds_no_problem_in_a_seed_quiz(path):
    assert quiz_problems(load_lesson(path), GLOSSARY) == []


def test_it_counts_every_seed_true_false_answer_balanced():
    answers = [
        question["answer"]
        for path in lesson_files()
        for question in load_lesson(path).questions
        if question["kind"] == "true_false"
    ]
    assert 0.4 <= answers.count(True) / len(answers) <= 0.6


@pytest.mark.parametrize(
    "answers, balanced", [((False, False), False), ((True, False), True), ((True,), False)]
)
def test_it_keeps_true_false_answers_between_40_and_60_percent(answers, balanced):
    problems = quiz_problems(lesson_with(*[true_false(a) for a in answers]), GLOSSARY)
    assert (problems == []) == balanced


def test_it_reports_a_question_without_a_heading():
    questions = [
        {"kind": "single", "prompt": "?", "section": "없는 절"},
        {"kind": "single", "prompt": "?"},
    ]
    assert quiz_problems(lesson_with(*questions), GLOSSARY) == [
        "example.md, question 1: section '없는 절' is no heading of the lesson",
        "example.md, question 2: names no section",
    ]


@pytest.mark.parametrize(
    "answers, problem",
    [
        (["--dry-run=client", "--dry-run client"], "drops the '='"),
        (["--dry-run=client", "dry-run=client"], "drops the leading '-'"),
        (["/etc/kubernetes/manifests", "etc/kubernetes/manifests"], "drops the leading '/'"),
        (["kubernetes.io/change-cause", "change-cause"], "drops the '/'"),
        (["None", "없음"], "is no glossary term"),
        (["crictl", "크라이씨티엘"], "is no glossary term"),
        (["CoreDNS", "coredns"], "is accepted twice"),
    ],
)
def test_it_reports_an_accepted_answer_that_would_not_work(answers, problem):
    problems = short_answer_problems("q", answers, GLOSSARY)
    assert problems and all(problem in p for p in problems)


def test_it_accepts_korean_terms_of_the_glossary():
    answers = ["ServiceAccount", "서비스 어카운트", "서비스어카운트"]
    assert short_answer_problems("q", answers, GLOSSARY) == []
