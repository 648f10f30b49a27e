"""The study group's rules that live in the database."""

import pytest
from django.db import IntegrityError, transaction

from lessons.models import Lesson
from portal.models import LessonTarget, Membership, StudyGroup
from portal.models.groups import INVITE_ALPHABET
from tests.conftest import make_lesson
from tests.helpers.groups import make_group

pytestmark = pytest.mark.django_db


def _refused(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_it_keeps_invite_codes_unique():
    group = make_group()
    assert _refused(lambda: StudyGroup.objects.create(name="B", invite_code=group.invite_code))


def test_it_keeps_one_membership_per_person_and_group(alice):
    group = make_group(learners=(alice,))
    assert _refused(lambda: Membership.objects.create(group=group, user=alice, role="instructor"))


def test_it_refuses_an_unknown_role_or_pace(alice):
    group = make_group()
    assert _refused(lambda: Membership.objects.create(group=group, user=alice, role="owner"))
    assert _refused(lambda: StudyGroup.objects.create(name="C", pace="monthly"))


def test_it_refuses_a_weekly_pace_without_start_or_lessons():
    assert _refused(lambda: StudyGroup.objects.create(name="D", pace="weekly"))
    assert _refused(
        lambda: StudyGroup.objects.create(
            name="E", pace="weekly", pace_start="2026-11-02", lessons_per_week=0
        )
    )


def test_it_keeps_one_target_date_per_lesson(basic):
    group = make_group()
    lesson: Lesson = make_lesson(basic, "Pods", 1)
    LessonTarget.objects.create(group=group, lesson=lesson, due_on="2026-12-01")
    assert _refused(
        lambda: LessonTarget.objects.create(group=group, lesson=lesson, due_on="2026-12-02")
    )


def test_it_makes_different_invite_codes():
    codes = {make_group(f"G{n}").invite_code for n in range(20)}
    assert len(codes) == 20
    assert all(len(code) == 10 and set(code) <= set(INVITE_ALPHABET) for code in codes)
