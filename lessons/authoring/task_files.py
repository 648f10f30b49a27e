"""Hands-on tasks in a lesson's front matter (`tasks:`, see the README): read and
validated for the importer, saved by position, and written back by the exporter."""

from lessons.authoring.content_files import Problems, is_mapping, model_problems
from lessons.exams.tasks.checker import rule_problem
from lessons.models import Lesson, Task

TASK_KEYS = {"title", "domain", "section", "kind", "prompt", "starting", "rules"}
TEXT_KEYS = ("title", "kind", "prompt")


def read_tasks(where: str, data, problems: Problems) -> list[dict] | None:
    if not isinstance(data, list) or not data:
        problems.add(f"{where}, field 'tasks'", "must be a non-empty list")
        return None
    tasks = []
    for number, raw in enumerate(data, start=1):
        twhere = f"{where}, task {number}"
        if not is_mapping(raw, twhere, TASK_KEYS, problems):
            continue
        if any(not isinstance(raw.get(key), str) or not raw[key].strip() for key in TEXT_KEYS):
            problems.add(twhere, "'title', 'kind' and 'prompt' are required text")
            continue
        rules = raw.get("rules")
        if not isinstance(rules, list) or not rules:
            problems.add(f"{twhere}, field 'rules'", "must be a non-empty list")
            continue
        for index, rule in enumerate(rules, start=1):
            problem = rule_problem(rule)
            if problem:
                problems.add(f"{twhere}, rule {index}", problem)
        entry = {
            "position": number,
            "title": raw["title"].strip(),
            "kind": raw["kind"].strip(),
            "prompt": raw["prompt"],
            "section": str(raw.get("section") or ""),
            "starting": str(raw.get("starting") or ""),
            "domain": str(raw.get("domain") or ""),
            "rules": rules,
            "where": twhere,
        }
        task = Task(**{k: v for k, v in entry.items() if k not in ("domain", "where")})
        model_problems(task, twhere, problems, exclude={"lesson", "domain"})
        tasks.append(entry)
    return tasks


def save_tasks(lesson: Lesson, tasks: list[dict], domains: dict[str, int]) -> None:
    """The lesson's tasks as the file has them, matched by position (learners' attempts
    at a task that keeps its place survive); tasks beyond the file's are removed."""
    existing = {task.position: task for task in lesson.tasks.all()}
    for entry in tasks:
        task = existing.get(entry["position"]) or Task(lesson=lesson, position=entry["position"])
        for key in ("title", "kind", "prompt", "section", "starting", "rules"):
            setattr(task, key, entry[key])
        task.domain_id = domains.get(entry["domain"])
        task.save()
    lesson.tasks.filter(position__gt=len(tasks)).delete()


def task_entries(lesson: Lesson) -> list[dict]:
    entries = []
    for task in lesson.tasks.all():
        entry: dict = {"title": task.title}
        if task.domain_id:
            entry["domain"] = task.domain.slug
        if task.section:
            entry["section"] = task.section
        entry |= {"kind": task.kind, "prompt": task.prompt}
        if task.starting:
            entry["starting"] = task.starting
        entry["rules"] = task.rules
        entries.append(entry)
    return entries
