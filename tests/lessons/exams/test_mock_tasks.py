"""Hands-on tasks in mock exams: drawn beside questions by domain weight, answered with the
same manifest field as on a task's page, saved like other answers, checked on the server,
scored by the share of their checks, explained per rule in the result, held from their
own page while the sitting is open, and counted in readiness afterwards."""

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.urls import reverse
from django.utils import timezone

from lessons.exams import mock as mock_exams
from lessons.exams import readiness
from lessons.kernel import numbers
from lessons.models import Lesson, MockSitting, SittingQuestion, Task, TaskAttempt
from tests.conftest import make_lesson
from tests.lessons.exams.exam_fixtures import (
    make_exam,
    post_answer,
    question_url,
    tag_questions,
)

pytestmark = pytest.mark.usefixtures("english")

HTMX = {"HX-Request": "true"}
RULES = [
    {"path": "metadata.name", "equals": "app-config",
     "feedback": {"ko": "이름은 app-config.", "en": "Name it app-config."}},
    {"path": "data.mode", "equals": "prod",
     "feedback": {"ko": "mode는 prod.", "en": "Set mode to prod."}},
    {"path": "data.level", "exists": True,
     "feedback": {"ko": "level이 없습니다.", "en": "Add a level."}},
]  # fmt: skip
STARTING = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name:\n"
RIGHT = (
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\n"
    "data:\n  mode: prod\n  level: info\n"
)
TWO_OF_THREE = RIGHT.replace("mode: prod", "mode: dev")


def add_tasks(lesson, exam, per_domain: int) -> list[Task]:
    tasks = []
    for domain in exam.domains.all():
        for _ in range(per_domain):
            tasks.append(
                Task.objects.create(
                    lesson=lesson, position=len(tasks) + 1, domain=domain,
                    title=f"{domain.name} task {len(tasks) + 1}", kind="ConfigMap",
                    prompt="Make the ConfigMap `app-config`.", starting=STARTING, rules=RULES,
                )
            )  # fmt: skip
    return tasks


@pytest.fixture
def exam(basic):
    exam = make_exam(questions_per_sitting=10)
    tag_questions(basic, exam, per_domain=6)
    add_tasks(Lesson.objects.get(slug="exam-lesson"), exam, per_domain=2)
    return exam


def start(client, exam) -> MockSitting:
    assert client.post(reverse("lessons:mock_start", args=[exam.slug])).status_code == 302
    return MockSitting.objects.latest("id")


def task_items(sitting) -> list[SittingQuestion]:
    return list(sitting.questions.filter(task__isnull=False).select_related("task"))


def save_manifest(client, sitting, item, manifest: str, **extra):
    return client.post(
        question_url(sitting, item.position), {"manifest": manifest, **extra}, headers=HTMX
    )


def test_a_quarter_of_each_domains_seats_go_to_its_tasks():
    assert [mock_exams.task_seats(n, 20, 5) for n in (0, 1, 2, 3, 4, 5, 6, 8)] == [
        0, 0, 1, 1, 1, 1, 2, 2,
    ]  # fmt: skip
    assert mock_exams.task_seats(4, 1, 5) == 3  # questions run short: tasks fill in
    assert mock_exams.task_seats(4, 20, 0) == 0  # no task, no seat
    assert mock_exams.task_seats(1, 0, 2) == 1


def test_a_sitting_draws_tasks_beside_questions_by_domain(alice, exam):
    plan = mock_exams.plan(exam)
    assert plan.size == 10 and plan.task_count == 3  # Trouble 3 seats, Arch 3, Net 2: a task each
    sitting = mock_exams.start(alice, exam)
    items = list(sitting.questions.select_related("task", "question"))
    tasks = [item for item in items if item.task_id]
    assert len(items) == 10 and len(tasks) == 3
    assert all(item.domain_id == item.task.domain_id for item in tasks)
    assert sorted(item.position for item in items) == list(range(1, 11))


def test_tasks_of_lessons_not_visible_now_are_never_drawn(basic, exam):
    later = make_lesson(basic, "Later", 8, visible_from=timezone.now() + timedelta(days=3))
    draft = make_lesson(basic, "Draft", 9, status=Lesson.Status.DRAFT)
    hidden = {t.id for t in add_tasks(later, exam, 3) + add_tasks(draft, exam, 3)}
    plan = mock_exams.plan(exam)
    drawable = {t for ids in plan.task_pool.values() for t in ids}
    assert len(drawable) == 10 and not drawable & hidden


