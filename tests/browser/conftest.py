"""Browser tests: Debian's Chromium driven by Playwright against the live test server.

Skipped, with a message, only where no Chromium is installed. A console error or a
Content-Security-Policy violation fails the test; a failing test leaves a screenshot in
test-artifacts/.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

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


def _open_page(browser, request, *, javascript: bool):
    context = browser.new_context(java_script_enabled=javascript, locale="ko-KR")
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.set_default_timeout(10_000)
    return context, page, problems


@pytest.fixture
def page(browser, request):
    context, page, problems = _open_page(browser, request, javascript=True)
    yield page
    _finish(request, page, context, problems)


@pytest.fixture
def new_page(browser, request):
    """Open more pages, each its own browser (cookies), checked like `page`."""
    opened = []

    def open_page(**options):
        context, page, problems = _open_page(browser, request, javascript=True)
        opened.append((page, context, problems))
        return page

    yield open_page
    for page, context, problems in opened:
        _finish(request, page, context, problems)


@pytest.fixture
def page_without_js(browser, request):
    context, page, problems = _open_page(browser, request, javascript=False)
    yield page
    _finish(request, page, context, problems)


def _finish(request, page, context, problems):
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
    context.close()
    assert not problems, f"console errors or CSP violations: {problems}"


@pytest.fixture
def seeded(transactional_db):
    """The seed lessons with their quizzes, as `make run` loads them."""
    call_command("import_lessons", "fixtures/lessons", verbosity=0)
