"""Seed tasks ask for what their lesson's lab builds: a storage class a task requires is
one the lesson's cluster has."""

from pathlib import Path

import pytest

from tests.seed_lessons.content_checks import Lesson, lesson_files, load_lesson, task_problems

BODY = "## 실습\n\n```bash\nkubectl get storageclass local-path\n```\n"


def lesson_with(rule: dict) -> Lesson:
    task = {"title": "PVC", "kind": "PersistentVolumeClaim", "rules": [rule]}
    return Lesson(Path("example.md"), {"tasks": [task]}, BODY)


@pytest.mark.parametrize("path", lesson_files(), ids=lambda path: path.name)
def test_every_seed_task_asks_for_a_storage_class_its_lesson_has(path):
    assert task_problems(load_lesson(path)) == []


def test_the_seed_has_tasks_requiring_a_storage_class():
    required = [
        rule
        for path in lesson_files()
        for task in load_lesson(path).meta.get("tasks") or []
        for rule in task.get("rules") or []
        if str(rule.get("path", "")).endswith("storageClassName")
    ]
    assert required


@pytest.mark.parametrize(
    "rule, problem",
    [
        ({"path": "spec.storageClassName", "equals": "standard"}, True),
        ({"path": "spec.storageClassName", "matches": "^standard$"}, True),
        ({"path": "spec.storageClassName", "equals": "local-path"}, False),
        ({"path": "spec.storageClassName", "matches": "^local-path$"}, False),
        ({"path": "spec.volumeClaimTemplates[0].spec.storageClassName", "equals": "local"}, True),
        ({"path": "metadata.name", "equals": "standard"}, False),
    ],
)
def test_it_reports_a_storage_class_the_lesson_never_names(rule, problem):
    assert bool(task_problems(lesson_with(rule))) == problem
