"""Every portal page in a real browser, signed out, as a learner and as an instructor, in
Korean and English: zero axe-core violations of any impact at 390 and 1280 px, and nothing
wider than the screen at 360, 390, 768 and 1280 px (code and wide tables scroll inside
themselves, never the page).

The pages are walked once for both checks, on one seeded database, to keep this quick."""

import pytest
from django.core.management import call_command

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
# Expected to fail with findings until the redesign lands; a broken walk fails for real.
NEEDS_UI = pytest.mark.xfail(
    strict=False, raises=pytest.fail.Exception, reason="needs the redesigned UI"
)
AXE_WIDTHS = [390, 1280]


@pytest.fixture(scope="module")
def findings(browser, live_server, django_db_setup, django_db_blocker):
    """What each check found, per role: {"axe": [...], "overflow": [...], "console": [...]}."""
    with django_db_blocker.unblock():
        call_command("import_lessons", "fixtures/lessons", verbosity=0)
        call_command("seed_demo", allow_production=True, verbosity=0)
        try:
            yield {role: walk(browser, live_server.url, role) for role in ROLES}
        finally:
            call_command("flush", interactive=False, verbosity=0)


def walk(browser, url: str, role: str) -> dict[str, list[str]]:
    found = {"axe": [], "overflow": [], "console": []}
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
            where = f"{portal_page} in {language}"
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                if problem := overflow(page):
                    found["overflow"].append(f"{where} at {width}px: {problem}")
                if width in AXE_WIDTHS and portal_page.axe:
                    found["axe"] += [f"{where} at {width}px: {v}" for v in axe_violations(page)]
        found["console"] += [f"in {language}: {problem}" for problem in watch.problems()]
        context.close()
    return found


def report(findings: dict, role: str, check: str, title: str) -> None:
    found = findings[role][check] + findings[role]["console"]
    if found:
        pytest.fail(f"{title} for the {role}:\n" + "\n".join(found), pytrace=False)


@NEEDS_UI
@pytest.mark.parametrize("role", ROLES)
def test_it_has_no_axe_violations_on_any_page(findings, role):
    report(findings, role, "axe", "axe violations (or console errors)")


@NEEDS_UI
@pytest.mark.parametrize("role", ROLES)
def test_it_fits_every_page_in_the_screen_width(findings, role):
    report(findings, role, "overflow", "pages wider than the screen (or console errors)")
