"""The account page: mail preferences (reminders, hour, days, time zone, language, the
digest for instructors, nudges)."""

import json

import pytest
from django.urls import reverse

from portal.models import NotificationPreference
from portal.notifications import preferences
from tests.helpers.groups import logged_in, make_group

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

VALID = {
    "reminders": "on",
    "hour": "21",
    "days": ["0", "2", "4"],
    "time_zone": "America/New_York",
    "language": "en",
    "nudges": "on",
}


def test_it_needs_a_login(client):
    response = client.get(reverse("account"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_shows_the_defaults_of_a_learner_in_a_paced_group(alice, django_assert_max_num_queries):
    make_group(learners=(alice,), pace="weekly", pace_start="2026-12-07", lessons_per_week=1)
    client = logged_in(alice)
    with django_assert_max_num_queries(6):
        html = client.get(reverse("account")).content.decode()
    assert 'name="reminders" id="id_reminders" checked' in html
    assert '<option value="20" selected>8 p.m.</option>' in html
    assert 'value="Asia/Seoul"' in html
    assert 'name="digest"' not in html  # only for instructors


def test_it_leaves_reminders_off_for_someone_in_no_paced_group(alice):
    assert preferences.for_user(alice).reminders is False
    html = logged_in(alice).get(reverse("account")).content.decode()
    assert 'name="reminders" id="id_reminders" checked' not in html


def test_it_offers_the_digest_to_instructors(alice, bob):
    make_group(instructors=(bob,), learners=(alice,))
    html = logged_in(bob).get(reverse("account")).content.decode()
    assert 'name="digest" id="id_digest" checked' in html


def test_it_saves_the_choices(alice):
    response = logged_in(alice).post(reverse("account"), VALID)
    assert response.status_code == 302
    row = NotificationPreference.objects.get(user=alice)
    assert (row.reminders, row.hour, row.time_zone, row.language) == (
        True,
        21,
        "America/New_York",
        "en",
    )
    assert row.weekdays == 0b10101  # Monday, Wednesday, Friday
    chosen = preferences.for_user(alice)
    assert [chosen.on_weekday(d) for d in range(7)] == [1, 0, 1, 0, 1, 0, 0]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Choose a time zone by its name"),
        ({"time_zone": "../../etc/passwd"}, "time_zone", "Choose a time zone by its name"),
        ({"time_zone": ""}, "time_zone", "This field is required."),
        ({"hour": "24"}, "hour", "Select a valid choice."),
        ({"hour": "-1"}, "hour", "Select a valid choice."),
        ({"days": []}, "days", "Choose at least one day, or turn reminders off."),
        ({"days": ["7"]}, "days", "Select a valid choice."),
        ({"language": "fr"}, "language", "Select a valid choice."),
    ],
)
def test_it_refuses_bad_input_with_an_error_summary_and_changes_nothing(
    alice, change, field, message
):
    response = logged_in(alice).post(reverse("account"), VALID | change)
    html = response.content.decode()
    assert response.status_code == 422
    assert 'class="error-summary"' in html
    assert f'href="#id_{field}' in html
    assert message in html
    assert not NotificationPreference.objects.filter(user=alice, hour=21).exists()


def test_it_answers_htmx_with_the_form_alone(alice):
    response = logged_in(alice).post(
        reverse("account"), VALID | {"time_zone": "Nowhere"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert html.lstrip().startswith('<form id="preferences"')
    assert response["HX-Retarget"] == "#preferences"


def test_it_lets_reminders_be_turned_off_with_no_days(alice):
    response = logged_in(alice).post(
        reverse("account"), {k: v for k, v in VALID.items() if k != "reminders"} | {"days": []}
    )
    assert response.status_code == 302
    assert preferences.for_user(alice).reminders is False


def test_it_answers_a_saving_htmx_post_with_the_form_as_saved(alice):
    """Not a redirect, which htmx would follow and swap the whole page into the form."""
    response = logged_in(alice).post(reverse("account"), VALID, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<form id="preferences"')
    assert "<header" not in html and "Your mail preferences are saved." in html
    assert '<option value="21" selected>' in html
    assert json.loads(response["HX-Trigger"]) == {
        "portal:announce": {"message": "Your mail preferences are saved."}
    }
    assert NotificationPreference.objects.get(user=alice).hour == 21


def test_a_box_left_as_shown_keeps_following_the_default(alice, basic):
    """Saved before joining a group with a pace, reminders untouched: on once they join.
    A box they changed is their choice, kept whatever their groups."""
    without_reminders = {k: v for k, v in VALID.items() if k != "reminders"}
    logged_in(alice).post(reverse("account"), without_reminders)
    assert NotificationPreference.objects.get(user=alice).time_zone == "America/New_York"
    assert preferences.for_user(alice).reminders is False
    make_group(learners=(alice,), pace="weekly", pace_start="2026-12-07", lessons_per_week=1)
    assert preferences.for_user(alice).reminders is True
    logged_in(alice).post(reverse("account"), without_reminders)  # now unticked by choice
    assert preferences.for_user(alice).reminders is False
    logged_in(alice).post(reverse("account"), without_reminders | {"hour": "7"})
    assert preferences.for_user(alice).reminders is False


def test_the_mails_follow_the_language_the_portal_is_switched_to(alice, client):
    logged_in(alice).post(reverse("set_language"), {"language": "en", "next": "/"})
    assert preferences.for_user(alice).language == "en"
    signed_in = logged_in(alice)
    response = signed_in.post(reverse("set_language"), {"language": "ko", "next": "/"})
    assert response.status_code == 302
    assert preferences.for_user(alice).language == "ko"
    signed_in.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert preferences.for_user(alice).language == "ko"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})  # signed out
    assert NotificationPreference.objects.count() == 1
