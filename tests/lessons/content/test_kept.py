"""What the evening pages keep in the cache because it is the same for every learner (the
lessons a search finds, an exam's questions by domain, a quiz's questions): a second
reading costs no query for it, and any change an editor makes shows on the next request."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lessons.exams import readiness
from lessons.models import Category, Choice, Lesson, Question
from tests.conftest import make_lesson
from tests.helpers.groups import make_quiz
from tests.lessons.exams.exam_fixtures import make_exam, tag_questions

pytestmark = pytest.mark.usefixtures("english")

SEARCH = reverse("lessons:search")


def search_page(client, q: str) -> str:
    return client.get(SEARCH, {"q": q}).content.decode()


def test_a_second_search_for_the_same_words_costs_no_query_for_the_lessons(
    client, alice_client, lessons, django_assert_max_num_queries
):
    search_page(client, "Pods")
    with django_assert_max_num_queries(0):
        assert "/lessons/pods/" in search_page(client, "Pods")
    # A learner finds what a visitor found: the same lessons, kept once for both.
    with django_assert_max_num_queries(3):  # session, user, the questions of their groups
        assert "/lessons/pods/" in search_page(alice_client, "Pods")


def test_a_changed_lesson_shows_in_search_at_once(client, lessons, basic):
    assert "Pods" in search_page(client, "Pods")
    pods = Lesson.objects.get(slug="pods")
    pods.title = "Pods and containers"
    pods.save()
    assert "<mark>Pods</mark> and containers" in search_page(client, "Pods")
    make_lesson(basic, "Pods in depth", 9, slug="pods-in-depth")
    assert "/lessons/pods-in-depth/" in search_page(client, "Pods")
    Lesson.objects.get(slug="pods-in-depth").delete()
    assert "/lessons/pods-in-depth/" not in search_page(client, "Pods")


def test_a_renamed_category_shows_in_search_at_once(client, lessons):
    assert "Basic" in search_page(client, "Pods")
    basic = Category.objects.get(slug="basic")
    basic.name = "Foundations"
    basic.save()
    assert "Foundations" in search_page(client, "Pods")


def test_unpublishing_in_the_admin_hides_a_lesson_from_search_at_once(
    client, lessons, admin_client
):
    assert "/lessons/services/" in search_page(client, "Services")
    changelist = reverse("admin:lessons_lesson_changelist")
    services = Lesson.objects.get(slug="services")
    admin_client.post(
        changelist, {"action": "unpublish", "_selected_action": [services.pk]}, follow=True
    )
    assert Lesson.objects.get(slug="services").status == Lesson.Status.DRAFT
    assert "/lessons/services/" not in search_page(client, "Services")


def test_a_scheduled_lesson_joins_kept_results_at_its_time(client, lessons, monkeypatch):
    later = timezone.now() + timedelta(hours=1)
    services = Lesson.objects.get(slug="services")
    services.title = "Services and pods"
    services.visible_from = later
    services.save()
    assert "/lessons/services/" not in search_page(client, "Pods")  # kept: Pods is found
    monkeypatch.setattr(timezone, "now", lambda: later + timedelta(seconds=1))
    assert "/lessons/services/" in search_page(client, "Pods")


def test_staff_find_drafts_and_learners_never_do(client, editor_client, lessons):
    assert "/lessons/secret-draft/" in search_page(editor_client, "Secret")
    assert "/lessons/secret-draft/" not in search_page(client, "Secret")


@pytest.fixture
def exam(basic):
    exam = make_exam(questions_per_sitting=10)
    tag_questions(basic, exam, per_domain=6)
    return exam


def test_readiness_reads_the_exam_s_questions_once(
    alice_client, exam, django_assert_max_num_queries
):
    url = reverse("lessons:exam", args=[exam.slug])
    alice_client.get(url)
    # Session, user, the exam, the learner's answers (two), tasks solved, mock exams.
    with django_assert_max_num_queries(7):
        assert alice_client.get(url).status_code == 200
    with django_assert_max_num_queries(12):
        assert alice_client.get(reverse("lessons:my_progress")).status_code == 200


def test_a_changed_question_or_lesson_shows_on_readiness_at_once(alice, alice_client, exam):
    url = reverse("lessons:exam", args=[exam.slug])
    assert ">Exam lesson</a>" in alice_client.get(url).content.decode()
    lesson = Lesson.objects.get(title="Exam lesson")
    lesson.title = "Troubleshooting clusters"
    lesson.save()
    page = alice_client.get(url).content.decode()
    assert ">Troubleshooting clusters</a>" in page and ">Exam lesson</a>" not in page
    # Every question of one domain moved to another: the first has none left to measure.
    trouble, arch = exam.domains.get(slug="trouble"), exam.domains.get(slug="arch")
    for question in Question.objects.filter(domain=trouble):
        question.domain = arch
        question.save()
    entry_page = alice_client.get(reverse("lessons:my_progress")).content.decode()
    assert "Troubleshooting clusters" in entry_page
    by_slug = {d.domain.slug: d for d in readiness.for_learner(alice, [exam])[0].domains}
    assert by_slug["trouble"].questions == 0 and by_slug["arch"].questions == 12


def test_readiness_counts_a_scheduled_lesson_s_questions_from_its_time(
    alice, exam, basic, monkeypatch
):
    later = timezone.now() + timedelta(hours=1)
    more = make_lesson(basic, "More practice", 10, visible_from=later)
    quiz = make_quiz(more, questions=1)
    for question in quiz.questions.all():
        question.domain = exam.domains.get(slug="net")
        question.save()
    counted = {d.domain.slug: d.questions for d in readiness.for_learner(alice, [exam])[0].domains}
    assert counted["net"] == 6
    monkeypatch.setattr(timezone, "now", lambda: later + timedelta(seconds=1))
    counted = {d.domain.slug: d.questions for d in readiness.for_learner(alice, [exam])[0].domains}
    assert counted["net"] == 7


def test_the_quiz_page_reads_its_questions_once(
    alice_client, lessons, django_assert_max_num_queries
):
    make_quiz(lessons[0], questions=3)
    url = reverse("lessons:quiz", args=["pods"])
    alice_client.get(url)
    # Session, user, the lesson, a mock exam holding its questions, the learner's attempts.
    with django_assert_max_num_queries(5):
        assert alice_client.get(url).status_code == 200


def test_an_edited_question_shows_on_the_quiz_page_at_once(alice_client, lessons):
    quiz = make_quiz(lessons[0], questions=2)
    url = reverse("lessons:quiz", args=["pods"])
    assert "Pods 질문 1" in alice_client.get(url).content.decode()
    question = quiz.questions.get(position=1)
    question.prompt = "파드는 무엇인가요?"
    question.save()
    choice = Choice.objects.get(question=question, is_correct=True)
    choice.text = "가장 작은 배포 단위"
    choice.save()
    page = alice_client.get(url).content.decode()
    assert "파드는 무엇인가요?" in page and "가장 작은 배포 단위" in page
    Question.objects.create(quiz=quiz, kind=Question.Kind.SHORT, prompt="세 번째", position=3,
                            accepted_answers="pod")  # fmt: skip
    assert "세 번째" in alice_client.get(url).content.decode()
    question.delete()
    assert "파드는 무엇인가요?" not in alice_client.get(url).content.decode()
