"""`manage.py import_lessons DIR`: Markdown lessons with front matter, imported all or nothing."""

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from lessons.models import AttemptAnswer, Category, Choice, Lesson, Question, Quiz, QuizAttempt

pytestmark = pytest.mark.django_db

SEED_FOLDER = Path(__file__).resolve().parents[3] / "fixtures" / "lessons"
BASIC_ORDER = ["오케스트레이션 실습", "네트워크", "보안", "모니터링", "배포"]
CATEGORIES = [
    {"slug": "basic", "name": "Basic", "position": 1},
    {"slug": "cka", "name": "CKA", "position": 2},
]
BODY = "## 파드 개요\n\n파드는 가장 작은 배포 단위다.\n\n## 파드 만들기\n\n`kubectl run`을 쓴다.\n"


def single_question(**overrides) -> dict:
    return {
        "kind": "single",
        "prompt": "쿠버네티스에서 IP가 할당되는 단위는?",
        "section": "파드 개요",
        "explanation": "IP는 파드에 할당된다.",
        "choices": [{"text": "컨테이너"}, {"text": "파드", "correct": True}, {"text": "노드"}],
    } | overrides


def quiz_of(*questions: dict) -> dict:
    return {"pass_mark": 70, "questions": list(questions)}


def front_matter(**overrides) -> dict:
    return {
        "title": "파드 기초",
        "slug": "파드-기초",
        "category": "basic",
        "position": 1,
        "status": "published",
        "summary": "파드가 무엇인지 알아본다.",
        "quiz": quiz_of(single_question()),
    } | overrides


def lesson_text(meta: dict, body: str = BODY) -> str:
    return f"---\n{yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)}---\n\n{body}"


def write_lesson(folder: Path, name: str, meta: dict, body: str = BODY) -> Path:
    path = folder / name
    path.write_text(lesson_text(meta, body), encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path) -> Path:
    """A lesson folder holding categories.yaml and one good lesson."""
    (tmp_path / "categories.yaml").write_text(
        yaml.safe_dump(CATEGORIES, allow_unicode=True), encoding="utf-8"
    )
    write_lesson(tmp_path, "a-good.md", front_matter())
    return tmp_path


def import_lessons(folder: Path) -> str:
    """Run the command (messages in English) and return what it printed."""
    out = StringIO()
    with translation.override("en"):
        call_command("import_lessons", str(folder), stdout=out)
    return out.getvalue()


def import_error(folder: Path) -> str:
    with pytest.raises(CommandError) as failure:
        import_lessons(folder)
    return str(failure.value)


def snapshot() -> dict[str, list[int]]:
    return {
        model.__name__: list(model.objects.order_by("pk").values_list("pk", flat=True))
        for model in (Category, Lesson, Quiz, Question, Choice)
    }


# --- The seed lessons ------------------------------------------------------------------


def test_it_imports_the_seed_lessons_in_learning_order():
    files = sorted(SEED_FOLDER.glob("*.md"))
    output = import_lessons(SEED_FOLDER)

    assert 0 < len(files) <= 15
    assert Lesson.objects.count() == len(files)
    assert f"{len(files)} created" in output
    assert [c.name for c in Category.objects.all()] == ["Basic", "CKA"]
    ordered = list(Lesson.objects.in_learning_order().select_related("category"))
    basic_titles = [lesson.title for lesson in ordered if lesson.category.slug == "basic"]
    in_order = [lesson.category.slug for lesson in ordered]
    assert in_order == ["basic"] * len(basic_titles) + ["cka"] * (len(files) - len(basic_titles))
    assert 0 < len(basic_titles) <= len(BASIC_ORDER)
    for title, topic in zip(basic_titles, BASIC_ORDER, strict=False):
        assert topic in title, basic_titles
    if len(files) == 15:
        assert len(basic_titles) == len(BASIC_ORDER)


@pytest.mark.parametrize("path", sorted(SEED_FOLDER.glob("*.md")), ids=lambda path: path.stem)
def test_it_gives_every_seed_lesson_a_real_body_and_a_quiz_tied_to_its_sections(path):
    import_lessons(SEED_FOLDER)
    meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    lesson = Lesson.objects.get(slug=meta["slug"])

    assert len(lesson.body) >= 2_000
    assert sum(1 for entry in lesson.toc if entry["level"] == 2) >= 3
    assert lesson.body_html.count("<h2 ") >= 3
    questions = list(lesson.quiz.questions.all())
    assert len(questions) >= 6
    anchors = {entry["id"] for entry in lesson.toc}
    for question in questions:
        assert question.section in anchors, question.prompt
        assert question.explanation.strip(), question.prompt
    # Each seed quiz uses every kind of question.
    assert {question.kind for question in questions} == set(Question.Kind.values)


