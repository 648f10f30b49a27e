"""Seed lessons speak one vocabulary: fixtures/glossary.yaml's preferred terms, in the
Korean Kubernetes documentation's style, and none of their forbidden variants."""

from pathlib import Path

import pytest

from tests.seed_lessons.content_checks import (
    Lesson,
    code_blocks,
    glossary_problems,
    lesson_files,
    load_glossary,
    load_lesson,
)

GLOSSARY = load_glossary()


def lesson_from(body: str, **meta) -> Lesson:
    return Lesson(Path("example.md"), meta, body, code_blocks(body))


@pytest.mark.parametrize("path", lesson_files(), ids=lambda path: path.name)
def test_it_finds_no_forbidden_variant_in_a_lesson_or_its_quiz(path):
    assert glossary_problems(load_lesson(path), GLOSSARY) == []


def test_it_keeps_the_glossary_consistent():
    terms = [entry["term"] for entry in GLOSSARY]
    assert len(terms) == len(set(terms))
    for entry in GLOSSARY:
        for variant in entry.get("forbidden") or []:
            assert variant not in terms, f"{variant!r} is both a term and a forbidden variant"


def test_it_reports_a_variant_in_the_body_and_in_a_quiz():
    quiz = {"questions": [{"kind": "single", "prompt": "Deployment가 관리하는 포드는?"}]}
    lesson = lesson_from("레플리카셋은 복제본 수를 맞춘다.\n", quiz=quiz)
    problems = glossary_problems(lesson, GLOSSARY)
    assert [p.split(", ", 1)[1].split(":")[0] for p in problems] == [
        "body",
        "question 1",
        "question 1",
    ]


def test_it_leaves_code_glosses_and_proper_names_alone():
    body = (
        "**정적 파드(static Pod)**와 Pod Security Admission을 다룬다.\n\n"
        "`kind: Deployment`\n\n```yaml\nkind: Service\n```\n"
    )
    assert glossary_problems(lesson_from(body), GLOSSARY) == []


def test_it_finds_an_english_kind_before_a_korean_particle():
    problems = glossary_problems(lesson_from("Service와 Deployment를 만든다.\n"), GLOSSARY)
    assert len(problems) == 2