def test_the_task_page_of_a_sitting_has_the_lesson_tasks_field(alice_client, exam):
    sitting = start(alice_client, exam)
    item = task_items(sitting)[0]
    page = alice_client.get(question_url(sitting, item.position)).content.decode()
    assert 'id="manifest" name="manifest"' in page and "Make the ConfigMap" in page
    assert "Tab indents by two spaces; press Escape, then Tab, to leave the field." in page
    assert "js/manifest-editor.js" in page and "js/mock-exam.js" in page
    assert f'href="#task-{item.task_id}"' in page and f'id="task-{item.task_id}"' in page
    assert "name: \n" not in page and "metadata:\n  name:\n</textarea>" in page
    assert "from:textarea" in page  # typing autosaves, like a short answer


def test_a_saved_manifest_is_checked_but_the_check_is_not_shown_until_the_end(alice_client, exam):
    sitting = start(alice_client, exam)
    item = task_items(sitting)[0]
    response = save_manifest(alice_client, sitting, item, TWO_OF_THREE)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Answer saved at" in body and "Set mode to prod" not in body
    item.refresh_from_db()
    assert (item.manifest, item.rule_results, item.is_correct) == (
        TWO_OF_THREE,
        [True, False, True],
        False,
    )
    page = alice_client.get(question_url(sitting, item.position)).content.decode()
    assert "mode: dev" in page and "Set mode to prod" not in page
    assert f'<a href="{question_url(sitting, item.position)}" class="answered"' in page


def test_the_starting_manifest_or_nothing_is_no_answer(alice_client, exam):
    sitting = start(alice_client, exam)
    item = task_items(sitting)[0]
    save_manifest(alice_client, sitting, item, RIGHT)
    save_manifest(alice_client, sitting, item, STARTING)
    item.refresh_from_db()
    assert item.is_correct is None and item.answered_at is None and item.manifest == STARTING


def test_a_manifest_the_checker_refuses_is_kept_and_earns_nothing(alice_client, exam):
    sitting = start(alice_client, exam)
    item = task_items(sitting)[0]
    save_manifest(alice_client, sitting, item, "a: &x 1\nb: *x\n")
    item.refresh_from_db()
    assert item.manifest == "a: &x 1\nb: *x\n" and item.is_correct is False
    assert "anchors and aliases" in item.refused and item.credit == 0


def test_a_manifest_too_long_is_refused_and_changes_nothing(alice_client, exam):
    sitting = start(alice_client, exam)
    item = task_items(sitting)[0]
    save_manifest(alice_client, sitting, item, RIGHT)
    response = save_manifest(alice_client, sitting, item, "x" * 70_000)
    assert response.status_code == 400 and "too long" in response.content.decode()
    item.refresh_from_db()
    assert item.manifest == RIGHT and item.is_correct is True


def test_a_sitting_scores_a_task_by_the_share_of_its_checks(alice, alice_client, exam):
    sitting = start(alice_client, exam)
    tasks = task_items(sitting)
    save_manifest(alice_client, sitting, tasks[0], RIGHT)
    save_manifest(alice_client, sitting, tasks[1], TWO_OF_THREE)
    questions = sitting.questions.filter(question__isnull=False)
    for item in questions[:5]:
        post_answer(alice_client, sitting, item.position, right=True)
    sitting = mock_exams.finish(sitting)
    # 5 questions + 1 task + 2/3 of a task = 6.67 of 10
    assert sitting.score == Decimal("6.67") and sitting.max_score == 10
    assert sitting.percent == 67 and sitting.passed  # pass mark 66, compared exactly
    page = alice_client.get(reverse("lessons:mock_sitting", args=[exam.slug, sitting.pk]))
    html = page.content.decode()
    assert "Score: 6.67 / 10 (67%)" in html
    assert (
        "Hands-on tasks" in html
        and "2 of 3 checks passed" in html
        and "3 of 3 checks passed" in html
    )
    assert "Set mode to prod." in html and "Name it app-config." not in html
    assert "Not answered" in html  # the third task
    assert reverse("lessons:task", args=["exam-lesson", tasks[1].task.position]) in html


def test_a_sitting_passes_only_on_the_exact_sum(alice, exam):
    """Three tasks at 2 of 3 checks each are 2 points of 3: 66.67%, rounded 67, passes 66;
    hundredths (0.67 × 3 = 2.01) are kept for show, never for the pass mark."""
    assert numbers.hundredths(Fraction(2, 3)) == Decimal("0.67")
    assert numbers.points(Decimal("6.50")) == "6.5" and numbers.points(Decimal("7.00")) == "7"
    sitting = MockSitting.objects.create(
        user=alice, exam=exam, started_at=timezone.now(),
        deadline=timezone.now() + timedelta(minutes=5), max_score=3,
    )  # fmt: skip
    for n, task in enumerate(Task.objects.all()[:3], start=1):
        SittingQuestion.objects.create(sitting=sitting, task=task, domain=task.domain, position=n,
                                       manifest=TWO_OF_THREE, rule_results=[True, False, True],
                                       is_correct=False, answered_at=timezone.now())  # fmt: skip
    sitting = mock_exams.finish(sitting)
    assert sitting.score == Decimal("2.00") and sitting.passed


