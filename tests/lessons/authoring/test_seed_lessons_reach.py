"""Every seed lesson reaches learners everywhere a lesson shows: its category's page, search
by its title, its quiz, and (through its domain-tagged questions and hands-on tasks) the
CKA readiness and the mock exam's pool. One test per place, each walking every lesson
file, so that the seed is restored twice rather than once per lesson."""

from pathlib import Path

import pytest
import yaml
from django.urls import reverse

from lessons.exams import mock, readiness
from lessons.models import Exam, Lesson, Question, Task

SEED_FOLDER = Path(__file__).resolve().parents[3] / "fixtures" / "lessons"
SEED_FILES = sorted(SEED_FOLDER.glob("*.md"))


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


@pytest.fixture
def cka(seed_lessons) -> Exam:
    return Exam.objects.get(slug="cka")


def test_it_lists_finds_and_quizzes_every_seed_lesson(
    client, seed_lessons, django_assert_max_num_queries
):
    assert len(SEED_FILES) == Lesson.objects.count() == 15
    missing = []
    for path in SEED_FILES:
        lesson = Lesson.objects.select_related("category").get(slug=front_matter(path)["slug"])
        with django_assert_max_num_queries(12):
            page = client.get(reverse("lessons:category", args=[lesson.category.slug]))
        if lesson.get_absolute_url() not in page.content.decode():
            missing.append(f"{path.name}: not on its category page")
        with django_assert_max_num_queries(12):
            found = client.get(reverse("lessons:search"), {"q": lesson.title})
        if lesson.title not in [hit.lesson.title for hit in found.context["results"].hits]:
            missing.append(f"{path.name}: not found by its title")
        if client.get(reverse("lessons:quiz", args=[lesson.slug])).status_code not in (200, 302):
            missing.append(f"{path.name}: no quiz page")
    assert missing == []


def test_it_draws_every_seed_lessons_tagged_questions_and_tasks_into_the_exam(alice, cka):
    drawable = {i for ids in mock.drawable_questions(cka).values() for i in ids}
    drawable_tasks = {i for ids in mock.drawable_tasks(cka).values() for i in ids}
    measured = set(readiness.exam_questions([cka]).values_list("id", flat=True))
    measured_tasks = set(readiness.exam_tasks([cka]).values_list("id", flat=True))
    problems = []
    for path in SEED_FILES:
        meta = front_matter(path)
        tagged = set(
            Question.objects.filter(quiz__lesson__slug=meta["slug"], domain__exam=cka).values_list(
                "id", flat=True
            )
        )
        tasks = set(
            Task.objects.filter(lesson__slug=meta["slug"], domain__exam=cka).values_list(
                "id", flat=True
            )
        )
        if len(tagged) != len([q for q in meta["quiz"]["questions"] if q.get("domain")]):
            problems.append(f"{path.name}: tagged questions lost on import")
        if len(tasks) != len([t for t in meta.get("tasks") or [] if t.get("domain")]):
            problems.append(f"{path.name}: tasks lost on import")
        if not tagged <= drawable or not tasks <= drawable_tasks:
            problems.append(f"{path.name}: not drawn by the mock exam")
        if not tagged <= measured or not tasks <= measured_tasks:
            problems.append(f"{path.name}: not measured by readiness")
    assert problems == []

    entry = readiness.for_learner(alice, [cka])[0]
    assert sum(domain.questions for domain in entry.domains) == len(drawable) + len(drawable_tasks)
    assert len(drawable) == Question.objects.filter(domain__exam=cka).count()
    # A learner who has answered nothing is pointed at lessons for every domain.
    assert all(domain.lessons for domain in entry.domains)
