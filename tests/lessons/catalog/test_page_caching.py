"""Cached page fragments (the header and footer, a lesson's heading and contents, lists of
lesson cards) never show an old edit, a draft, another learner's marks or another
language."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from lessons.models import Completion, Lesson
from tests.conftest import make_lesson

pytestmark = pytest.mark.django_db

HOME = "/"


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def lesson_url(slug: str) -> str:
    return reverse("lessons:lesson", args=[slug])


def test_it_shows_an_edited_lesson_at_once(client, lessons, basic):
    pods = lessons[0]
    assert "Pods 첫 절" in page(client, lesson_url("pods"))
    assert "Pods" in page(client, HOME)

    pods.title = "Pods, revised"
    pods.body = "## A new first section\n\nNew text.\n"
    pods.save()

    html = page(client, lesson_url("pods"))
    assert '<h1 id="lesson-title">Pods, revised</h1>' in html
    assert 'href="#a-new-first-section"' in html  # both tables of contents
    assert html.count("A new first section") >= 3
    assert "Pods 첫 절" not in html
    assert "Pods, revised" in page(client, HOME)
    assert "Pods, revised" in page(client, reverse("lessons:category", args=["basic"]))


def test_it_shows_a_body_saved_alone_at_once(client, lessons):
    pods = lessons[0]
    page(client, lesson_url("pods"))
    pods.body = "## Only the body changed\n\nText.\n"
    pods.save(update_fields=["body"])
    html = page(client, lesson_url("pods"))
    assert 'href="#only-the-body-changed"' in html
    assert "Pods 첫 절" not in html


def test_it_never_serves_a_draft_from_the_cache(client, alice_client, editor_client, lessons):
    draft = lesson_url("secret-draft")
    # Staff read the draft first, so its fragments and card lists are cached.
    assert "Secret draft" in page(editor_client, draft)
    assert "Secret draft" in page(editor_client, HOME)
    assert client.get(draft).status_code == 404
    assert alice_client.get(draft).status_code == 404
    assert "Secret draft" not in page(client, HOME)
    assert "Secret draft" not in page(alice_client, reverse("lessons:category", args=["basic"]))
    assert 'rel="next"' not in page(client, lesson_url("volumes"))


def test_it_hides_a_lesson_unpublished_without_a_save(client, lessons):
    """The admin's bulk action changes the status with one UPDATE: no save, no signal."""
    assert "Services" in page(client, HOME)
    assert 'rel="next" href="/lessons/services/"' in page(client, lesson_url("pods"))

    Lesson.objects.filter(slug="services").update(status=Lesson.Status.DRAFT)

    assert "Services" not in page(client, HOME)
    assert client.get(lesson_url("services")).status_code == 404
    assert 'rel="next" href="/lessons/volumes/"' in page(client, lesson_url("pods"))


def test_it_shows_a_lesson_published_without_a_save_as_a_neighbour(client, lessons):
    """A lesson may become visible with no save of its own (a bulk action, or its
    scheduled time): visibility is decided at each request, never cached."""
    assert 'rel="next"' not in page(client, lesson_url("volumes"))
    Lesson.objects.filter(slug="secret-draft").update(status=Lesson.Status.PUBLISHED)
    assert 'rel="next" href="/lessons/secret-draft/"' in page(client, lesson_url("volumes"))
    assert "Secret draft" in page(client, HOME)


def test_it_never_shows_one_learners_marks_to_another(alice, bob, lessons):
    alice_client, bob_client = Client(), Client()
    alice_client.force_login(alice)
    bob_client.force_login(bob)
    Completion.objects.create(user=alice, lesson=lessons[0])
    done_chip = "✓ 완료"

    for url in (HOME, reverse("lessons:category", args=["basic"]), lesson_url("pods")):
        assert done_chip in page(alice_client, url), url
        assert done_chip not in page(bob_client, url), url
        assert done_chip in page(alice_client, url), url

    alice_home = page(alice_client, HOME)
    assert "앨리스" in alice_home or "alice" in alice_home
    assert "alice" not in page(bob_client, HOME)


def test_it_shows_a_learners_new_mark_at_once(alice_client, alice, lessons):
    assert "✓ 완료" not in page(alice_client, HOME)
    alice_client.post(reverse("lessons:completion", args=["pods"]), {"done": "1"})
    assert "✓ 완료" in page(alice_client, HOME)
    alice_client.post(reverse("lessons:completion", args=["pods"]), {"done": "0"})
    assert "✓ 완료" not in page(alice_client, HOME)


@pytest.mark.parametrize("url", [HOME, "/lessons/pods/", "/categories/basic/"])
def test_it_serves_each_language_its_own_fragments(client, lessons, url):
    korean = page(client, url)
    assert "레슨 검색" in korean and "스터디 그룹을 위한 학습 포털입니다." in korean
    client.post(reverse("set_language"), {"language": "en", "next": url})
    english = page(client, url)
    assert "Search lessons" in english and "A learning portal for study groups." in english
    assert "레슨 검색" not in english and "목차" not in english
    client.post(reverse("set_language"), {"language": "ko", "next": url})
    assert "레슨 검색" in page(client, url)


def test_it_keeps_a_new_lesson_in_the_cards_of_its_category(client, lessons, basic):
    page(client, HOME)
    make_lesson(basic, "Ingress", 0)
    html = page(client, HOME)
    assert html.index("Ingress") < html.index("Pods")


def test_it_shows_an_edited_category_and_the_learners_new_bar_at_once(alice_client, lessons, basic):
    """The home page's category sections are cached as one fragment: any one section's
    change (a category renamed or described, a bar moved) shows at once."""
    before = page(alice_client, HOME)
    assert "Basics, renamed" not in before and "Start here." not in before
    basic.name, basic.description = "Basics, renamed", "Start here."
    basic.save()
    html = page(alice_client, HOME)
    assert "Basics, renamed" in html and "Start here." in html
    assert bar_value(html, basic.pk) == 0
    # A lesson past the first ten, whose card the home page does not show.
    for n in range(10):
        make_lesson(basic, f"Early {n}", 0)
    assert "Volumes" not in page(alice_client, HOME)
    alice_client.post(reverse("lessons:completion", args=["volumes"]), {"done": "1"})
    assert bar_value(page(alice_client, HOME), basic.pk) == 1


def bar_value(html: str, category_id: int) -> int:
    """How many lessons the category's progress bar shows done."""
    bar = html[html.index(f'id="bar-{category_id}"') :]
    return int(re.search(r'<progress [^>]*value="(\d+)"', bar)[1])