# --- Re-importing ------------------------------------------------------------------------


def test_it_reimports_the_seed_folder_without_changing_or_duplicating_anything():
    import_lessons(SEED_FOLDER)
    before = snapshot()

    output = import_lessons(SEED_FOLDER)

    assert "0 created, 0 updated" in output
    assert snapshot() == before


def test_it_updates_an_edited_lesson_in_place(folder):
    import_lessons(folder)
    lesson = Lesson.objects.get()
    question = Question.objects.get()

    question_edit = single_question(prompt="파드의 첫 단계는?", section="파드 생명주기")
    edited = front_matter(title="파드 기초 (개정)", quiz=quiz_of(question_edit))
    write_lesson(
        folder, "a-good.md", edited, BODY + "\n## 파드 생명주기\n\nPending에서 시작한다.\n"
    )
    output = import_lessons(folder)

    assert "0 created, 1 updated" in output
    lesson.refresh_from_db()
    question.refresh_from_db()
    assert Lesson.objects.count() == Question.objects.count() == 1
    assert lesson.title == "파드 기초 (개정)"
    assert '<h2 id="파드-생명주기">' in lesson.body_html
    assert lesson.toc[-1] == {"id": "파드-생명주기", "name": "파드 생명주기", "level": 2}
    assert question.prompt == "파드의 첫 단계는?"
    assert question.section == "파드-생명주기"


def test_it_keeps_learners_answers_when_a_quiz_is_reimported(alice):
    import_lessons(SEED_FOLDER)
    lesson = Lesson.objects.get(slug="kubernetes-network")
    first = lesson.quiz.questions.first()
    attempt = QuizAttempt.objects.create(
        user=alice, quiz=lesson.quiz, score=1, max_score=8, passed=False, form_token="t-1"
    )
    answer = AttemptAnswer.objects.create(attempt=attempt, question=first, is_correct=True)
    answer.choices.set(first.choices.filter(is_correct=True))

    import_lessons(SEED_FOLDER)

    answer.refresh_from_db()
    assert QuizAttempt.objects.filter(pk=attempt.pk, user=alice).exists()
    assert answer.question_id == first.pk
    assert [c.is_correct for c in answer.choices.all()] == [True]


def test_it_keeps_learners_answers_when_a_question_is_edited(folder, alice):
    import_lessons(folder)
    quiz = Quiz.objects.get()
    question = quiz.questions.get()
    attempt = QuizAttempt.objects.create(
        user=alice, quiz=quiz, score=1, max_score=1, passed=True, form_token="t-1"
    )
    answer = AttemptAnswer.objects.create(attempt=attempt, question=question, is_correct=True)
    answer.choices.set(question.choices.filter(is_correct=True))

    reworded = single_question(explanation="노드가 아니라 파드에 IP가 할당된다.")
    write_lesson(folder, "a-good.md", front_matter(quiz=quiz_of(reworded)))
    import_lessons(folder)

    question.refresh_from_db()
    assert question.explanation == "노드가 아니라 파드에 IP가 할당된다."
    assert AttemptAnswer.objects.filter(pk=answer.pk, attempt=attempt, question=question).exists()
    assert list(answer.choices.values_list("text", flat=True)) == ["파드"]


def test_it_reports_a_lesson_whose_quiz_changed_as_updated(folder):
    import_lessons(folder)
    reworded = single_question(prompt="IP는 무엇에 할당되는가?")
    write_lesson(folder, "a-good.md", front_matter(quiz=quiz_of(reworded)))
    assert "0 created, 1 updated, 0 unchanged" in import_lessons(folder)


# --- All or nothing ---------------------------------------------------------------------


def bad(name: str, **overrides) -> dict:
    return front_matter(
        **({"title": f"{name} 단원", "slug": f"{name}-단원", "position": 2} | overrides)
    )


PODS_CORRECT = {"text": "파드", "correct": True}
CONTAINERS_CORRECT = {"text": "컨테이너", "correct": True}


def without(meta: dict, key: str) -> dict:
    return {k: v for k, v in meta.items() if k != key}


