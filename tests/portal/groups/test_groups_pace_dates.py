"""Setting a target date per lesson (the "dates" pace)."""

from datetime import date

import pytest
from django.urls import reverse

from portal.models import LessonTarget, StudyGroup
from tests.conftest import make_lesson, make_user
from tests.helpers.groups import logged_in, make_group

pytestmark = pytest.mark.django_db


def test_it_saves_dates_and_switches_the_group_to_that_pace(basic):
    teacher = make_user("teacher")
    pods, services = make_lesson(basic, "Pods", 1), make_lesson(basic, "Services", 2)
    group = make_group(instructors=(teacher,))
    client = logged_in(teacher)
    url = reverse("groups:pace_dates", args=[group.pk])
    response = client.post(url, {f"lesson_{pods.pk}": "2026-12-01", f"lesson_{services.pk}": ""})
    group.refresh_from_db()
    assert response.status_code == 302
    assert group.pace == StudyGroup.Pace.DATES
    assert list(LessonTarget.objects.values_list("lesson", "due_on")) == [
        (pods.pk, date(2026, 12, 1))
    ]
    client.post(url, {f"lesson_{pods.pk}": "", f"lesson_{services.pk}": "2026-12-08"})
    assert list(LessonTarget.objects.values_list("lesson", "due_on")) == [
        (services.pk, date(2026, 12, 8))
    ]
    assert 'value="2026-12-08"' in client.get(url).content.decode()


def test_it_refuses_a_malformed_date(basic):
    teacher = make_user("teacher")
    pods = make_lesson(basic, "Pods", 1)
    group = make_group(instructors=(teacher,))
    response = logged_in(teacher).post(
        reverse("groups:pace_dates", args=[group.pk]), {f"lesson_{pods.pk}": "next tuesday"}
    )
    assert response.status_code == 200
    assert not LessonTarget.objects.exists()


def test_it_refuses_a_target_date_outside_the_sane_range(basic):
    teacher = make_user("teacher")
    pods = make_lesson(basic, "Pods", 1)
    group = make_group(instructors=(teacher,))
    response = logged_in(teacher).post(
        reverse("groups:pace_dates", args=[group.pk]), {f"lesson_{pods.pk}": "9999-12-31"}
    )
    assert response.status_code == 200
    assert not LessonTarget.objects.exists()
