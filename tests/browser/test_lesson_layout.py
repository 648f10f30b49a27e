"""How a lesson page is laid out on a phone and on a laptop: a compact header, the title
before a folded table of contents, and progress bars that are really drawn."""

from tests.browser.conftest import sign_in
from tests.conftest import make_user

LESSON = "kubernetes-architecture"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


def test_it_puts_the_title_before_a_folded_table_of_contents_on_a_phone(
    new_page, live_server, seeded
):
    page = new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/lessons/{LESSON}/")

    title = page.locator("#lesson-title").bounding_box()
    contents = page.locator(".toc-details")
    assert contents.bounding_box()["y"] > title["y"]
    assert contents.get_attribute("open") is None  # folded until the learner opens it
    assert title["y"] < 250, "the title is on the first screen"
    assert not page.locator(".lesson-aside").is_visible()
    contents.locator("summary").click()
    assert contents.locator("a").first.is_visible()


def test_it_keeps_the_phone_header_compact_and_its_search_button_whole(
    new_page, live_server, seeded
):
    page = new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/")

    assert page.locator(".site-header").bounding_box()["height"] <= 120
    button = page.locator(".site-search button[type=submit]").bounding_box()
    assert button["height"] <= 48 and button["width"] >= 40
    assert not page.locator("#site-menu").is_visible()
    page.click(".menu-toggle")
    assert page.locator("#site-menu").is_visible()


def test_it_draws_the_sidebar_progress_bars_on_a_laptop(new_page, live_server, seeded):
    page = new_page(viewport=LAPTOP)
    sign_in(page.context, live_server.url, make_user("reader"))
    page.goto(f"{live_server.url}/lessons/{LESSON}/")

    assert page.locator(".lesson-aside .toc").is_visible()
    for bar in page.locator(".lesson-aside .bar progress").all():
        assert bar.bounding_box()["width"] > 150
    assert not page.locator(".toc-details").is_visible()
