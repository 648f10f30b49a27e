"""The seed lessons and the demo group are put back row for row, on either database, also
after a test made rows of the same tables first (tests/helpers/seed.py)."""

import pytest

from lessons.models import Category, Lesson
from portal.models import StudyGroup, User
from tests.conftest import make_user


@pytest.mark.django_db
def test_the_demo_is_put_back_not_built_again_after_a_test_made_rows_first(
    demo_snapshot, monkeypatch
):
    make_user("first")
    Category.objects.create(name="First", slug="first")
    built = []
    monkeypatch.setattr(demo_snapshot, "build", lambda: built.append("built"))

    demo_snapshot.restore()

    assert built == [], "the snapshot's keys clashed with the test's rows"
    assert User.objects.filter(username="teacher").exists()
    assert StudyGroup.objects.count() == 1
    assert Lesson.objects.count() > 10
    assert User.objects.filter(username="first").exists()
