"""Property: whatever a folder of Markdown lessons holds (hostile front matter, bodies, quizzes
and categories), the import either saves lessons whose pages open and whose stored HTML is
safe, or refuses with problems named by file and saves nothing."""

import tempfile
from pathlib import Path

import pytest
import yaml
from django.test import Client
from hypothesis import event, given
from hypothesis import strategies as st

from lessons.authoring.importing import ImportFailed, import_folder
from lessons.models import Category, Choice, Lesson, Question, Quiz
from tests.helpers.fuzzing import assert_safe_html, hostile_text, rolled_back, scalars

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

KINDS = ["single", "multiple", "true_false", "short", "essay"]
words = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1)


def usually(good, bad=scalars):
    """Mostly well-formed values, so that many examples get past validation."""
    return st.one_of(good, good, good, bad)


choices = st.lists(
    st.fixed_dictionaries(
        {"text": usually(st.one_of(words, hostile_text))}, optional={"correct": st.booleans()}
    ),
    min_size=2,
    max_size=4,
)
questions = st.fixed_dictionaries(
    {"kind": st.sampled_from(KINDS), "prompt": usually(st.one_of(words, hostile_text))},
    optional={
        "choices": usually(choices),
        "answer": usually(st.booleans()),
        "answers": usually(st.lists(usually(words), max_size=3)),
        "section": usually(st.sampled_from(["첫 절", "두 번째 절"]), hostile_text),
        "explanation": hostile_text,
    },
)
quizzes = st.fixed_dictionaries(
    {"questions": usually(st.lists(questions, min_size=1, max_size=3))},
    optional={
        "pass_mark": usually(st.integers(0, 100)),
        "marks_done": usually(st.booleans()),
    },
)
categories = st.lists(
    st.fixed_dictionaries(
        {
            "slug": usually(st.sampled_from(["basic", "cka", "새-분류"]), hostile_text),
            "name": usually(st.one_of(words, hostile_text)),
        },
        optional={
            "position": usually(st.integers(0, 2**31 - 1)),
            "description": hostile_text,
            "parent": usually(st.sampled_from(["basic", "cka"]), hostile_text),
        },
    ),
    max_size=3,
)
front_matter = st.fixed_dictionaries(
    {
        "title": usually(st.one_of(words, hostile_text)),
        "category": usually(st.sampled_from(["basic", "cka"]), hostile_text),
    },
    optional={
        "slug": usually(st.from_regex(r"[a-z0-9가-힣][a-z0-9가-힣_-]{0,30}", fullmatch=True)),
        "position": usually(st.integers(0, 2**31 - 1)),
        "status": usually(st.sampled_from(["draft", "published"])),
        "summary": usually(st.one_of(words, hostile_text)),
        "source_url": usually(st.sampled_from(["https://blog.example/글", "javascript:alert(1)"])),
        "published_at": usually(st.datetimes()),
        "quiz": usually(quizzes),
    },
)
bodies = st.lists(
    st.one_of(st.sampled_from(["## 첫 절\n\n", "## 두 번째 절\n\n"]), hostile_text, words),
    min_size=1,
    max_size=6,
).map("".join)


def snapshot() -> dict:
    return {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in (Category, Lesson, Quiz, Question, Choice)
    }


def check_import(files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as name, rolled_back():
        folder = Path(name)
        for file_name, text in files.items():
            (folder / file_name).write_text(text, encoding="utf-8")
        before = snapshot()
        try:
            import_folder(folder)
        except ImportFailed as failure:
            assert failure.problems
            assert all(isinstance(problem, str) and problem for problem in failure.problems)
            assert snapshot() == before
            event("refused")
            return
        event("imported")
        visitor, staff = Client(), Client()
        staff.force_login(_editor())
        assert visitor.get("/").status_code == 200
        for lesson in Lesson.objects.all():
            assert_safe_html(lesson.body_html)
            assert staff.get(lesson.get_absolute_url()).status_code == 200
            assert staff.get(lesson.category.get_absolute_url()).status_code == 200


def _editor():
    from portal.models import User

    user, _ = User.objects.get_or_create(username="fuzz-editor", is_staff=True)
    return user


@pytest.fixture
def existing(basic, cka):
    return [basic, cka]


@given(meta=front_matter, body=bodies, categories=st.one_of(st.none(), categories))
def test_it_imports_or_refuses_any_lesson_file_cleanly(existing, meta, body, categories):
    files = {"a.md": f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---\n\n{body}"}
    if categories is not None:
        files["categories.yaml"] = yaml.safe_dump(categories, allow_unicode=True)
    check_import(files)


@given(front=hostile_text, body=bodies)
def test_it_imports_or_refuses_any_front_matter_text_cleanly(existing, front, body):
    check_import({"a.md": f"---\ntitle: 글\ncategory: basic\n{front}\n---\n\n{body}"})
