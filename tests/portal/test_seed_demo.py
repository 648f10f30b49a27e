"""`manage.py seed_demo`: the demo study group `make run` creates, with its logins."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from lessons.models import Completion, QuizAttempt, SittingQuestion
from portal.management.commands.seed_demo import PASSWORD
from portal.models import Membership, StudyGroup, User
from tests.helpers.groups import logged_in

pytestmark = pytest.mark.django_db


def _seed() -> str:
    output = StringIO()
    call_command("seed_demo", stdout=output)
    return output.getvalue()


@pytest.fixture
def seeded(settings, seed_lessons):
    settings.DEBUG = True
    return _seed()


def test_it_makes_a_group_with_an_instructor_and_five_learners(seeded):
    group = StudyGroup.objects.get()
    roles = dict(Membership.objects.filter(group=group).values_list("user__username", "role"))
    assert roles == {
        "teacher": "instructor",
        "minjun": "learner",
        "seoyeon": "learner",
        "jiho": "learner",
        "sua": "learner",
        "doyun": "learner",
    }


def test_it_prints_the_logins_that_work(seeded, client):
    assert PASSWORD in seeded
    for username in ("teacher", "minjun", "seoyeon", "jiho", "sua", "doyun"):
        assert username in seeded
        assert User.objects.get(username=username).check_password(PASSWORD)
    response = client.post(reverse("login"), {"username": "teacher", "password": PASSWORD})
    assert response.status_code == 302


def test_it_gives_learners_varied_progress_over_past_weeks(seeded):
    done = {
        user.username: Completion.objects.filter(user=user).count()
        for user in User.objects.filter(memberships__role="learner")
    }
    assert len(set(done.values())) >= 4  # from nearly nothing to everything
    attempts = QuizAttempt.objects.filter(user__memberships__role="learner")
    if attempts.exists():  # the seed lessons have quizzes
        days = {a.submitted_at.date() for a in attempts}
        assert len(days) >= 7
        assert attempts.filter(passed=False).exists() and attempts.filter(passed=True).exists()


def test_it_gives_the_dashboard_something_to_show(seeded, settings):
    settings.LANGUAGE_CODE = "en"
    group = StudyGroup.objects.get()
    teacher = User.objects.get(username="teacher")
    html = logged_in(teacher).get(reverse("groups:dashboard", args=[group.pk])).content.decode()
    assert "김민준" in html
    assert "need attention" in html


def test_it_changes_nothing_when_run_again(seeded):
    counts = (
        User.objects.count(),
        StudyGroup.objects.count(),
        Membership.objects.count(),
        Completion.objects.count(),
        QuizAttempt.objects.count(),
    )
    output = _seed()
    assert "teacher" in output
    assert counts == (
        User.objects.count(),
        StudyGroup.objects.count(),
        Membership.objects.count(),
        Completion.objects.count(),
        QuizAttempt.objects.count(),
    )


def test_it_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_it_explains_that_lessons_come_first(settings):
    settings.DEBUG = True
    assert "import_lessons" in _seed()


def test_it_gives_learners_missed_questions_to_review_today(seeded):
    from lessons.review import queue as review

    doyun = User.objects.get(username="doyun")
    in_quizzes = set(
        QuizAttempt.objects.filter(user=doyun, answers__is_correct=False).values_list(
            "answers__question", flat=True
        )
    )
    # A mock exam's unanswered questions count as missed too (its hands-on tasks are no
    # review items).
    in_mock_exams = set(
        SittingQuestion.objects.filter(sitting__user=doyun, question__isnull=False)
        .exclude(is_correct=True)
        .values_list("question", flat=True)
    )
    missed = len(in_quizzes | in_mock_exams)
    # Every question missed is queued; those missed before today are due now.
    assert in_quizzes and in_mock_exams
    assert doyun.review_items.count() == missed
    assert 0 < review.due_count(doyun) <= missed
