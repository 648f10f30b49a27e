"""The browser harness itself: pages open as asked, and the console rule lets through
only the errors a journey expects, never a Content-Security-Policy violation."""

import pytest

from tests.browser.conftest import ConsoleWatch


def test_it_opens_a_page_with_the_options_asked_for(new_page, live_server, seeded):
    headers = []
    phone = new_page(viewport={"width": 390, "height": 844}, locale="en-US")
    phone.on("request", lambda request: headers.append(request.headers))
    phone.goto(f"{live_server.url}/")
    assert phone.evaluate("[innerWidth, navigator.language]") == [390, "en-US"]
    assert headers[0]["accept-language"].startswith("en-US")

    without_js = new_page(java_script_enabled=False)
    without_js.goto(f"{live_server.url}/")
    assert without_js.evaluate("typeof window.htmx") == "undefined"
    with_js = new_page()
    with_js.goto(f"{live_server.url}/")
    assert with_js.evaluate("typeof window.htmx") == "object"


@pytest.mark.allow_console_errors("status of 404")
def test_it_runs_with_debug_on_and_off(debug_mode, page, live_server, seeded):
    page.goto(f"{live_server.url}/no-such-page/")
    # Django's own 404 page shows the URL patterns only with DEBUG on.
    assert ("URLconf" in page.content()) is debug_mode
    page.goto(f"{live_server.url}/")
    # Never django-htmx's debug script, which replaces the page with any error answer.
    assert page.locator("script[src*='django-htmx.js']").count() == 0


class FakeMessage:
    type = "error"

    def __init__(self, text: str, url: str = ""):
        self.text = text
        self.location = {"url": url}


class FakePage:
    def __init__(self):
        self.listeners = {}

    def on(self, event, listener):
        self.listeners[event] = listener


def test_it_lets_through_only_expected_errors_and_never_csp_violations():
    page = FakePage()
    watch = ConsoleWatch(page, allowed=("status of 422",))
    failed_load = "Failed to load resource: the server responded with a status of"
    page.listeners["console"](FakeMessage(f"{failed_load} 422 (Unprocessable Content)"))
    page.listeners["console"](FakeMessage(f"{failed_load} 500 (Internal Server Error)"))
    page.listeners["console"](
        FakeMessage("Content Security Policy violation: status of 422 style-src-elem inline")
    )
    page.listeners["pageerror"]("TypeError: x is undefined")

    assert watch.problems() == [
        f"{failed_load} 500 (Internal Server Error)",
        "Content Security Policy violation: status of 422 style-src-elem inline",
        "TypeError: x is undefined",
    ]
