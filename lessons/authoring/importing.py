"""Read and write lessons as Markdown files with YAML front matter.

A folder holds `categories.yaml` (optional) and one `*.md` file per lesson; the format is
described in the README. Importing validates every file first, with the checks below and
then the models' own validators (`full_clean`: lengths, number ranges, slugs, URLs), and
writes all of them in one transaction, so a bad file changes nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from lessons.authoring import exam_files, task_files
from lessons.authoring.content_files import (
    Problems,
    is_mapping,
    load_plain_yaml,
    model_problems,
    read_yaml_list,
    unknown_keys,
)
from lessons.kernel.rendering import render_markdown
from lessons.models import Category, Choice, Domain, Lesson, Question, Quiz
from lessons.quizzes.rules import question_problems

LESSON_KEYS = {
    "title", "slug", "category", "position", "status", "summary", "source_url", "quiz", "tasks",
    "published_at", "visible_from",
}  # fmt: skip
CATEGORY_KEYS = {"slug", "name", "position", "description", "parent"}
QUIZ_KEYS = {"pass_mark", "marks_done", "questions"}
QUESTION_KEYS = {
    "kind", "prompt", "section", "explanation", "choices", "answer", "answers", "domain",
}  # fmt: skip
CHOICE_KEYS = {"text", "correct"}
TRUE_FALSE_CHOICES = ("참", "거짓")
# Sizes beyond anything a lesson needs, so that no file makes the import slow.
FRONT_MATTER_MAX_CHARS = 100_000
CATEGORIES_MAX_CHARS = 100_000
SUMMARY_MAX_CHARS = 1_000


class ImportFailed(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def split_front_matter(text: str) -> tuple[str, str] | None:
    """Split '---\\nYAML\\n---\\nbody' into its two parts; None when there is none."""
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "".join(lines[1:index]), "".join(lines[index + 1 :])
    return None


def _is_scalar(value) -> bool:
    return not isinstance(value, dict | list)


def _read_categories(folder: Path, problems: Problems) -> list[dict]:
    path = folder / "categories.yaml"
    entries = read_yaml_list(path, CATEGORIES_MAX_CHARS, problems, "categories")
    categories = []
    for number, entry in enumerate(entries, start=1):
        where = f"{path.name}, category {number}"
        if not is_mapping(entry, where, CATEGORY_KEYS, problems):
            continue
        if not entry.get("slug") or not entry.get("name"):
            problems.add(where, "'slug' and 'name' are required")
            continue
        texts = [key for key in ("slug", "name", "description", "parent") if key in entry]
        if any(not _is_scalar(entry[key]) for key in texts):
            problems.add(where, "'slug', 'name', 'description' and 'parent' must be text")
            continue
        entry = entry | {key: str(entry[key]) for key in texts if entry[key] is not None}
        position = entry.get("position", 0)
        if not isinstance(position, int) or isinstance(position, bool) or position < 0:
            problems.add(where, "'position' must be a whole number, 0 or more")
            continue
        category = Category(
            slug=entry["slug"],
            name=entry["name"],
            position=position,
            description=entry.get("description") or "",
        )
        if model_problems(category, where, problems, exclude={"parent"}):
            categories.append(entry)
    slugs = {entry["slug"] for entry in categories}
    for entry in categories:
        parent = entry.get("parent")
        if parent and parent not in slugs and not Category.objects.filter(slug=parent).exists():
            problems.add(path.name, f"category {entry['slug']!r}: unknown parent {parent!r}")
    return categories


def _read_quiz(where: str, data, toc: list[dict], problems: Problems) -> dict | None:
    if not is_mapping(data, f"{where}, field 'quiz'", QUIZ_KEYS, problems):
        return None
    pass_mark = data.get("pass_mark", 70)
    if not isinstance(pass_mark, int) or not 0 <= pass_mark <= 100:
        problems.add(f"{where}, field 'quiz.pass_mark'", "must be a whole number from 0 to 100")
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        problems.add(f"{where}, field 'quiz.questions'", "must be a non-empty list")
        return None
    anchors = {entry["name"]: entry["id"] for entry in toc} | {e["id"]: e["id"] for e in toc}
    parsed = []
    for number, question in enumerate(questions, start=1):
        qwhere = f"{where}, question {number}"
        if not is_mapping(question, qwhere, QUESTION_KEYS, problems):
            continue
        kind = question.get("kind")
        if kind not in Question.Kind.values:
            problems.add(qwhere, f"'kind' must be one of {', '.join(Question.Kind.values)}")
            continue
        if not str(question.get("prompt") or "").strip():
            problems.add(qwhere, "'prompt' is required")
        for key in ("prompt", "explanation", "section", "domain"):
            if key in question and not isinstance(question[key], str):
                problems.add(qwhere, f"'{key}' must be text (put it in quotes)")
        section = str(question.get("section") or "")
        if section and section not in anchors:
            problems.add(qwhere, f"'section' names no heading of the lesson: {section!r}")
        choices: list[tuple[str, bool]] = []
        if kind == Question.Kind.TRUE_FALSE:
            if not isinstance(question.get("answer"), bool):
                problems.add(qwhere, "'answer' must be true or false")
                continue
            choices = [
                (TRUE_FALSE_CHOICES[0], question["answer"]),
                (TRUE_FALSE_CHOICES[1], not question["answer"]),
            ]
        elif kind != Question.Kind.SHORT:
            raw_choices = question.get("choices")
            if not isinstance(raw_choices, list):
                problems.add(qwhere, "'choices' must be a list")
                continue
            for choice in raw_choices:
                if not isinstance(choice, dict) or not str(choice.get("text") or "").strip():
                    problems.add(qwhere, "every choice needs a 'text'")
                    continue
                if not isinstance(choice["text"], str):
                    problems.add(
                        qwhere, f"choice {choice['text']!r} must be text (put it in quotes)"
                    )
                    continue
                for key in unknown_keys(choice, CHOICE_KEYS):
                    problems.add(qwhere, f"unknown choice key '{key}'")
                if len(str(choice["text"])) > 500:
                    problems.add(qwhere, "a choice is longer than 500 characters")
                choices.append((str(choice["text"]), choice.get("correct") is True))
        answers = question.get("answers") or []
        if not isinstance(answers, list):
            problems.add(qwhere, "'answers' must be a list")
            answers = []
        if any(not isinstance(answer, str) for answer in answers):
            problems.add(qwhere, "every accepted answer must be text (put it in quotes)")
        answers = [str(answer).strip() for answer in answers if str(answer).strip()]
        for problem in question_problems(
            kind, choice_count=len(choices), correct_count=sum(c for _, c in choices),
            answer_count=len(answers),
        ):  # fmt: skip
            problems.add(qwhere, problem)
        item = {
            "kind": kind,
            "prompt": str(question.get("prompt") or ""),
            "explanation": str(question.get("explanation") or ""),
            "section": anchors.get(section, ""),
            "accepted_answers": "\n".join(answers),
            "choices": choices,
            "domain": str(question.get("domain") or ""),
            "where": qwhere,
        }
        own_fields = {key: item[key] for key in item if key not in ("choices", "domain", "where")}
        record = Question(**own_fields)
        model_problems(record, qwhere, problems, exclude={"quiz"})
        for index, (text, correct) in enumerate(choices, start=1):
            choice = Choice(text=text, is_correct=correct, position=index)
            model_problems(choice, f"{qwhere}, choice {index}", problems, exclude={"question"})
        parsed.append(item)
    if isinstance(pass_mark, int):
        quiz = Quiz(pass_mark=pass_mark, marks_done=data.get("marks_done", True) is not False)
        model_problems(quiz, f"{where}, field 'quiz'", problems, exclude={"lesson"})
    return {
        "pass_mark": pass_mark,
        "marks_done": data.get("marks_done", True) is not False,
        "questions": parsed,
    }


def _read_datetime(value) -> datetime | None:
    """A date and time from YAML (already parsed, or an ISO 8601 string); None if neither."""
    if isinstance(value, str):
        try:
            value = parse_datetime(value.strip())
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _read_lesson(path: Path, problems: Problems) -> dict | None:
    where = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.add(where, "is not UTF-8 text")
        return None
    if "\x00" in text:
        problems.add(where, "contains a NUL character")
        return None
    parts = split_front_matter(text)
    if parts is None:
        problems.add(where, "has no front matter (a YAML block between two '---' lines)")
        return None
    if len(parts[0]) > FRONT_MATTER_MAX_CHARS:
        problems.add(where, f"front matter is longer than {FRONT_MATTER_MAX_CHARS} characters")
        return None
    try:
        meta = load_plain_yaml(parts[0]) or {}
    except yaml.YAMLError as error:
        problems.add(where, f"front matter is not valid YAML: {error}")
        return None
    if not isinstance(meta, dict):
        problems.add(where, "front matter must be a mapping of keys to values")
        return None
    body = parts[1].strip() + "\n"
    before = len(problems.items)
    for key in unknown_keys(meta, LESSON_KEYS):
        problems.add(f"{where}, field '{key}'", "unknown front-matter key")
    title = str(meta.get("title") or "").strip()
    if not title:
        problems.add(f"{where}, field 'title'", "is required")
    if len(title) > 200:
        problems.add(f"{where}, field 'title'", "is longer than 200 characters")
    slug = str(meta.get("slug") or slugify(title, allow_unicode=True))
    if slug != slugify(slug, allow_unicode=True) or not slug or len(slug) > 200:
        problems.add(f"{where}, field 'slug'", f"{slug[:60]!r} is not a valid slug")
    if not meta.get("category"):
        problems.add(f"{where}, field 'category'", "is required")
    status = meta.get("status", Lesson.Status.DRAFT)
    if status not in Lesson.Status.values:
        problems.add(f"{where}, field 'status'", "must be 'draft' or 'published'")
    position = meta.get("position", 0)
    if not isinstance(position, int) or isinstance(position, bool) or position < 0:
        problems.add(f"{where}, field 'position'", "must be a whole number, 0 or more")
    summary = str(meta.get("summary") or "").strip()
    if len(summary) > SUMMARY_MAX_CHARS:
        problems.add(f"{where}, field 'summary'", f"is longer than {SUMMARY_MAX_CHARS} characters")
    published_at = _read_datetime(meta.get("published_at"))
    if meta.get("published_at") is not None and published_at is None:
        problems.add(f"{where}, field 'published_at'", "must be a date and time (ISO 8601)")
    visible_from = _read_datetime(meta.get("visible_from"))
    if meta.get("visible_from") is not None and visible_from is None:
        problems.add(f"{where}, field 'visible_from'", "must be a date and time (ISO 8601)")
    if not body.strip():
        problems.add(f"{where}, body", "is empty")
    if len(body) > settings.LESSON_BODY_MAX_CHARS:
        problems.add(
            f"{where}, body", f"is longer than {settings.LESSON_BODY_MAX_CHARS} characters"
        )
    if len(problems.items) > before:
        return None
    lesson = {
        "title": title,
        "slug": slug,
        "position": position,
        "status": status,
        "summary": summary,
        "source_url": str(meta.get("source_url") or ""),
        "published_at": published_at,
        "visible_from": visible_from,
        "body": body,
    }
    if not model_problems(Lesson(**lesson), where, problems, exclude={"category"}):
        return None
    quiz = None
    if "quiz" in meta:
        quiz = _read_quiz(where, meta["quiz"], render_markdown(body).toc, problems)
    tasks = task_files.read_tasks(where, meta["tasks"], problems) if "tasks" in meta else None
    if len(problems.items) > before:
        return None
    return lesson | {"file": where, "category": str(meta["category"]), "quiz": quiz, "tasks": tasks}


def read_folder(folder: Path) -> tuple[list[dict], list[dict], list[dict]]:
    """Parse and validate every file in `folder`; raise ImportFailed listing all problems."""
    problems = Problems()
    if not folder.is_dir():
        raise ImportFailed([f"{folder}: no such folder"])
    categories = _read_categories(folder, problems)
    exams = exam_files.read_exams(folder, problems)
    lessons = [
        lesson
        for path in sorted(folder.glob("*.md"))
        if (lesson := _read_lesson(path, problems)) is not None
    ]
    seen: dict[str, str] = {}
    for lesson in lessons:
        if lesson["slug"] in seen:
            problems.add(
                f"{lesson['file']}, field 'slug'",
                f"{lesson['slug']!r} is also used by {seen[lesson['slug']]}",
            )
        seen[lesson["slug"]] = lesson["file"]
    known = {c["slug"] for c in categories} | set(
        Category.objects.filter(slug__in={lesson["category"] for lesson in lessons}).values_list(
            "slug", flat=True
        )
    )
    for lesson in lessons:
        if lesson["category"] not in known:
            problems.add(
                f"{lesson['file']}, field 'category'",
                f"unknown category {lesson['category']!r} (add it to categories.yaml)",
            )
    domains = {d["slug"] for exam in exams for d in exam["domains"]}
    named = {
        q["domain"] for lesson in lessons if lesson["quiz"] for q in lesson["quiz"]["questions"]
    } | {t["domain"] for lesson in lessons for t in lesson["tasks"] or []}
    domains |= set(Domain.objects.filter(slug__in=named - domains).values_list("slug", flat=True))
    for lesson in lessons:
        tagged = [*(lesson["quiz"] or {}).get("questions", []), *(lesson["tasks"] or [])]
        for question in tagged:
            if question["domain"] and question["domain"] not in domains:
                problems.add(
                    f"{question['where']}, field 'domain'",
                    f"unknown exam domain {question['domain']!r} (add it to exams.yaml)",
                )
    if problems.items:
        raise ImportFailed(problems.items)
    return categories, lessons, exams


def _quiz_snapshot(lesson: Lesson) -> tuple | None:
    """What a quiz says, to tell whether an import changed it."""
    quiz = Quiz.objects.filter(lesson=lesson).first()
    if quiz is None:
        return None
    return (
        quiz.pass_mark,
        quiz.marks_done,
        [
            (q.kind, q.prompt, q.explanation, q.section, q.accepted_answers, q.domain_id)
            + tuple((c.text, c.is_correct) for c in q.choices.all())
            for q in quiz.questions.prefetch_related("choices")
        ],
    )


def _save_quiz(lesson: Lesson, data: dict, domains: dict[str, int]) -> None:
    quiz, _ = Quiz.objects.update_or_create(
        lesson=lesson, defaults={"pass_mark": data["pass_mark"], "marks_done": data["marks_done"]}
    )
    # Questions are matched by position and updated in place, so that learners' answers
    # to them survive a re-import.
    existing = list(quiz.questions.prefetch_related("choices"))
    for position, item in enumerate(data["questions"], start=1):
        question = existing[position - 1] if position <= len(existing) else Question(quiz=quiz)
        for name in ("kind", "prompt", "explanation", "section", "accepted_answers"):
            setattr(question, name, item[name])
        question.position = position
        question.domain_id = domains.get(item["domain"])
        question.save()
        # Choices are matched by text, so reordering them in the file never changes what
        # an earlier answer points at.
        by_text = {choice.text: choice for choice in question.choices.all()}
        for index, (text, correct) in enumerate(item["choices"], start=1):
            choice = by_text.pop(text, None) or Choice(question=question, text=text)
            choice.is_correct, choice.position = correct, index
            choice.save()
        Choice.objects.filter(pk__in=[c.pk for c in by_text.values()]).delete()
    Question.objects.filter(pk__in=[q.pk for q in existing[len(data["questions"]) :]]).delete()


def import_folder(folder: Path) -> ImportResult:
    """Create or update the categories and lessons in `folder`, all or nothing."""
    categories, lessons, exams = read_folder(folder)
    result = ImportResult()
    with transaction.atomic():
        exam_files.save_exams(exams)
        domains = dict(Domain.objects.values_list("slug", "id"))
        for entry in categories:
            Category.objects.update_or_create(
                slug=entry["slug"],
                defaults={
                    "name": entry["name"],
                    "position": entry.get("position", 0),
                    "description": entry.get("description", ""),
                },
            )
        for entry in categories:
            if entry.get("parent"):
                Category.objects.filter(slug=entry["slug"]).update(
                    parent=Category.objects.get(slug=entry["parent"])
                )
        by_slug = {c.slug: c for c in Category.objects.all()}
        for entry in lessons:
            lesson = Lesson.objects.filter(slug=entry["slug"]).first()
            values = {
                "category": by_slug[entry["category"]],
                "title": entry["title"],
                "position": entry["position"],
                "status": entry["status"],
                "summary": entry["summary"],
                "source_url": entry["source_url"],
                "published_at": entry["published_at"],
                "visible_from": entry["visible_from"],
                "body": entry["body"],
            }
            if lesson is None:
                lesson = Lesson(slug=entry["slug"], **values)
                result.created.append(entry["slug"])
            elif any(getattr(lesson, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(lesson, key, value)
                result.updated.append(entry["slug"])
            else:
                result.unchanged.append(entry["slug"])
            if entry["slug"] not in result.unchanged:
                lesson.save()
            if entry["tasks"] is not None:
                task_files.save_tasks(lesson, entry["tasks"], domains)
            if entry["quiz"] is not None:
                before = _quiz_snapshot(lesson)
                _save_quiz(lesson, entry["quiz"], domains)
                if entry["slug"] in result.unchanged and _quiz_snapshot(lesson) != before:
                    result.unchanged.remove(entry["slug"])
                    result.updated.append(entry["slug"])
    return result
