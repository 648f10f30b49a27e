"""A learner's footprint (lessons/sql/footprint.py) against the ORM's twin of each of its
numbers, on both databases, and the progress and readiness pages it keeps: never stale
after the learner's own write."""

from datetime import timedelta

import pytest
from django.db.models import Count, Max, Min
from django.urls import reverse
from django.utils import timezone

from lessons.exams import mock as mock_exams
from lessons.models import Completion, Lesson, MockSitting, Question, QuizAttempt, TaskAttempt
from lessons.progress.tracking import category_bars
from lessons.sql import footprint
from tests.conftest import make_lesson
from tests.lessons.exams.exam_fixtures import make_exam, tag_questions
from tests.lessons.exams.test_readiness import answer_in_quiz
from tests.lessons.sql.test_statements import without_tokens

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def exam(basic):
    exam = make_exam(questions_per_sitting=10)
    tag_questions(basic, exam, per_domain=6)
    return exam


def orm_footprint(user) -> footprint.Footprint:
    def counted(rows) -> tuple[int, int | None]:
        found = rows.filter(user=user).aggregate(n=Count("id"), newest=Max("id"))
        return found["n"], found["newest"]

    later = Lesson.objects.filter(
        status=Lesson.Status.PUBLISHED, visible_from__gt=timezone.now()
    ).aggregate(at=Min("visible_from"))["at"]
    return footprint.Footprint(
        completions=counted(Completion.objects),
        attempts=counted(QuizAttempt.objects),
        sittings=counted(MockSitting.objects),
        finished_sittings=MockSitting.objects.filter(user=user, finished_at__isnull=False).count(),
        task_attempts=counted(TaskAttempt.objects),
        next_scheduled=later,
    )


def test_an_empty_record_and_catalog(alice):
    assert footprint.footprint(alice) == orm_footprint(alice)
    bars, overall, mark = footprint.progress(alice)
    assert (bars, overall) == category_bars(alice)
    assert mark == orm_footprint(alice)


def test_each_number_is_the_orms(alice, bob, lessons, basic, exam):
    Completion.objects.create(user=alice, lesson=lessons[0])
    Completion.objects.create(user=alice, lesson=lessons[1])
    Completion.objects.create(user=bob, lesson=lessons[2])
    questions = list(Question.objects.filter(domain__exam=exam))
    answer_in_quiz(alice, questions[:3], correct=True)
    mock_exams.finish(mock_exams.start(alice, exam))
    mock_exams.start(alice, exam)
    later = make_lesson(basic, "Later")
    Lesson.objects.filter(pk=later.pk).update(visible_from=timezone.now() + timedelta(days=2))

    mark = footprint.footprint(alice)

    assert mark == orm_footprint(alice)
    assert mark.completions[0] == 2 and mark.attempts[0] == 1
    assert mark.sittings[0] == 2 and mark.finished_sittings == 1 and mark.open_sitting
    assert mark.next_scheduled is not None
    bars, overall, same = footprint.progress(alice)
    assert (bars, overall) == category_bars(alice)
    assert same == mark
    assert footprint.footprint(bob) == orm_footprint(bob)


def test_a_lesson_done_shows_on_my_progress_at_once(alice_client, lessons):
    url = reverse("lessons:my_progress")
    assert "Nothing yet." in alice_client.get(url).content.decode()

    alice_client.post(reverse("lessons:completion", args=[lessons[0].slug]), {"done": "1"})
    page = alice_client.get(url).content.decode()
    assert f'href="{lessons[0].get_absolute_url()}"' in page.split('class="done-list"')[1]

    alice_client.post(reverse("lessons:completion", args=[lessons[0].slug]), {"done": "0"})
    assert "Nothing yet." in alice_client.get(url).content.decode()


def test_answers_and_mock_exams_show_on_both_pages_at_once(alice, alice_client, exam):
    pages = [reverse("lessons:my_progress"), reverse("lessons:exam", args=[exam.slug])]
    for url in pages:
        page = alice_client.get(url).content.decode()
        assert "Only 0% of the exam is measured" in page
        assert "No mock exam yet." in page

    answer_in_quiz(alice, list(Question.objects.filter(domain__slug="trouble")), correct=True)
    sitting = mock_exams.finish(mock_exams.start(alice, exam))

    for url in pages:
        page = alice_client.get(url).content.decode()
        assert "Only 30% of the exam is measured" in page
        assert reverse("lessons:mock_sitting", args=[exam.slug, sitting.pk]) in page


def test_warm_pages_send_only_the_footprint(alice, alice_client, exam, django_assert_num_queries):
    answer_in_quiz(alice, list(Question.objects.filter(domain__exam=exam)), correct=True)
    mock_exams.finish(mock_exams.start(alice, exam))
    progress, readiness = reverse("lessons:my_progress"), reverse("lessons:exam", args=[exam.slug])
    first = [page_of(alice_client, url) for url in (progress, readiness)]

    with django_assert_num_queries(3):  # the session, the user, the bars and footprint
        assert page_of(alice_client, progress) == first[0]
    with django_assert_num_queries(4):  # the session, the user, the exam, the footprint
        assert page_of(alice_client, readiness) == first[1]


def page_of(client, url: str) -> str:
    return without_tokens(client.get(url).content.decode())
