"""The seed lessons' slugs: one style, and renaming them keeps every learner's record."""

import re
from importlib import import_module
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.core.management import call_command

from lessons.models import Completion, Lesson
from tests.conftest import make_lesson

SEED = Path(__file__).resolve().parents[3] / "fixtures" / "lessons"
migration = import_module("lessons.migrations.0008_seed_slugs_in_one_style")


def seed_slugs() -> list[str]:
    slugs = []
    for path in sorted(SEED.glob("*.md")):
        front_matter = path.read_text(encoding="utf-8").split("---")[1]
        slugs.append(yaml.safe_load(front_matter)["slug"])
    return slugs


def test_it_gives_every_seed_lesson_a_slug_of_one_style():
    assert len(seed_slugs()) == 15
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) for slug in seed_slugs())


@pytest.mark.django_db
def test_it_renames_old_seed_lessons_in_place_and_keeps_their_learners(alice, basic):
    old = make_lesson(basic, "네트워크", 2, slug="쿠버네티스-네트워크")
    Completion.objects.create(user=alice, lesson=old)

    migration.rename(apps, None)
    call_command("import_lessons", str(SEED), verbosity=0)

    assert Lesson.objects.count() == 15
    renamed = Lesson.objects.get(slug="kubernetes-network")
    assert renamed.pk == old.pk
    assert Completion.objects.get(user=alice).lesson_id == old.pk


@pytest.mark.django_db
def test_it_leaves_a_lesson_alone_when_the_new_slug_is_taken(basic):
    make_lesson(basic, "새 네트워크", 1, slug="kubernetes-network")
    make_lesson(basic, "옛 네트워크", 2, slug="쿠버네티스-네트워크")

    migration.rename(apps, None)

    assert Lesson.objects.filter(slug="쿠버네티스-네트워크").exists()
