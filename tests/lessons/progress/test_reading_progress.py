"""Reading position: how far into a lesson a learner has read, and where to continue."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lessons.models import Completion, Lesson, ReadingPosition
from tests.conftest import make_lesson

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

FOUR_SECTIONS = "## 하나\n\n가.\n\n## 둘\n\n나.\n\n### 둘 안의 셋\n\n다.\n\n## 넷\n\n라.\n"


@pytest.fixture
def long_lesson(basic) -> Lesson:
    """A lesson of four sections: 하나, 둘, 둘 안의 셋, 넷."""
    return make_lesson(basic, "Networking", 5, body=FOUR_SECTIONS)


def position_url(slug: str) -> str:
    return reverse("lessons:reading_position", args=[slug])


def stored_index(user, slug: str) -> int | None:
    return (
        ReadingPosition.objects.filter(user=user, lesson__slug=slug)
        .values_list("section_index", flat=True)
        .first()
    )


def continue_link(html: str) -> str:
    """The href of the "Continue learning" button on the home page."""
    match = re.search(
        r'<h2 class="eyebrow" id="continue-heading">.*?<a class="button" href="([^"]+)"',
        html,
        re.DOTALL,
    )
    assert match, "no continue learning section"
    return match.group(1)


def test_it_records_the_section_reached(alice_client, alice, long_lesson):
    response = alice_client.post(position_url("networking"), {"section": "2"})

    assert response.status_code == 204
    assert stored_index(alice, "networking") == 2


def test_it_never_moves_the_position_backwards(alice_client, alice, long_lesson):
    alice_client.post(position_url("networking"), {"section": "2"})
    alice_client.post(position_url("networking"), {"section": "1"})
    alice_client.post(position_url("networking"), {"section": "0"})
    assert stored_index(alice, "networking") == 2

    alice_client.post(position_url("networking"), {"section": "3"})
    assert stored_index(alice, "networking") == 3
    assert ReadingPosition.objects.filter(user=alice).count() == 1


@pytest.mark.parametrize("section", ["", "-1", "4", "99", "1.5", "two", "0x1", "1e1"])
def test_it_refuses_a_section_that_is_not_in_the_lesson(alice_client, alice, long_lesson, section):
    response = alice_client.post(position_url("networking"), {"section": section})

    # A background post: refused quietly, so the reader is never interrupted.
    assert response.status_code == 204
    assert stored_index(alice, "networking") is None


def test_it_refuses_a_post_without_a_section(alice_client, alice, long_lesson):
    assert alice_client.post(position_url("networking"), {}).status_code == 204
    assert stored_index(alice, "networking") is None


def test_it_keeps_the_stored_position_when_a_bad_one_arrives(alice_client, alice, long_lesson):
    alice_client.post(position_url("networking"), {"section": "2"})

    assert alice_client.post(position_url("networking"), {"section": "-3"}).status_code == 204
    assert alice_client.post(position_url("networking"), {"section": "9"}).status_code == 204
    assert stored_index(alice, "networking") == 2


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_it_answers_an_expired_session_quietly(client, long_lesson, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(position_url("networking"), {"section": "1"}, **headers)

    # Mid-scroll, a reader whose session expired is not sent to the login page.
    assert response.status_code == 204
    assert "HX-Redirect" not in response
    assert not ReadingPosition.objects.exists()


def test_it_hides_a_draft_from_learners(alice_client, alice, lessons):
    response = alice_client.post(position_url("secret-draft"), {"section": "1"})

    assert response.status_code == 204
    assert not ReadingPosition.objects.exists()


def test_it_refuses_get(alice_client, long_lesson):
    assert alice_client.get(position_url("networking"), {"section": "1"}).status_code == 405


def test_it_keeps_each_learners_position_apart(alice_client, alice, bob, long_lesson):
    alice_client.post(position_url("networking"), {"section": "3", "user": bob.pk})

    assert stored_index(alice, "networking") == 3
    assert stored_index(bob, "networking") is None


def test_it_offers_to_continue_from_the_section_reached(alice_client, long_lesson):
    alice_client.post(position_url("networking"), {"section": "2"})

    html = alice_client.get(reverse("lessons:lesson", args=["networking"])).content.decode()

    assert '<a href="#둘-안의-셋">Continue from “둘 안의 셋”</a>' in html
    assert '<h3 id="둘-안의-셋">' in html  # the anchor it points to


def test_it_does_not_offer_to_continue_from_the_first_section(alice_client, long_lesson):
    alice_client.post(position_url("networking"), {"section": "0"})

    html = alice_client.get(reverse("lessons:lesson", args=["networking"])).content.decode()

    assert "Continue from" not in html


def test_it_does_not_offer_another_learners_position(alice_client, bob, long_lesson):
    alice_client.post(position_url("networking"), {"section": "2"})
    bob_client = Client()
    bob_client.force_login(bob)

    html = bob_client.get(reverse("lessons:lesson", args=["networking"])).content.decode()

    assert "Continue from" not in html


def test_it_wires_the_lesson_page_to_report_reading_with_a_throttle(alice_client, long_lesson):
    alice_client.post(position_url("networking"), {"section": "1"})

    html = alice_client.get(reverse("lessons:lesson", args=["networking"])).content.decode()
    form = re.search(r'<form id="reading-position"([^>]*)>(.*?)</form>', html, re.DOTALL)

    assert form, "no #reading-position form"
    attributes, inputs = form.groups()
    assert f'hx-post="{position_url("networking")}"' in attributes
    trigger = re.search(r'hx-trigger="([^"]*)"', attributes).group(1)
    assert "section-reached" in trigger
    assert "delay:" in trigger
    assert '<input type="hidden" name="section" value="1">' in inputs
    assert "js/portal.js" in html


def test_it_does_not_report_reading_for_visitors(client, long_lesson):
    html = client.get(reverse("lessons:lesson", args=["networking"])).content.decode()
    assert 'id="reading-position"' not in html


def test_it_starts_the_home_page_with_continue_learning_at_the_section(
    alice_client, lessons, long_lesson
):
    alice_client.post(position_url("networking"), {"section": "3"})

    html = alice_client.get(reverse("lessons:home")).content.decode()

    assert continue_link(html) == reverse("lessons:lesson", args=["networking"]) + "#넷"
    card = html[html.index('id="continue-heading"') :]
    assert "Networking" in card[: card.index("</section>")]
    assert "From “넷”" in card[: card.index("</section>")]
    main = html[html.index('<main id="main"') :]
    assert main.index("Continue learning") < main.index('class="category-section"')


def test_it_continues_the_lesson_read_most_recently(alice, alice_client, lessons):
    alice_client.post(position_url("services"), {"section": "1"})
    alice_client.post(position_url("volumes"), {"section": "1"})
    ReadingPosition.objects.filter(lesson__slug="volumes").update(
        updated_at=timezone.now() - timedelta(days=2)
    )

    html = alice_client.get(reverse("lessons:home")).content.decode()

    assert continue_link(html) == reverse("lessons:lesson", args=["services"]) + "#두-번째-절"


def test_it_continues_with_the_first_lesson_not_done(alice, alice_client, lessons):
    alice_client.post(reverse("lessons:completion", args=["pods"]), {"done": "1"})

    html = alice_client.get(reverse("lessons:home")).content.decode()

    assert continue_link(html) == reverse("lessons:lesson", args=["services"])


def test_it_continues_in_learning_order_across_categories(alice, alice_client, lessons):
    for lesson in Lesson.objects.filter(category__slug="basic").published():
        Completion.objects.create(user=alice, lesson=lesson)

    html = alice_client.get(reverse("lessons:home")).content.decode()

    assert continue_link(html) == reverse("lessons:lesson", args=["architecture"])


def test_it_skips_a_lesson_finished_after_reading(alice, alice_client, lessons):
    alice_client.post(position_url("volumes"), {"section": "1"})
    alice_client.post(reverse("lessons:completion", args=["volumes"]), {"done": "1"})

    html = alice_client.get(reverse("lessons:home")).content.decode()

    assert continue_link(html) == reverse("lessons:lesson", args=["pods"])


def test_it_has_nothing_to_continue_when_every_lesson_is_done(alice, alice_client, lessons):
    for lesson in Lesson.objects.published():
        Completion.objects.create(user=alice, lesson=lesson)

    html = alice_client.get(reverse("lessons:home")).content.decode()

    assert 'id="continue-heading"' not in html


def test_it_does_not_offer_visitors_to_continue(client, lessons):
    assert 'id="continue-heading"' not in client.get(reverse("lessons:home")).content.decode()
