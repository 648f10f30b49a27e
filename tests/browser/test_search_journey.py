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
