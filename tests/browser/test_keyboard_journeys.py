"""Keyboard-only journeys (Tab, Shift+Tab, Enter, Space, arrow keys, Escape, typing; no
clicks) through the DOM contract of the redesigned pages: mark done, a quiz sent
incomplete and then complete, live search, the language switch and the phone header menu.
Every control focused on the way shows a focus ring of at least 3:1. The unhappy paths
(an incomplete quiz, a review with an expired session) run with DEBUG off and on."""

import re
from urllib.parse import unquote

import pytest
from django.contrib.sessions.models import Session

from lessons.models import Completion, QuizAttempt
from portal.models import User
from tests.browser.conftest import sign_in
from tests.browser.keyboard import KeyboardUser
from tests.conftest import make_user

LESSON = "kubernetes-overview"
LEARNER_WITH_MISSES = "doyun"  # seed_demo's learner with the most missed questions
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
IN_VIEWPORT = """
selector => {
  const box = document.querySelector(selector).getBoundingClientRect();
  return box.top >= 0 && box.top < innerHeight;
}
"""


def learner_page(new_page, live_server, **options):
    page = new_page(**({"viewport": DESKTOP} | options))
    sign_in(page.context, live_server.url, make_user("alice", display_name="앨리스"))
    return page


def test_it_marks_a_lesson_done_and_keeps_focus_on_the_control(new_page, live_server, seeded):
    page = learner_page(new_page, live_server)
    page.goto(f"{live_server.url}/lessons/{LESSON}/")
    keys = KeyboardUser(page)
    assert page.get_attribute("#announcer", "role") == "status"

    keys.tab_to("#completion button[name=done][value='1']")
    keys.press("Enter")
    page.wait_for_selector("#completion button[name=done][value='0']")
    page.wait_for_function("() => document.querySelector('#announcer').textContent.trim()")

    assert keys.has_focus("#completion button"), keys.focused()
    assert Completion.objects.filter(user__username="alice").count() == 1
    assert page.get_attribute("#announcer", "aria-live") == "polite"
    assert page.locator("#lesson-status").is_visible()
    keys.press("Space")  # and undo, from the same place
    page.wait_for_selector("#completion button[name=done][value='1']")
    assert keys.has_focus("#completion button"), keys.focused()
    assert Completion.objects.filter(user__username="alice").count() == 0
    keys.assert_focus_rings()


def test_it_marks_a_lesson_done_without_javascript_and_says_so(new_page, live_server, seeded):
    page = learner_page(new_page, live_server, java_script_enabled=False)
    page.goto(f"{live_server.url}/lessons/{LESSON}/")
    keys = KeyboardUser(page)
    keys.tab_to("#completion button[name=done][value='1']")
    with page.expect_navigation():
        keys.press("Enter")

    assert page.url == f"{live_server.url}/lessons/{LESSON}/#completion"
    # The message is beside the control, where the learner is, not at the top of the page.
    assert page.locator("#completion .message").is_visible()
    assert page.locator("#completion button[name=done][value='0']").is_visible()


def answer_by_keyboard(keys: KeyboardUser, question_id: str) -> None:
    """Answer one question with keys: the first choice (Space), or a typed word."""
    keys.tab_to(f"#{question_id} input")
    if keys.has_focus("input[type=text]"):
        keys.type("pod")
    else:
        keys.press("Space")


@pytest.mark.allow_console_errors("status of 422")
def test_it_keeps_the_page_when_a_quiz_is_sent_incomplete_then_shows_the_result(
    debug_mode, new_page, live_server, seeded
):
    page = learner_page(new_page, live_server)
    page.goto(f"{live_server.url}/lessons/{LESSON}/quiz/")
    page.evaluate("window.notReloaded = true")
    title = page.title()
    keys = KeyboardUser(page)
    questions = page.eval_on_selector_all("fieldset.question", "all => all.map(q => q.id)")
    skipped = questions[-1]
    for question_id in questions[:-1]:
        answer_by_keyboard(keys, question_id)

    keys.tab_to("#quiz-form button[type=submit]")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        keys.press("Enter")
    assert answer.value.status == 422
    page.wait_for_selector("#quiz-form .error-summary")
    assert page.evaluate("window.notReloaded === true"), "only the form is replaced"
    assert page.locator(".site-header").count() == 1
    assert page.title() == title
    assert keys.has_focus(".error-summary"), keys.focused()
    link = page.locator(f".error-summary a[href='#{skipped}']")
    assert link.count() == 1
    assert QuizAttempt.objects.count() == 0

    keys.tab_to(f".error-summary a[href='#{skipped}']")
    keys.press("Enter")  # to the question left out
    answer_by_keyboard(keys, skipped)
    keys.tab_to("#quiz-form button[type=submit]")
    keys.press("Enter")
    page.wait_for_selector("#quiz-result")
    page.wait_for_function(IN_VIEWPORT, arg="#quiz-result")

    attempt = QuizAttempt.objects.get()
    assert keys.has_focus("#quiz-result"), keys.focused()
    assert page.evaluate("window.notReloaded === true")
    assert re.search(rf"/lessons/{LESSON}/quiz/attempts/{attempt.pk}/$", page.url)
    assert page.locator(".site-header").count() == 1
    keys.assert_focus_rings()


