"""Asking the group in a real browser, with the keyboard only, on a phone and a desktop:
a learner asks about a section (after a preview), a peer answers and follows, the asker
accepts; a draft survives a reload; axe finds nothing and no page is wider than the
screen. Screenshots of the pages go to SHOTS when it is set."""

import os
from pathlib import Path

import pytest

from portal.models import GroupAnswer, GroupQuestion, QuestionFollow
from tests.browser.conftest import sign_in
from tests.browser.keyboard import KeyboardUser
from tests.browser.pages import axe_violations, overflow
from tests.conftest import make_lesson, make_user
from tests.helpers.discussion_fixtures import LESSON_BODY
from tests.helpers.groups import make_group

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
SHOTS = os.environ.get("SHOTS")


def check(page, name: str, size: str) -> None:
    assert axe_violations(page) == [], page.url
    assert overflow(page) is None, page.url
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/discussions-{name}-{size}.png", full_page=True)


@pytest.fixture
def group(transactional_db):
    from lessons.models import Category

    basic = Category.objects.create(name="기초", slug="basic", position=1)
    lesson = make_lesson(basic, "파드", 1, slug="pods", body=LESSON_BODY)
    people = {
        "alice": make_user("alice", display_name="앨리스"),
        "bob": make_user("bob", display_name="밥"),
        "tara": make_user("tara", display_name="타라"),
    }
    make_group(
        "쿠버네티스 스터디",
        instructors=(people["tara"],),
        learners=(people["alice"], people["bob"]),
    )
    return lesson, people


@pytest.mark.parametrize("size", SIZES)
def test_it_asks_answers_accepts_and_follows_with_the_keyboard(new_page, live_server, group, size):
    _, people = group
    alice = new_page(viewport=SIZES[size])
    sign_in(alice.context, live_server.url, people["alice"])
    alice.goto(f"{live_server.url}/lessons/pods/")
    keys = KeyboardUser(alice)

    # The panel under the lesson brings the form when asked for.
    keys.tab_to("#group-questions a.button[hx-get]")
    keys.press("Enter")
    alice.wait_for_selector("#ask-form")
    keys.tab_to("#id_section")
    alice.select_option("#id_section", "매니페스트")  # a select's own keys differ by platform
    keys.tab_to("#id_title")
    keys.type("매니페스트를 적용하면 Pending이에요")
    keys.tab_to("#id_body")
    keys.type("`kubectl apply -f pod.yaml` 뒤에 **Pending** 입니다.")
    keys.tab_to("#ask-form button[name=preview]")
    keys.press("Enter")
    alice.wait_for_selector("#ask-preview strong")
    assert alice.input_value("#id_title") == "매니페스트를 적용하면 Pending이에요"
    check(alice, "ask-preview", size)
    keys.tab_to("#ask-form button[type=submit]:not([name])")
    keys.press("Enter")
    alice.wait_for_url("**/questions/*/")
    question = GroupQuestion.objects.get()
    assert question.section == "매니페스트"
    assert QuestionFollow.objects.filter(question=question, user=people["alice"]).exists()
    assert (
        alice.evaluate("Object.keys(localStorage).filter(k => k.startsWith('portal:draft:'))") == []
    )

    # A peer answers by keyboard and follows; the thread swaps in place.
    bob = new_page(viewport=SIZES[size])
    sign_in(bob.context, live_server.url, people["bob"])
    bob.goto(f"{live_server.url}{question.get_absolute_url()}")
    bob_keys = KeyboardUser(bob)
    bob_keys.tab_to("#id_body")
    bob_keys.type("노드 자원이 부족한지 `kubectl describe pod`로 보세요.")
    bob.reload()  # a lost page keeps the draft
    assert "kubectl describe pod" in bob.input_value("#id_body")
    bob.evaluate("window.notReloaded = true")
    bob_keys.tab_to("#answer-form button[type=submit]:not([name])")
    bob_keys.press("Enter")
    bob.wait_for_selector("#thread .answer-post")
    assert bob.evaluate("window.notReloaded === true")
    assert bob.input_value("#id_body") == ""
    bob_keys.tab_to("#follow button")
    bob_keys.press("Enter")
    bob.wait_for_selector("#follow button[aria-pressed=true]")
    assert QuestionFollow.objects.filter(question=question).count() == 2
    bob_keys.assert_focus_rings()

    # The asker accepts it.
    alice.goto(f"{live_server.url}{question.get_absolute_url()}")
    keys.tab_to("#thread form[action$='/accept/'] button")
    keys.press("Enter")
    alice.wait_for_selector("#thread .answer-post.is-accepted")
    question.refresh_from_db()
    assert question.accepted_answer == GroupAnswer.objects.get()
    check(alice, "question", size)
    keys.assert_focus_rings()

    # Where it shows: the count beside the section's heading and the group's list.
    alice.goto(f"{live_server.url}/lessons/pods/")
    assert alice.inner_text(".section-heading:has(#매니페스트) .chip") == "질문 1"
    check(alice, "lesson", size)
    alice.goto(f"{live_server.url}/groups/{question.group_id}/questions/")
    assert "답변 완료" in alice.inner_text("#question-list")
    check(alice, "group", size)


@pytest.mark.parametrize("size", SIZES)
def test_it_asks_from_a_section_heading_with_the_keyboard(new_page, live_server, group, size):
    lesson, people = group
    asked = GroupQuestion.objects.create(
        group=people["tara"].memberships.get().group,
        lesson=lesson,
        author=people["bob"],
        section="매니페스트",
        title="매니페스트의 apiVersion은 무엇인가요",
        body="본문",
    )
    alice = new_page(viewport=SIZES[size])
    sign_in(alice.context, live_server.url, people["alice"])
    alice.goto(f"{live_server.url}/lessons/pods/")
    link = ".section-heading:has(#매니페스트) .section-action"
    assert alice.inner_text(link).startswith("질문하기")
    assert alice.inner_text(f"{link} .chip") == "질문 1"
    # Beside the heading when there is room, under it on a phone; never off the screen.
    heading = alice.locator("#매니페스트").bounding_box()
    beside = alice.locator(link).bounding_box()
    if size == "desktop":
        assert beside["y"] < heading["y"] + heading["height"] and beside["x"] > heading["x"]
    assert beside["x"] + beside["width"] <= SIZES[size]["width"]
    check(alice, "lesson-headings", size)
    keys = KeyboardUser(alice)
    keys.tab_to(link)
    keys.press("Enter")
    alice.wait_for_url("**/ask/pods/?section=*")
    assert alice.input_value("#id_section") == "매니페스트"
    assert asked.title in alice.inner_text(".section-questions")
    check(alice, "ask-section", size)
    keys.tab_to("#id_title")
    keys.type("kind는 어디에 쓰나요")
    keys.tab_to("#id_body")
    keys.type("매니페스트의 `kind` 필드")
    keys.tab_to("#ask-form button[type=submit]:not([name])")
    keys.press("Enter")
    alice.wait_for_url("**/questions/*/")
    assert GroupQuestion.objects.filter(section="매니페스트").count() == 2
    alice.goto(f"{live_server.url}/lessons/pods/")
    assert alice.inner_text(f"{link} .chip") == "질문 2"
    keys.assert_focus_rings()
