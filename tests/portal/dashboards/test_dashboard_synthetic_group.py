"""`manage.py make_synthetic_group`: a group of a chosen size to try the dashboard on."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from lessons.models import Completion, Lesson, QuizAttempt
from portal.models import Membership, StudyGroup
from tests.helpers.groups import logged_in

pytestmark = pytest.mark.django_db


def test_it_makes_a_group_of_the_asked_size():
    output = StringIO()
    call_command("make_synthetic_group", learners=12, lessons=7, seed=1, stdout=output)
    group = StudyGroup.objects.get()
    assert group.memberships.filter(role="learner").count() == 12
    assert Lesson.objects.filter(category__study_groups=group, status="published").count() == 7
    assert Completion.objects.exists() and QuizAttempt.objects.exists()
    assert reverse("groups:dashboard", args=[group.pk]) in output.getvalue()
    teacher = Membership.objects.get(group=group, role="instructor").user
    response = logged_in(teacher).get(reverse("groups:dashboard", args=[group.pk]))
    assert response.status_code == 200


def test_it_dates_the_attempts_in_the_past():
    call_command("make_synthetic_group", learners=5, lessons=5, seed=2, stdout=StringIO())
    days = {a.submitted_at.date() for a in QuizAttempt.objects.all()}
    assert len(days) > 1


def test_it_refuses_absurd_sizes():
    with pytest.raises(CommandError):
        call_command("make_synthetic_group", learners=0, lessons=5, stdout=StringIO())
