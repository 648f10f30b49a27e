"""Every portal page in a real browser, signed out, as a learner and as an instructor, in
Korean and English: zero axe-core violations of any impact at 390 and 1280 px, and nothing
wider than the screen at 360, 390, 768 and 1280 px (code and wide tables scroll inside
themselves, never the page).

Each test walks the pages of one role once, both checks on each page at each width, on the
seed lessons and the demo group, so that parallel workers (`pytest -n`) share the three
walks out."""

import pytest

from lessons.models import Lesson
from tests.browser.conftest import ConsoleWatch, open_context, set_language, sign_in
from tests.browser.pages import (
    LANGUAGES,
    NOT_FOUND,
    ROLES,
    Page,
    axe_violations,
    overflow,
    pages_for,
    user_for,
)

WIDTHS = [360, 390, 768, 1280]
AXE_WIDTHS = [390, 1280]


def walk(browser, url: str, role: str, check) -> list[str]:
    """What `check(page, where)` found on every page of the role, in both languages, and
    the console errors on the way."""
    found = []
    pages = pages_for(role)
    if role == "visitor":  # every seed lesson: their code blocks and tables differ
        pages += [
            Page(f"lesson {lesson.slug}", lesson.get_absolute_url(), axe=False)
            for lesson in Lesson.objects.all()
        ]
    user = user_for(role)
    for language in LANGUAGES:
        context = open_context(browser, viewport={"width": WIDTHS[-1], "height": 900})
        if user is not None:
            sign_in(context, url, user)
        set_language(context, url, language)
        page = context.new_page()
        watch = ConsoleWatch(page, allowed=(NOT_FOUND,))
        for portal_page in pages:
            response = page.goto(f"{url}{portal_page.path}")
            assert response.status == portal_page.status, str(portal_page)
            assert page.get_attribute("html", "lang") == language, str(portal_page)
            found += check(page, portal_page, f"{portal_page} in {language}")
        found += [f"in {language}: {problem}" for problem in watch.problems()]
        context.close()
    return found


def page_check(page, portal_page: Page, where: str) -> list[str]:
    """Sideways overflow at every width, and axe-core's violations at the axe widths."""
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        if problem := overflow(page):
            found.append(f"{where} at {width}px: wider than the screen: {problem}")
        if portal_page.axe and width in AXE_WIDTHS:
            found += [f"{where} at {width}px: axe: {v}" for v in axe_violations(page)]
    return found


@pytest.mark.parametrize("role", ROLES)
def test_every_page_has_no_axe_violations_and_fits_the_screen_width(
    browser, live_server, demo, role
):
    found = walk(browser, live_server.url, role, page_check)
    if found:
        pytest.fail(
            f"axe violations, pages wider than the screen or console errors for the {role}:\n"
            + "\n".join(found),
            pytrace=False,
        )
