"""Seed labs run in order on one cluster: each lesson cleans up what it creates (or works in
a namespace of its own that it deletes), and the pool of questions covers every exam domain
three times over for each seat it has in a sitting."""

from pathlib import Path

import pytest

from tests.seed_lessons.content_checks import (
    Lesson,
    cleanup_problems,
    code_blocks,
    lesson_files,
    load_exams,
    load_lesson,
    pool_problems,
)

LESSONS = [load_lesson(path) for path in lesson_files()]


def lesson_from(body: str, **meta) -> Lesson:
    return Lesson(Path("example.md"), meta, body, code_blocks(body))


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.name)
def test_it_leaves_nothing_behind_a_lesson(lesson):
    assert cleanup_problems(lesson) == []


def test_it_draws_three_questions_per_seat_from_every_domain():
    assert pool_problems(load_exams(), LESSONS) == []


def test_it_reports_what_a_lab_leaves_in_the_default_namespace():
    body = (
        "```bash\nkubectl create deployment web --image=nginx:1.27\n"
        "kubectl run client --image=busybox:1.36 -- sleep 3600\n"
        "kubectl delete pod client\n```\n"
    )
    assert cleanup_problems(lesson_from(body)) == [
        "example.md: Deployment/web in default is never cleaned up"
    ]


def test_it_accepts_a_namespace_of_its_own_deleted_at_the_end():
    body = (
        "```bash\nkubectl create namespace lab\n"
        "kubectl create deployment web -n lab --image=nginx:1.27\n```\n"
        "```yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: lab\n```\n"
        "```bash\nkubectl delete namespace lab\n```\n"
    )
    assert cleanup_problems(lesson_from(body)) == []


def test_it_reports_a_cluster_scoped_object_left_behind():
    body = (
        "```yaml\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n"
        "  name: high\nvalue: 1000\n```\n"
    )
    assert cleanup_problems(lesson_from(body)) == [
        "example.md: PriorityClass/high is never cleaned up"
    ]


def test_it_reports_a_domain_with_too_few_questions():
    exams = [
        {
            "slug": "cka",
            "questions_per_sitting": 20,
            "domains": [{"slug": "a", "weight": 50}, {"slug": "b", "weight": 50}],
        }
    ]
    questions = [{"kind": "single", "domain": "a"}] * 30 + [{"kind": "single", "domain": "b"}]
    lesson = lesson_from("본문\n", quiz={"questions": questions})
    assert pool_problems(exams, [lesson]) == [
        "cka, domain b: 1 question for 10 seats in a sitting; at least 30 are needed"
    ]
