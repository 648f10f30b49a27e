"""The quiz the quiz tests share: one question of every kind on the first lesson, its page's
address, and a learner reading the portal in English."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.helpers.quiz_fixtures import in_english, make_every_kind_quiz


@pytest.fixture
def quiz(lessons):
    return make_every_kind_quiz(lessons[0])


@pytest.fixture
def url(quiz) -> str:
    return reverse("lessons:quiz", args=[quiz.lesson.slug])


@pytest.fixture
def learner(alice_client) -> Client:
    return in_english(alice_client)
