"""The lesson offered after one is finished, in a large catalog: found among every visible
lesson without making a model of each (a thousand of them cost more than the rest of the
"mark done" answer)."""

from unittest import mock

import pytest
from django.db.models.signals import post_init

from lessons.models import Completion, Lesson
from lessons.progress.next_lesson import next_lesson
from tests.conftest import make_lesson

pytestmark = pytest.mark.django_db


def test_it_makes_a_model_of_the_lesson_it_offers_only(alice, basic):
    lessons = [make_lesson(basic, f"Lesson {n}", position=n) for n in range(40)]
    Completion.objects.bulk_create(Completion(user=alice, lesson=x) for x in lessons[11:20])
    made = mock.Mock()
    post_init.connect(made, sender=Lesson)
    try:
        offered = next_lesson(alice, lessons[10])
    finally:
        post_init.disconnect(made, sender=Lesson)

    assert made.call_count == 1
    assert (offered.pk, offered.slug, offered.title) == (lessons[20].pk, "lesson-20", "Lesson 20")
    # Loaded as `.only()` loads it: another field is read when asked for.
    assert offered.get_deferred_fields() >= {"body", "category_id"}
    assert offered.category_id == basic.pk


def test_it_wraps_around_and_ends_when_all_is_done(alice, basic):
    lessons = [make_lesson(basic, f"Lesson {n}", position=n) for n in range(3)]
    Completion.objects.create(user=alice, lesson=lessons[2])
    assert next_lesson(alice, lessons[1]) == lessons[0]
    Completion.objects.create(user=alice, lesson=lessons[0])
    assert next_lesson(alice, lessons[1]) is None