def test_a_task_answered_in_a_sitting_counts_in_readiness_after_it(alice, alice_client, exam):
    sitting = start(alice_client, exam)
    item = task_items(sitting)[0]
    save_manifest(alice_client, sitting, item, RIGHT)
    assert not TaskAttempt.objects.exists()
    mock_exams.finish(sitting)
    attempt = TaskAttempt.objects.get()
    assert (attempt.task_id, attempt.score, attempt.max_score, attempt.manifest) == (
        item.task_id, 3, 3, RIGHT,
    )  # fmt: skip
    domain = {d.domain.id: d for d in readiness.for_learner(alice, [exam])[0].domains}[
        item.domain_id
    ]
    assert (domain.answered, domain.right) == (1, 1)


def test_a_task_in_an_open_sitting_is_not_checkable_on_its_own_page(alice, alice_client, exam):
    sitting = start(alice_client, exam)
    task = task_items(sitting)[0].task
    url = reverse("lessons:task", args=[task.lesson.slug, task.position])
    TaskAttempt.objects.create(user=alice, task=task, manifest="# my solved one\n" + RIGHT,
                               score=3, max_score=3)  # fmt: skip
    page = alice_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "is open and has this task" in html and "my solved one" not in html
    assert 'name="manifest"' not in html
    response = alice_client.post(url, {"manifest": TWO_OF_THREE})
    assert response.status_code == 409 and "Set mode to prod" not in response.content.decode()
    assert TaskAttempt.objects.count() == 1
    mock_exams.finish(sitting)
    assert 'name="manifest"' in alice_client.get(url).content.decode()
    assert alice_client.post(url, {"manifest": TWO_OF_THREE}).status_code == 200


def test_a_manifest_after_the_deadline_is_not_counted(alice_client, exam):
    sitting = start(alice_client, exam)
    item = task_items(sitting)[0]
    MockSitting.objects.filter(pk=sitting.pk).update(deadline=timezone.now() - timedelta(minutes=2))
    response = save_manifest(alice_client, sitting, item, RIGHT)
    assert response.headers.get("HX-Redirect", "").endswith(f"/mock/{sitting.pk}/")
    item.refresh_from_db()
    sitting.refresh_from_db()
    assert item.is_correct is None and sitting.is_finished and sitting.timed_out


def test_questions_held_by_a_sitting_with_tasks_leave_the_review_queue_intact(
    alice, alice_client, exam
):
    """A task's row holds no question: the held questions' subquery must not carry its
    empty question (NOT IN with a NULL would empty the review queue)."""
    from lessons.models import AttemptAnswer, QuizAttempt
    from lessons.quizzes import scoring

    quiz = Lesson.objects.get(slug="exam-lesson").quiz
    questions = list(quiz.questions.all())
    attempt = QuizAttempt.objects.create(
        user=alice, quiz=quiz, score=0, max_score=len(questions), passed=False, form_token="t"
    )
    AttemptAnswer.objects.bulk_create(
        AttemptAnswer(attempt=attempt, question=q, is_correct=False) for q in questions
    )
    sitting = start(alice_client, exam)
    held = set(
        sitting.questions.filter(question__isnull=False).values_list("question_id", flat=True)
    )
    missed = {q.id for q in scoring.missed_questions(alice)}
    assert missed == {q.id for q in questions} - held and missed


def test_task_pages_of_a_sitting_take_a_fixed_number_of_queries(
    alice_client, exam, django_assert_max_num_queries
):
    sitting = start(alice_client, exam)
    item = task_items(sitting)[0]
    with django_assert_max_num_queries(14):
        assert alice_client.get(question_url(sitting, item.position)).status_code == 200
    with django_assert_max_num_queries(16):
        assert save_manifest(alice_client, sitting, item, RIGHT, go="next").status_code == 200
    for other in task_items(sitting)[1:]:
        save_manifest(alice_client, sitting, other, TWO_OF_THREE)
    sitting = mock_exams.finish(sitting)
    with django_assert_max_num_queries(12):
        url = reverse("lessons:mock_sitting", args=[exam.slug, sitting.pk])
        assert alice_client.get(url).status_code == 200
