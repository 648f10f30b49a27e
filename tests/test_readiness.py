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
from tests.exam_fixtures import make_exam, tag_questions

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def exam(basic):
    exam = make_exam(questions_per_sitting=10)
    tag_questions(basic, exam, per_domain=4)
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
    answer_in_quiz(alice, trouble[:2], correct=True)  # newer: two now right
    entry = readiness.for_learner(alice, [exam])[0]
    by_slug = {d.domain.slug: d for d in entry.domains}
    assert (by_slug["trouble"].answered, by_slug["trouble"].right) == (4, 2)
    assert by_slug["trouble"].percent == 50
    # A finished mock exam answered later wins over the quiz.
    sitting = MockSitting.objects.create(
        user=alice, exam=exam, started_at=timezone.now(), deadline=timezone.now(),
        finished_at=timezone.now(), max_score=1,
    )  # fmt: skip
    sitting.questions.create(question=trouble[3], position=1, is_correct=True,
                             answered_at=timezone.now() + timedelta(seconds=1))  # fmt: skip
    entry = readiness.for_learner(alice, [exam])[0]
    assert {d.domain.slug: d for d in entry.domains}["trouble"].percent == 75


def test_a_domain_with_too_few_answers_says_so(alice, alice_client, exam):
    answer_in_quiz(alice, domain_questions(exam, "net")[:2], correct=True)
    answer_in_quiz(alice, domain_questions(exam, "arch"), correct=True)
    entry = readiness.for_learner(alice, [exam])[0]
    by_slug = {d.domain.slug: d for d in entry.domains}
    assert by_slug["net"].percent is None and by_slug["arch"].percent == 100
    assert entry.estimate == 100 and entry.coverage == 25
    page = alice_client.get(reverse("lessons:exam", args=[exam.slug])).content.decode()
    assert "not enough answers yet" in page
    assert "Estimated readiness: 100%" in page
    assert "Based on domains worth 25% of the exam." in page


def test_the_estimate_is_weighted_and_the_weakest_domain_comes_first(alice, exam):
    answer_in_quiz(alice, domain_questions(exam, "trouble"), correct=False)  # 30: 0%
    answer_in_quiz(alice, domain_questions(exam, "work"), correct=True)  # 15: 100%
    entry = readiness.for_learner(alice, [exam])[0]
    assert entry.estimate == 33  # (30*0 + 15*100) / 45
    assert entry.weakest_first[0].domain.slug == "trouble"
    assert entry.weakest_first[1].domain.slug == "work"


def test_drafts_never_count(alice, basic, exam):
    drafts = tag_questions(basic, exam, per_domain=4, status=Lesson.Status.DRAFT, title="Draft")
    answer_in_quiz(alice, [q for q in drafts if q.domain.slug == "store"], correct=True)
    entry = readiness.for_learner(alice, [exam])[0]
    store = {d.domain.slug: d for d in entry.domains}["store"]
    assert (store.questions, store.answered) == (4, 0)


def test_my_progress_shows_the_chart_weakest_first_with_lessons_to_train(alice, alice_client, exam):
    answer_in_quiz(alice, domain_questions(exam, "trouble"), correct=False)
    page = alice_client.get(reverse("lessons:my_progress")).content.decode()
    assert "Readiness: Test exam" in page
    assert '<figure class="chart percent-chart"' in page
    assert page.index(">Trouble · 30%<") < page.index(">Arch · 25%<")
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
    answer_in_quiz(bob, domain_questions(exam, "trouble")[:3], correct=False)
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
