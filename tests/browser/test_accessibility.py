"""axe-core on every portal page: both languages, phone (390 px) and desktop (1280 px),
signed out, as a learner and as an instructor; zero violations of any impact."""

import pytest

from tests.browser.conftest import set_language, sign_in
from tests.browser.pages import LANGUAGES, NOT_FOUND, ROLES, axe_violations, pages_for, user_for

WIDTHS = [390, 1280]


@pytest.mark.xfail(strict=False, reason="needs the redesigned UI")
@pytest.mark.allow_console_errors(NOT_FOUND)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_it_has_no_axe_violations_on_any_page(new_page, live_server, demo, role, language):
    page = new_page(viewport={"width": WIDTHS[-1], "height": 900})
    user = user_for(role)
    if user is not None:
        sign_in(page.context, live_server.url, user)
    set_language(page.context, live_server.url, language)

    found = []
    for portal_page in pages_for(role):
        response = page.goto(f"{live_server.url}{portal_page.path}")
        assert response.status == portal_page.status, str(portal_page)
        assert page.get_attribute("html", "lang") == language, str(portal_page)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            found += [f"{portal_page} at {width}px: {line}" for line in axe_violations(page)]
    if found:
        pytest.fail(
            f"axe violations for the {role} in {language}:\n" + "\n".join(found), pytrace=False
        )
