"""Browser tests: Debian's Chromium driven by Playwright against the live test server.

Skipped, with a message, only where no Chromium is installed. A console error or a
Content-Security-Policy violation fails the test; a failing test leaves a screenshot in
test-artifacts/.

A journey that provokes an error answer on purpose names the console messages it expects
with `@pytest.mark.allow_console_errors("status of 422")` (a message includes the address it
is about); a CSP violation fails all the same. A journey that takes `debug_mode` runs twice,
with `DEBUG=False` and `DEBUG=True` (what `make run` uses, where `{% htmx_script %}` adds
django-htmx's debug script).
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CONTEXT_DEFAULTS = {"java_script_enabled": True, "locale": "ko-KR"}
CSP_MARKERS = ("Content Security Policy", "Content-Security-Policy")
# Reports every CSP violation on the console, also those Chromium reports only to the page.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.violatedDirective} ${event.blockedURI}`;
  console.error(`Content Security Policy violation: ${where}`);
});
"""


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; the tests' own
    # database work there is ordinary synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class ConsoleWatch:
    """The console errors and page errors of one page, less those the test allows."""

    def __init__(self, page, allowed: tuple[str, ...]):
        self.allowed = allowed
        self.messages: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(str(error)))

    def _console(self, message) -> None:
        if message.type != "error":
            return
        # "Failed to load resource" names its address only here.
        url = message.location.get("url")
        self.messages.append(f"{message.text} ({url})" if url else message.text)

    def problems(self) -> list[str]:
        return [text for text in self.messages if not self._allowed(text)]

    def _allowed(self, text: str) -> bool:
        if any(marker in text for marker in CSP_MARKERS):
            return False
        return any(pattern in text for pattern in self.allowed)


def allowed_console_errors(request) -> tuple[str, ...]:
    marker = request.node.get_closest_marker("allow_console_errors")
    return tuple(marker.args) if marker else ()


def open_context(browser, **options):
    """A browser context of its own (cookies), with Playwright's `new_context` options
    (viewport, locale, java_script_enabled, …) over the defaults."""
    context = browser.new_context(**(CONTEXT_DEFAULTS | options))
    context.add_init_script(CSP_LISTENER)
    return context


def open_page(browser, request, **options):
    context = open_context(browser, **options)
    page = context.new_page()
    watch = ConsoleWatch(page, allowed_console_errors(request))
    page.set_default_timeout(10_000)
    return context, page, watch


@pytest.fixture
def page(browser, request):
    opened = [open_page(browser, request)]
    yield opened[0][1]
    finish(request, opened)


@pytest.fixture
def new_page(browser, request):
    """Open more pages, each its own browser (cookies), checked like `page`:
    `new_page(viewport={"width": 390, "height": 844}, locale="en-US")`."""
    opened = []

    def open_more(**options):
        opened.append(open_page(browser, request, **options))
        return opened[-1][1]

    yield open_more
    finish(request, opened)


@pytest.fixture
def page_without_js(browser, request):
    opened = [open_page(browser, request, java_script_enabled=False)]
    yield opened[0][1]
    finish(request, opened)


def finish(request, opened: list) -> None:
    """Close the test's pages: a screenshot of each when the test failed, and the console
    errors of all of them checked."""
    report = getattr(request.node, "report_call", None)
    problems = []
    for number, (context, page, watch) in enumerate(opened, start=1):
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            suffix = f"-{number}" if len(opened) > 1 else ""
            page.screenshot(path=ARTIFACTS / f"{request.node.name}{suffix}.png", full_page=True)
        context.close()
        problems += watch.problems()
    if report is not None and not report.passed:
        # The test already failed (or failed as expected): the console is a clue, not news.
        if problems:
            print(f"console errors or CSP violations: {problems}")
        return
    assert not problems, f"console errors or CSP violations: {problems}"


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug_mode(request, settings) -> bool:
    """Runs the test with DEBUG off (production) and on (`make run`); the live server
    reads the same settings."""
    settings.DEBUG = request.param
    return request.param


@pytest.fixture
def seeded(transactional_db, seed_lessons_snapshot):
    """The seed lessons with their quizzes, as `make run` loads them (imported once per
    process, see tests/helpers/seed.py)."""
    seed_lessons_snapshot.restore()


@pytest.fixture
def demo(transactional_db, demo_snapshot):
    """The seed lessons and `seed_demo`'s study group: `teacher` and five learners."""
    demo_snapshot.restore()


def sign_in(context, url: str, user) -> None:
    """Sign `user` in to a browser context for the server at `url`, without the form."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": url}])


def set_language(context, url: str, language: str) -> None:
    """Choose the UI language as the header's switch does: with the language cookie."""
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url}])