BAD_FILES = {
    "missing-title": (
        lambda folder: write_lesson(folder, "b-bad.md", without(bad("x"), "title")),
        ["b-bad.md, field 'title'", "is required"],
    ),
    "unknown-key": (
        lambda folder: write_lesson(folder, "b-bad.md", bad("x", author="앨리스")),
        ["b-bad.md, field 'author'", "unknown front-matter key"],
    ),
    "broken-yaml": (
        lambda folder: (folder / "b-bad.md").write_text(
            "---\ntitle: [닫히지 않은 목록\nslug: x\n---\n\n" + BODY, encoding="utf-8"
        ),
        ["b-bad.md", "not valid YAML"],
    ),
    "duplicate-slug": (
        lambda folder: write_lesson(folder, "b-bad.md", bad("x", slug="파드-기초")),
        ["b-bad.md, field 'slug'", "'파드-기초' is also used by a-good.md"],
    ),
    "unknown-category": (
        lambda folder: write_lesson(folder, "b-bad.md", bad("x", category="ckad")),
        ["b-bad.md, field 'category'", "unknown category 'ckad'"],
    ),
    "invalid-status": (
        lambda folder: write_lesson(folder, "b-bad.md", bad("x", status="public")),
        ["b-bad.md, field 'status'", "'draft' or 'published'"],
    ),
    "section-names-no-heading": (
        lambda folder: write_lesson(
            folder, "b-bad.md", bad("x", quiz=quiz_of(single_question(section="없는 절")))
        ),
        ["b-bad.md, question 1", "'section' names no heading", "없는 절"],
    ),
    "single-choice-two-correct": (
        lambda folder: write_lesson(
            folder,
            "b-bad.md",
            bad("x", quiz=quiz_of(single_question(choices=[PODS_CORRECT, CONTAINERS_CORRECT]))),
        ),
        ["b-bad.md, question 1", "exactly one correct choice"],
    ),
    "short-answer-without-answers": (
        lambda folder: write_lesson(
            folder,
            "b-bad.md",
            bad(
                "x",
                quiz=quiz_of(
                    single_question(), {"kind": "short", "prompt": "명령은?", "answers": []}
                ),
            ),
        ),
        ["b-bad.md, question 2", "at least one accepted answer"],
    ),
    "body-too-long": (
        lambda folder: write_lesson(
            folder, "b-bad.md", bad("x"), BODY + "가" * settings.LESSON_BODY_MAX_CHARS
        ),
        ["b-bad.md, body", f"longer than {settings.LESSON_BODY_MAX_CHARS} characters"],
    ),
    "not-utf-8": (
        lambda folder: (folder / "b-bad.md").write_bytes(lesson_text(bad("x")).encode("cp949")),
        ["b-bad.md", "not UTF-8"],
    ),
    "no-front-matter": (
        lambda folder: (folder / "b-bad.md").write_text("# 제목\n\n" + BODY, encoding="utf-8"),
        ["b-bad.md", "no front matter"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_it_imports_nothing_and_names_the_file_and_field_when_one_file_is_bad(folder, case):
    write_bad_file, expected = BAD_FILES[case]
    write_bad_file(folder)

    message = import_error(folder)

    assert message.startswith("Nothing was imported")
    for fragment in expected:
        assert fragment in message
    assert "\n  a-good.md" not in message  # no problem is reported against the good file
    assert not Category.objects.exists()
    assert not Lesson.objects.exists()
    assert not Quiz.objects.exists()


def test_it_lists_every_problem_at_once(folder):
    write_lesson(folder, "b-bad.md", without(bad("x", status="public"), "title"))
    write_lesson(folder, "c-bad.md", bad("y", category="ckad"))

    message = import_error(folder)

    assert "b-bad.md, field 'title'" in message
    assert "b-bad.md, field 'status'" in message
    assert "c-bad.md, field 'category'" in message


def test_it_leaves_existing_lessons_untouched_when_a_reimport_fails(folder):
    import_lessons(folder)
    write_lesson(folder, "a-good.md", front_matter(title="바뀌면 안 되는 제목"))
    write_lesson(folder, "b-bad.md", bad("x", status="public"))

    import_error(folder)

    assert list(Lesson.objects.values_list("title", flat=True)) == ["파드 기초"]


def test_it_reports_a_missing_folder(tmp_path):
    assert "no such folder" in import_error(tmp_path / "nope")


def largest_position() -> int:
    """2,147,483,647 on PostgreSQL, 2**63 - 1 on SQLite."""
    return connection.ops.integer_field_range("PositiveIntegerField")[1]


def write_categories(folder: Path, *extra: dict) -> None:
    (folder / "categories.yaml").write_text(
        yaml.safe_dump([*CATEGORIES, *extra], allow_unicode=True), encoding="utf-8"
    )


LONG_CHOICE = {"text": "파드" * 300, "correct": True}
CRASHING_FILES = {
    "unknown-parent-category": (
        lambda folder: (folder / "categories.yaml").write_text(
            yaml.safe_dump([*CATEGORIES, {"slug": "ckad", "name": "CKAD", "parent": "nope"}]),
            encoding="utf-8",
        ),
        ["categories.yaml", "parent"],
    ),
    "category-position-not-a-number": (
        lambda folder: (folder / "categories.yaml").write_text(
            yaml.safe_dump([{"slug": "basic", "name": "Basic", "position": "first"}]),
            encoding="utf-8",
        ),
        ["categories.yaml", "position"],
    ),
    "slug-too-long": (
        lambda folder: write_lesson(folder, "b-bad.md", bad("x", slug="a" * 201)),
        ["b-bad.md, field 'slug'"],
    ),
    "category-slug-with-a-slash": (
        lambda folder: write_categories(folder, {"slug": "a/b", "name": "AB"}),
        ["categories.yaml, category 3, field 'slug'"],
    ),
    "category-position-beyond-the-database": (
        lambda folder: write_categories(
            folder, {"slug": "ckad", "name": "CKAD", "position": largest_position() + 1}
        ),
        ["categories.yaml, category 3, field 'position'"],
    ),
    "category-name-too-long": (
        lambda folder: write_categories(folder, {"slug": "ckad", "name": "가" * 300}),
        ["categories.yaml, category 3, field 'name'"],
    ),
    "lesson-position-of-23-digits": (
        lambda folder: write_lesson(folder, "b-bad.md", bad("x", position=10**22)),
        ["b-bad.md, field 'position'"],
    ),
    "source-url-not-a-web-address": (
        lambda folder: write_lesson(folder, "b-bad.md", bad("x", source_url="javascript:alert(1)")),
        ["b-bad.md, field 'source_url'"],
    ),
    "nul-in-the-body": (
        lambda folder: write_lesson(folder, "b-bad.md", bad("x"), BODY + "NUL\x00\n"),
        ["b-bad.md", "NUL character"],
    ),
    "choice-too-long": (
        lambda folder: write_lesson(
            folder,
            "b-bad.md",
            bad("x", quiz=quiz_of(single_question(choices=[LONG_CHOICE, {"text": "노드"}]))),
        ),
        ["b-bad.md, question 1"],
    ),
}


@pytest.mark.parametrize("case", list(CRASHING_FILES))
def test_it_names_the_file_and_field_for_values_the_database_would_refuse(folder, case):
    write_bad_file, expected = CRASHING_FILES[case]
    write_bad_file(folder)

    message = import_error(folder)

    for fragment in expected:
        assert fragment in message


# --- Files made to burn CPU and memory -------------------------------------------------

ALIAS_LADDER = "\n".join(
    ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    + [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    + ["title: *a9"]
)


def write_front_matter(folder: Path, front: str) -> None:
    (folder / "b-bad.md").write_text(f"---\n{front}\n---\n\n{BODY}", encoding="utf-8")


EXPENSIVE_FILES = {
    "alias-ladder": (
        lambda folder: write_front_matter(folder, ALIAS_LADDER),
        ["b-bad.md", "anchors and aliases"],
    ),
    "one-alias": (
        lambda folder: write_front_matter(
            folder, "slug: x\ncategory: basic\nsummary: &s 요약\ntitle: *s"
        ),
        ["b-bad.md", "anchors and aliases"],
    ),
    "tagged-value": (
        lambda folder: write_front_matter(
            folder, "slug: x\ncategory: basic\ntitle: !!binary 7YyM65OcIOq4sOy0iA=="
        ),
        ["b-bad.md", "tags such as"],
    ),
    "alias-in-categories": (
        lambda folder: (folder / "categories.yaml").write_text(
            "- &c {slug: basic, name: Basic}\n- *c\n", encoding="utf-8"
        ),
        ["categories.yaml", "anchors and aliases"],
    ),
    "huge-front-matter": (
        lambda folder: write_front_matter(folder, "title: x\ncategory: basic\n# " + "가" * 100_000),
        ["b-bad.md", "front matter is longer than 100000 characters"],
    ),
    "huge-summary": (
        lambda folder: write_lesson(folder, "b-bad.md", bad("x", summary="가" * 1001)),
        ["b-bad.md, field 'summary'", "longer than 1000 characters"],
    ),
}


@pytest.mark.parametrize("case", list(EXPENSIVE_FILES))
def test_it_refuses_front_matter_made_to_burn_cpu_and_memory(folder, case):
    write_bad_file, expected = EXPENSIVE_FILES[case]
    write_bad_file(folder)

    message = import_error(folder)

    for fragment in expected:
        assert fragment in message
    assert not Lesson.objects.exists()
