"""Write lessons and their quizzes as the Markdown-with-front-matter folder that
`lessons.authoring.importing.import_folder` reads, so that an export imports back as it was."""

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db.models import Prefetch, QuerySet

from lessons.authoring import exam_files, task_files
from lessons.authoring.importing import TRUE_FALSE_CHOICES
from lessons.models import Category, Choice, Lesson, Question, Task

FILE_NAME_BYTES = 120


class ExportFailed(Exception):
    pass


@dataclass
class ExportResult:
    files: list[Path] = field(default_factory=list)
    categories: int = 0
    warnings: list[str] = field(default_factory=list)


class _FrontMatterDumper(yaml.SafeDumper):
    """Strings that span lines are written double-quoted on one line, so that no line
    of the front matter can read as its closing '---'."""


def _represent_str(dumper: yaml.SafeDumper, value: str):
    style = '"' if "\n" in value or "\r" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_FrontMatterDumper.add_representer(str, _represent_str)


def _dump(data) -> str:
    return yaml.dump(
        data, Dumper=_FrontMatterDumper, allow_unicode=True, sort_keys=False, width=10**6
    )


def _file_name(number: int, lesson: Lesson) -> str:
    """'0007-kubernetes-network.md': numbered in learning order, short enough for any disk."""
    stem = lesson.slug.encode()[:FILE_NAME_BYTES].decode(errors="ignore")
    return f"{number:04d}-{stem}.md"


def _question(question: Question, anchors: set[str], where: str, warnings: list[str]) -> dict:
    data: dict = {"kind": question.kind, "prompt": question.prompt}
    if question.section:
        if question.section in anchors:
            data["section"] = question.section
        else:
            warnings.append(f"{where}: section {question.section!r} is no longer a heading")
    if question.explanation:
        data["explanation"] = question.explanation
    if question.domain_id:
        data["domain"] = question.domain.slug
    choices = list(question.choices.all())
    if question.kind == Question.Kind.TRUE_FALSE:
        true_choice = next((c for c in choices if c.text == TRUE_FALSE_CHOICES[0]), None)
        data["answer"] = (true_choice or choices[0]).is_correct if choices else True
    elif question.kind == Question.Kind.SHORT:
        data["answers"] = question.accepted_answer_list()
    else:
        data["choices"] = [
            {"text": c.text, "correct": True} if c.is_correct else {"text": c.text} for c in choices
        ]
    return data


def lesson_front_matter(lesson: Lesson, warnings: list[str]) -> dict:
    data: dict = {
        "title": lesson.title,
        "slug": lesson.slug,
        "category": lesson.category.slug,
        "position": lesson.position,
        "status": lesson.status,
    }
    if lesson.summary:
        data["summary"] = lesson.summary
    if lesson.source_url:
        data["source_url"] = lesson.source_url
    if lesson.published_at:
        data["published_at"] = lesson.published_at.isoformat()
    if lesson.visible_from:
        data["visible_from"] = lesson.visible_from.isoformat()
    quiz = getattr(lesson, "quiz", None)
    if quiz is not None and quiz.questions.all():
        anchors = {entry["id"] for entry in lesson.toc}
        data["quiz"] = {
            "pass_mark": quiz.pass_mark,
            "marks_done": quiz.marks_done,
            "questions": [
                _question(q, anchors, f"{lesson.slug}, question {n}", warnings)
                for n, q in enumerate(quiz.questions.all(), start=1)
            ],
        }
    tasks = task_files.task_entries(lesson)
    if tasks:
        data["tasks"] = tasks
    return data


def category_entries(categories: QuerySet) -> list[dict]:
    entries = []
    for category in categories.select_related("parent").order_by("position", "name", "id"):
        entry: dict = {"slug": category.slug, "name": category.name, "position": category.position}
        if category.description:
            entry["description"] = category.description
        if category.parent:
            entry["parent"] = category.parent.slug
        entries.append(entry)
    return entries


def export_lessons(folder: Path, *, overwrite: bool = False) -> ExportResult:
    """Write `categories.yaml`, `exams.yaml` (when there are exams) and one `.md` file
    per lesson into `folder`.

    A folder that already holds an export is refused unless `overwrite`, which first
    removes its `.md` files and `categories.yaml` (an import reads every `.md` file, so a
    stale one would come back)."""
    folder.mkdir(parents=True, exist_ok=True)
    old = [*folder.glob("*.md"), *folder.glob("categories.yaml"), *folder.glob("exams.yaml")]
    if old and not overwrite:
        raise ExportFailed(f"{folder} already holds lesson files; choose an empty folder")
    for path in old:
        path.unlink()
    result = ExportResult()
    categories = category_entries(Category.objects.all())
    (folder / "categories.yaml").write_text(_dump(categories), encoding="utf-8")
    result.categories = len(categories)
    exams = exam_files.exam_entries()
    if exams:
        (folder / exam_files.FILE_NAME).write_text(_dump(exams), encoding="utf-8")
    lessons = (
        Lesson.objects.select_related("category", "quiz")
        .prefetch_related(
            Prefetch("tasks", queryset=Task.objects.select_related("domain")),
            Prefetch(
                "quiz__questions",
                queryset=Question.objects.select_related("domain")
                .prefetch_related(
                    Prefetch("choices", queryset=Choice.objects.order_by("position", "id"))
                )
                .order_by("position", "id"),
            ),
        )
        .in_learning_order()
    )
    for number, lesson in enumerate(lessons.iterator(chunk_size=100), start=1):
        front_matter = _dump(lesson_front_matter(lesson, result.warnings))
        path = folder / _file_name(number, lesson)
        path.write_text(f"---\n{front_matter}---\n\n{lesson.body.strip()}\n", encoding="utf-8")
        result.files.append(path)
    return result
