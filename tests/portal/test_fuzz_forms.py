"""Property: every form of the portal (sign-up, log-in, password reset and change, a new
group, group settings, pace dates, joining, search, marking done, reading position)
answers any input with a page or a clear refusal, never a 5xx; a refused form changes
nothing."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from lessons.models import Completion, ReadingPosition
from portal.models import LessonTarget, Membership, StudyGroup, User
from tests.conftest import make_lesson, make_user
from tests.helpers.fuzzing import HOSTILE, hostile_text, rolled_back
from tests.helpers.groups import logged_in, make_group

pytestmark = pytest.mark.django_db

text = st.one_of(hostile_text, st.text(max_size=30))
# Real calendar days, the calendar's first and last among them.
days = st.one_of(st.dates(), st.sampled_from([date.min, date.max])).map(date.isoformat)
dates = st.one_of(
    st.dates().map(date.isoformat),
    st.sampled_from(["9999-12-31", "0001-01-01", "2026-02-30", "next tuesday", "2026-1-1"]),
    text,
)
numbers = st.one_of(st.integers(-(2**70), 2**70).map(str), st.sampled_from(["1", "0", "1e9"]), text)
choices = st.sampled_from(["none", "weekly", "dates", "yearly", *HOSTILE])


@pytest.fixture
def portal(alice, bob, basic):
    """A group run by a teacher with alice in it, two lessons in its scope."""
    teacher = make_user("teacher")
    lessons = [make_lesson(basic, "Pods", 1), make_lesson(basic, "Services", 2)]
    group = make_group(instructors=(teacher,), learners=(alice,), categories=(basic,))
    return {
        "teacher": logged_in(teacher),
        "alice": logged_in(alice),
        "bob": logged_in(bob),
        "visitor": Client(),
        "group": group,
        "lessons": lessons,
        "category": basic.pk,
    }


def usually(good, bad):
    """Mostly well-formed values, so that many examples get past validation."""
    return st.one_of(good, good, good, bad)


def group_fields(portal) -> st.SearchStrategy:
    return st.fixed_dictionaries(
        {
            "name": usually(st.text(min_size=1, max_size=30), text),
            "pace": usually(st.sampled_from(["weekly", "dates", "none"]), choices),
            "pace_start": usually(days, dates),
            "lessons_per_week": usually(st.integers(1, 100).map(str), numbers),
        },
        optional={
            "description": text,
            "categories": st.lists(usually(st.just(str(portal["category"])), numbers)),
        },
    )


FORMS = {
    # name: (who, url, fields, the rows a refusal must leave as they were)
    "sign-up": lambda p: (
        "visitor",
        reverse("signup"),
        st.fixed_dictionaries(
            {},
            optional={
                k: text for k in ("username", "display_name", "email", "password1", "password2")
            },
        ),
        lambda: list(User.objects.values()),
    ),
    "log-in": lambda p: (
        "visitor",
        reverse("login"),
        st.fixed_dictionaries({}, optional={"username": text, "password": text}),
        lambda: list(User.objects.values("last_login")),
    ),
    "password reset": lambda p: (
        "visitor",
        reverse("password_reset"),
        st.fixed_dictionaries({}, optional={"email": text}),
        lambda: list(User.objects.values("password")),
    ),
    "password change": lambda p: (
        "bob",
        reverse("password_change"),
        st.fixed_dictionaries(
            {},
            optional={
                "old_password": usually(st.just("bob-password-1"), text),
                "new_password1": text,
                "new_password2": text,
            },
        ),
        lambda: list(User.objects.values("password")),
    ),
    "new group": lambda p: (
        "bob",
        reverse("groups:create"),
        group_fields(p),
        lambda: list(StudyGroup.objects.values()),
    ),
    "group settings": lambda p: (
        "teacher",
        reverse("groups:manage", args=[p["group"].pk]),
        group_fields(p),
        lambda: list(StudyGroup.objects.values()),
    ),
    "pace dates": lambda p: (
        "teacher",
        reverse("groups:pace_dates", args=[p["group"].pk]),
        st.fixed_dictionaries(
            {},
            optional={f"lesson_{lesson.pk}": usually(days, dates) for lesson in p["lessons"]},
        ),
        lambda: list(LessonTarget.objects.values()) + list(StudyGroup.objects.values("pace")),
    ),
    "join": lambda p: (
        "bob",
        reverse("groups:join"),
        st.fixed_dictionaries(
            {}, optional={"code": st.one_of(text, st.just(p["group"].invite_code))}
        ),
        lambda: list(Membership.objects.values()),
    ),
    "mark done": lambda p: (
        "alice",
        reverse("lessons:completion", args=[p["lessons"][0].slug]),
        st.fixed_dictionaries({}, optional={"done": numbers}),
        lambda: list(Completion.objects.values()),
    ),
    "reading position": lambda p: (
        "alice",
        reverse("lessons:reading_position", args=[p["lessons"][0].slug]),
        st.fixed_dictionaries({}, optional={"section": numbers}),
        lambda: list(ReadingPosition.objects.values()),
    ),
}
SAVED = (302, 204)


@pytest.mark.parametrize("form", list(FORMS))
@given(data=st.data())
def test_it_answers_any_input_to_a_form_without_a_server_error(portal, form, data):
    who, url, fields, rows = FORMS[form](portal)
    client = portal[who]
    with rolled_back():
        given_fields = data.draw(fields)
        before = rows()
        response = client.post(url, given_fields)
        assert response.status_code < 500, response.status_code
        if response.status_code not in SAVED and form not in ("mark done", "reading position"):
            assert rows() == before
        if response.status_code in SAVED and form in ("new group", "group settings", "pace dates"):
            assert_group_pages_open(portal)


def assert_group_pages_open(portal) -> None:
    """What was saved must not break the pages that show it, the members' too."""
    for group in StudyGroup.objects.all():
        instructor = portal["teacher"] if group == portal["group"] else portal["bob"]
        for name in ("dashboard", "dashboard_csv", "detail"):
            page = instructor.get(reverse(f"groups:{name}", args=[group.pk]))
            assert page.status_code == 200, (name, page.status_code)
    learner_page = portal["alice"].get(reverse("groups:detail", args=[portal["group"].pk]))
    assert learner_page.status_code == 200


@given(query=text, page=numbers, live=st.booleans())
def test_it_answers_any_search_without_a_server_error(portal, query, page, live):
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "site-search-results"} if live else {}
    response = portal["alice"].get(reverse("lessons:search"), {"q": query, "page": page}, **headers)
    assert response.status_code in (200, 400)
