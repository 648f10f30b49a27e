"""Readiness per exam domain: a learner's on "my progress" and the exam page, and a
group's on the instructor's readiness page."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lessons.exams import mock as mock_exams
from lessons.exams import readiness
from lessons.models import AttemptAnswer, Lesson, MockSitting, Question, QuizAttempt
from portal.models import Membership, StudyGroup
from tests.lessons.exams.exam_fixtures import make_exam, tag_questions

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def exam(basic):
    exam = make_exam(questions_per_sitting=10)
    tag_questions(basic, exam, per_domain=6)
    return exam


def answer_in_quiz(user, questions, correct: bool, when=None) -> QuizAttempt:
    quiz = questions[0].quiz
    attempt = QuizAttempt.objects.create(
        user=user, quiz=quiz, score=0, max_score=len(questions), passed=False,
        form_token=f"t{QuizAttempt.objects.count()}",
    )  # fmt: skip
    if when:
        QuizAttempt.objects.filter(pk=attempt.pk).update(submitted_at=when)
    AttemptAnswer.objects.bulk_create(
        AttemptAnswer(attempt=attempt, question=q, is_correct=correct) for q in questions
    )
    return attempt


def domain_questions(exam, slug: str) -> list[Question]:
    return list(Question.objects.filter(domain__slug=slug, domain__exam=exam).order_by("id"))


def test_the_latest_answer_counts_across_quizzes_and_mock_exams(alice, exam):
    trouble = domain_questions(exam, "trouble")
    long_ago = timezone.now() - timedelta(days=3)
    answer_in_quiz(alice, trouble, correct=False, when=long_ago)
    answer_in_quiz(alice, trouble[:3], correct=True)  # newer: three now right
    entry = readiness.for_learner(alice, [exam])[0]
    by_slug = {d.domain.slug: d for d in entry.domains}
    assert (by_slug["trouble"].answered, by_slug["trouble"].right) == (6, 3)
    assert by_slug["trouble"].percent == 50
    # A finished mock exam answered later wins over the quiz.
    sitting = MockSitting.objects.create(
        user=alice, exam=exam, started_at=timezone.now(), deadline=timezone.now(),
        finished_at=timezone.now(), max_score=1,
    )  # fmt: skip
    sitting.questions.create(question=trouble[5], position=1, is_correct=True,
                             answered_at=timezone.now() + timedelta(seconds=1))  # fmt: skip
    entry = readiness.for_learner(alice, [exam])[0]
    assert {d.domain.slug: d for d in entry.domains}["trouble"].percent == 67


def test_one_domain_all_right_reads_as_its_share_of_the_exam_not_100(alice, alice_client, exam):
    """six right answers in one domain (25% of the exam) showed a green 100%."""
    answer_in_quiz(alice, domain_questions(exam, "net")[:2], correct=True)
    answer_in_quiz(alice, domain_questions(exam, "arch"), correct=True)
    entry = readiness.for_learner(alice, [exam])[0]
    by_slug = {d.domain.slug: d for d in entry.domains}
    assert by_slug["net"].percent is None and by_slug["arch"].percent == 100
    assert entry.estimate == 25 and entry.coverage == 25 and not entry.is_ready
    page = alice_client.get(reverse("lessons:exam", args=[exam.slug])).content.decode()
    assert '<div class="score-card fail">' in page
    measured = page.index("Only 25% of the exam is measured")
    assert measured < page.index("Expected score on the whole exam: 25%")
    assert "Estimated readiness: 100%" not in page


def test_each_unmeasured_domain_is_named_with_what_trains_it(alice, alice_client, exam):
    answer_in_quiz(alice, domain_questions(exam, "arch"), correct=True)
    answer_in_quiz(alice, domain_questions(exam, "net")[:2], correct=True)
    page = alice_client.get(reverse("lessons:exam", args=[exam.slug])).content.decode()
    notice = page[page.index("Not measured yet (counted as not ready):") :]
    notice = notice[: notice.index("</ul>")]
    for name in ("Trouble · 30%", "Net · 20%", "Work · 15%", "Store · 10%"):
        assert name in notice
    assert "Arch · 25%" not in notice
    assert "2 answered, 5 needed." in notice
    assert notice.count('href="/lessons/exam-lesson/"') == 4


def test_a_domain_with_too_few_questions_says_it_cannot_be_measured(alice_client, basic):
    exam = make_exam(questions_per_sitting=10)
    tag_questions(basic, exam, per_domain=2)
    page = alice_client.get(reverse("lessons:exam", args=[exam.slug])).content.decode()
    assert "the lessons have only 2 questions for it yet, too few to measure." in page
    assert "Only 0% of the exam is measured" in page


def test_the_estimate_counts_unmeasured_domains_as_not_ready(alice, exam):
    """96% while Storage had no answers; an unmeasured domain was skipped."""
    for slug in ("trouble", "arch", "net", "work"):
        answer_in_quiz(alice, domain_questions(exam, slug), correct=True)
    entry = readiness.for_learner(alice, [exam])[0]
    assert entry.coverage == 90 and entry.estimate == 90
    assert [d.domain.slug for d in entry.unmeasured] == ["store"]


def test_the_estimate_is_weighted_and_the_weakest_domain_comes_first(alice, exam):
    answer_in_quiz(alice, domain_questions(exam, "trouble"), correct=False)  # 30: 0%
    answer_in_quiz(alice, domain_questions(exam, "work"), correct=True)  # 15: 100%
    entry = readiness.for_learner(alice, [exam])[0]
    assert entry.estimate == 15  # (30*0 + 15*100 + 55 unmeasured * 0) / 100
    assert entry.weakest_first[0].domain.slug == "trouble"
    assert entry.weakest_first[1].domain.slug == "work"


def test_drafts_never_count(alice, basic, exam):
    drafts = tag_questions(basic, exam, per_domain=6, status=Lesson.Status.DRAFT, title="Draft")
    answer_in_quiz(alice, [q for q in drafts if q.domain.slug == "store"], correct=True)
    entry = readiness.for_learner(alice, [exam])[0]
    store = {d.domain.slug: d for d in entry.domains}["store"]
    assert (store.questions, store.answered) == (6, 0)


def test_a_lesson_scheduled_for_later_never_counts_nor_shows(alice, alice_client, basic, exam):
    later = tag_questions(basic, exam, per_domain=6, title="Later")
    Lesson.objects.filter(title="Later").update(visible_from=timezone.now() + timedelta(days=2))
    answer_in_quiz(alice, [q for q in later if q.domain.slug == "store"], correct=True)
    entry = readiness.for_learner(alice, [exam])[0]
    store = {d.domain.slug: d for d in entry.domains}["store"]
    assert (store.questions, store.answered) == (6, 0)
    page = alice_client.get(reverse("lessons:exam", args=[exam.slug])).content.decode()
    assert "/lessons/later/" not in page


def test_my_progress_shows_the_chart_weakest_first_with_lessons_to_train(alice, alice_client, exam):
    answer_in_quiz(alice, domain_questions(exam, "trouble"), correct=False)
    page = alice_client.get(reverse("lessons:my_progress")).content.decode()
    assert "Readiness: Test exam" in page
    assert '<figure class="chart percent-chart"' in page
    chart = page[page.index('<figure class="chart percent-chart"') :]
    assert chart.index(">Trouble · 30%<") < chart.index(">Arch · 25%<")
    assert 'href="/lessons/exam-lesson/#' in page and "§Exam lesson 첫 절" in page
    assert reverse("lessons:mock_start", args=[exam.slug]) in page


def test_readiness_pages_take_a_fixed_number_of_queries(
    alice, alice_client, exam, django_assert_max_num_queries
):
    questions = list(Question.objects.filter(domain__exam=exam))
    for day in range(40):
        answer_in_quiz(alice, questions, correct=day % 2 == 0)
    for _ in range(10):
        mock_exams.finish(mock_exams.start(alice, exam))
    with django_assert_max_num_queries(10):
        assert alice_client.get(reverse("lessons:exam", args=[exam.slug])).status_code == 200
    with django_assert_max_num_queries(16):
        assert alice_client.get(reverse("lessons:my_progress")).status_code == 200


@pytest.fixture
def group(alice, bob, charlie, exam):
    group = StudyGroup.objects.create(name="CKA 스터디", invite_code="exam-group")
    Membership.objects.create(group=group, user=charlie, role=Membership.Role.INSTRUCTOR)
    for learner in (alice, bob):
        Membership.objects.create(group=group, user=learner, role=Membership.Role.LEARNER)
    return group


def test_an_instructor_sees_the_group_per_domain_and_learner_by_domain(
    alice, bob, charlie, group, exam
):
    answer_in_quiz(alice, domain_questions(exam, "trouble"), correct=True)
    answer_in_quiz(bob, domain_questions(exam, "trouble")[:5], correct=False)
    answer_in_quiz(bob, domain_questions(exam, "net")[:1], correct=True)
    client = Client()
    client.force_login(charlie)
    page = client.get(reverse("groups:readiness", args=[group.pk])).content.decode()
    assert "50% (2 of 2 learners)" in page  # Trouble: alice 100, bob 0
    assert page.count("not enough answers yet") >= 4
    assert reverse("groups:dashboard_learner", args=[group.pk, alice.pk]) in page
    dashboard = client.get(reverse("groups:dashboard", args=[group.pk])).content.decode()
    assert reverse("groups:readiness", args=[group.pk]) in dashboard


def test_only_the_groups_instructors_see_its_readiness(alice, bob, group):
    url = reverse("groups:readiness", args=[group.pk])
    assert Client().get(url).status_code == 404
    learner = Client()
    learner.force_login(alice)
    assert learner.get(url).status_code == 404


def test_the_group_page_takes_a_fixed_number_of_queries(
    charlie, group, exam, basic, django_assert_max_num_queries
):
    from tests.conftest import make_user

    questions = list(Question.objects.filter(domain__exam=exam))
    for n in range(15):
        learner = make_user(f"learner{n}")
        Membership.objects.create(group=group, user=learner, role=Membership.Role.LEARNER)
        for _ in range(3):
            answer_in_quiz(learner, questions, correct=n % 2 == 0)
    client = Client()
    client.force_login(charlie)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("groups:readiness", args=[group.pk])).status_code == 200


def test_the_learner_drill_down_lists_mock_exams(alice, charlie, group, exam):
    sitting = mock_exams.finish(mock_exams.start(alice, exam))
    client = Client()
    client.force_login(charlie)
    url = reverse("groups:dashboard_learner", args=[group.pk, alice.pk])
    page = client.get(url).content.decode()
    assert "Mock exams" in page and f"0 / {sitting.max_score} (0%)" in page


def make_tasks(exam, slug: str, count: int) -> list:
    from lessons.models import Task

    lesson = Lesson.objects.get(slug="exam-lesson")
    domain = exam.domains.get(slug=slug)
    start = Task.objects.filter(lesson=lesson).count()
    return [
        Task.objects.create(lesson=lesson, position=start + n, domain=domain, title=f"T{n}",
                            kind="Pod", prompt="p", rules=[{"path": "kind", "exists": True}])
        for n in range(1, count + 1)
    ]  # fmt: skip


def attempt_task(user, task, solved: bool):
    from lessons.models import TaskAttempt

    return TaskAttempt.objects.create(
        user=user, task=task, manifest="kind: Pod", score=int(solved), max_score=1
    )


def test_learner_and_group_readiness_agree_on_questions_and_tasks(alice, bob, group, exam):
    """The group's table counted questions only: a learner measured in Storage by two
    tasks read as "not enough answers" to the instructor."""
    store_tasks = make_tasks(exam, "store", 3)
    trouble_tasks = make_tasks(exam, "trouble", 2)
    answer_in_quiz(alice, domain_questions(exam, "store")[:3], correct=True)
    attempt_task(alice, store_tasks[0], solved=False)
    attempt_task(alice, store_tasks[0], solved=True)  # solved on a second try
    attempt_task(alice, store_tasks[1], solved=False)
    answer_in_quiz(bob, domain_questions(exam, "trouble")[:4], correct=False)
    attempt_task(bob, trouble_tasks[1], solved=True)

    summary, rows = readiness.for_group(
        exam, Membership.objects.filter(group=group, role=Membership.Role.LEARNER)
    )
    for row in rows:
        own = readiness.for_learner(row.user, [exam])[0]
        seen = [(d.domain.slug, d.questions, d.answered, d.right, d.percent) for d in own.domains]
        told = [(d.domain.slug, d.questions, d.answered, d.right, d.percent)
                for d in row.readiness.domains]  # fmt: skip
        assert told == seen
        assert row.readiness.estimate == own.estimate
    by_user = {row.user: {d.domain.slug: d for d in row.readiness.domains} for row in rows}
    assert (by_user[alice]["store"].answered, by_user[alice]["store"].right) == (5, 4)
    assert by_user[alice]["store"].percent == 80 and by_user[alice]["store"].questions == 9
    assert by_user[bob]["trouble"].percent == 20
    assert {d.domain.slug: d.average for d in summary}["store"] == 80


def test_the_group_counts_only_tasks_of_lessons_visible_now(alice, group, exam, basic):
    from lessons.models import Task
    from tests.conftest import make_lesson

    later = make_lesson(basic, "Later", 9, visible_from=timezone.now() + timedelta(days=2))

    task = Task.objects.create(lesson=later, position=1, domain=exam.domains.get(slug="store"),
                               title="Later", kind="Pod", prompt="p", rules=[])  # fmt: skip
    attempt_task(alice, task, solved=False)
    _, rows = readiness.for_group(
        exam, Membership.objects.filter(group=group, role=Membership.Role.LEARNER)
    )
    store = {d.domain.slug: d for d in rows[0].readiness.domains}["store"]
    assert (store.questions, store.answered) == (6, 0)