def test_it_sends_a_review_with_an_expired_session_to_the_login_page_and_back(
    debug_mode, new_page, live_server, demo
):
    page = new_page(viewport=DESKTOP)
    sign_in(page.context, live_server.url, User.objects.get(username=LEARNER_WITH_MISSES))
    keys = KeyboardUser(page)
    page.goto(f"{live_server.url}/review/")
    Session.objects.all().delete()  # the session expires while the learner reviews
    keys.tab_to("#review-body button[type=submit]")
    with page.expect_navigation():
        keys.press("Enter")

    assert unquote(page.url) == f"{live_server.url}/accounts/login/?next=/review/"
    assert page.locator(".site-header").count() == 1
    assert page.locator("input[name=username]").is_visible()


def test_it_moves_through_live_search_results_with_arrow_keys(new_page, live_server, seeded):
    page = new_page(viewport=DESKTOP)
    page.goto(f"{live_server.url}/")
    keys = KeyboardUser(page)
    search = page.locator("#site-search-q")

    keys.tab_to("#site-search-q")
    assert search.get_attribute("role") == "combobox"
    assert search.get_attribute("aria-expanded") == "false"
    keys.type("kubernetes")
    page.wait_for_selector("#site-search-listbox [role=option]")
    options = page.locator("#site-search-listbox [role=option]")
    assert options.count() >= 2
    assert search.get_attribute("aria-expanded") == "true"
    assert search.get_attribute("aria-controls") == "site-search-listbox"

    keys.press("ArrowDown")
    keys.press("ArrowDown")
    keys.press("ArrowUp")
    first = options.nth(0)
    assert search.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    assert options.nth(1).get_attribute("aria-selected") == "false"
    assert keys.has_focus("#site-search-q")

    keys.press("Escape")
    assert search.get_attribute("aria-expanded") == "false"
    assert not page.locator("#site-search-listbox").is_visible()
    assert keys.has_focus("#site-search-q")

    keys.type(" ")  # typing again reopens the list
    page.wait_for_selector("#site-search-listbox [role=option]", state="visible")
    keys.press("ArrowDown")
    href = (
        page.locator("#site-search-listbox [role=option]").nth(0).locator("a").get_attribute("href")
    )
    with page.expect_navigation():
        keys.press("Enter")
    assert page.url == f"{live_server.url}{href}"
    assert page.locator("h1#lesson-title").is_visible()
    keys.assert_focus_rings()


def test_it_closes_live_search_results_on_a_click_outside(new_page, live_server, seeded):
    page = new_page(viewport=DESKTOP)
    page.goto(f"{live_server.url}/")
    page.fill("#site-search-q", "kubernetes")
    page.wait_for_selector("#site-search-listbox [role=option]")
    page.click("main")
    assert page.get_attribute("#site-search-q", "aria-expanded") == "false"
    assert not page.locator("#site-search-listbox").is_visible()


def test_it_switches_the_language_with_the_keyboard(new_page, live_server, seeded):
    page = new_page(viewport=DESKTOP)
    page.goto(f"{live_server.url}/lessons/{LESSON}/")
    assert page.get_attribute("html", "lang") == "ko"
    keys = KeyboardUser(page)

    keys.tab_to("#language-select")
    keys.press("ArrowDown")  # 한국어 → English
    assert page.input_value("#language-select") == "en"
    keys.tab_to("form:has(#language-select) button[type=submit]")
    with page.expect_navigation():
        keys.press("Enter")

    assert page.get_attribute("html", "lang") == "en"
    assert page.url == f"{live_server.url}/lessons/{LESSON}/"
    keys.assert_focus_rings()


def test_it_opens_and_closes_the_phone_header_menu_with_the_keyboard(new_page, live_server, seeded):
    page = new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/")
    keys = KeyboardUser(page)
    toggle = page.locator(".site-header button.menu-toggle")
    assert toggle.is_visible()
    assert toggle.get_attribute("aria-controls") == "site-menu"
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("#site-menu").is_visible()
    assert page.locator("#site-search-q").is_visible()
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 120, f"the phone header takes {header['height']}px"

    keys.tab_to(".site-header button.menu-toggle")
    keys.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator("#site-menu").is_visible()
    assert page.locator("#site-menu #language-select").is_visible()
    keys.tab_to("#site-menu a")

    keys.tab_to(".site-header button.menu-toggle", backwards=True)
    keys.press("Space")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("#site-menu").is_visible()
    keys.assert_focus_rings()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_it_shows_a_focus_ring_of_3_to_1_on_every_control(new_page, live_server, seeded, scheme):
    page = learner_page(new_page, live_server, color_scheme=scheme)
    keys = KeyboardUser(page)
    for path in ["/", f"/lessons/{LESSON}/", f"/lessons/{LESSON}/quiz/", "/progress/"]:
        page.goto(f"{live_server.url}{path}")
        keys.tab_through(40)
    keys.assert_focus_rings()
