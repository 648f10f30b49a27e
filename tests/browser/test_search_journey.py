"""Searching from the header in a real browser: live results while typing, and the full
results page without JavaScript."""

from urllib.parse import quote


def test_it_shows_live_results_while_typing(page, live_server, seeded):
    page.goto(f"{live_server.url}/")
    page.evaluate("window.notReloaded = true")
    page.fill("#site-search-q", "containerd")
    page.wait_for_selector("#site-search-results [role=option] a")
    titles = page.locator("#site-search-results [role=option] a").all_inner_texts()
    assert titles[0].splitlines() == ["Docker & containerD", "CKA"]
    assert page.evaluate("window.notReloaded === true")


def test_it_finds_korean_words_with_particles_without_javascript(
    page_without_js, live_server, seeded
):
    page = page_without_js
    page.goto(f"{live_server.url}/")
    page.fill("#site-search-q", "배포를")
    page.press("#site-search-q", "Enter")
    page.wait_for_url(f"{live_server.url}/search/?q={quote('배포를')}")
    assert "쿠버네티스 배포" in page.locator(".search-hits").inner_text()
    assert page.locator(".search-hits mark").count() >= 1


def test_the_results_page_keeps_the_query_in_the_one_box_and_leads_to_the_section(
    page, live_server, seeded
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/search/?q={quote('어피니티')}")
    assert page.locator("input[type=search]").count() == 1
    assert page.input_value("#site-search-q") == "어피니티"
    first = page.locator(".search-hits .search-hit > a").first
    href = first.get_attribute("href")
    assert "#" in href
    first.click()
    page.wait_for_url(f"**{href.split('#')[0]}*")
    anchor = page.evaluate("decodeURIComponent(location.hash.slice(1))")
    heading = page.locator(f"[id='{anchor}']")
    assert "어피니티" in heading.inner_text()
    assert page.evaluate("window.scrollY") > 500
    assert heading.bounding_box()["y"] < 844
