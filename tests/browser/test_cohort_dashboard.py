"""A cohort's dashboard in a real browser (60 learners × 30 lessons): axe-clean and within
the page's width at phone and laptop sizes, first view and a week opened; a week opens in
place and the next learners are added below with htmx, and by plain links without it."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from portal.models import User
from tests.browser.conftest import set_language, sign_in
from tests.browser.pages import axe_violations, overflow


@pytest.fixture
def cohort(transactional_db):
    output = StringIO()
    call_command("make_synthetic_group", learners=60, lessons=30, seed=3, stdout=output)
    path = re.search(r"(/groups/\d+/dashboard/)", output.getvalue())[1]
    teacher = User.objects.get(username__endswith="-teacher")
    return path, teacher


@pytest.mark.parametrize("width", [390, 1280])
def test_it_is_accessible_and_fits_phone_and_laptop(new_page, live_server, cohort, width):
    path, teacher = cohort
    page = new_page(viewport={"width": width, "height": 900})
    sign_in(page.context, live_server.url, teacher)
    set_language(page.context, live_server.url, "en")
    for query in ("", "?section=w2"):
        page.goto(live_server.url + path + query)
        expect(page.locator("#learners-heading")).to_be_visible()
        assert axe_violations(page) == [], query
        assert overflow(page) is None, query


def test_a_week_opens_and_more_learners_load_in_place(new_page, live_server, cohort):
    path, teacher = cohort
    page = new_page(viewport={"width": 1280, "height": 900})
    sign_in(page.context, live_server.url, teacher)
    set_language(page.context, live_server.url, "en")
    page.goto(live_server.url + path)
    rows = page.locator(".cohort-table tbody th.learner-col")
    expect(rows).to_have_count(50)
    more = page.locator(".load-more a")
    more.focus()
    page.keyboard.press("Enter")
    expect(rows).to_have_count(60)
    expect(page.locator(".load-more")).to_have_count(0)
    assert page.url == live_server.url + path  # rows added, the address unchanged

    page.locator(".cohort-summary a", has_text="Week 2").click()
    expect(page.locator("#summary-heading")).to_contain_text("Week 2")
    expect(page).to_have_url(re.compile(r"\?section=w2$"))
    expect(page.locator(".cohort-table thead .lesson-col")).to_have_count(2)
    # The activity panel comes once scrolled to.
    page.locator("#dashboard-activity").scroll_into_view_if_needed()
    expect(page.locator("#chart-heading")).to_be_visible()


def test_without_javascript_the_links_lead_to_the_same_views(page_without_js, live_server, cohort):
    path, teacher = cohort
    page = page_without_js
    sign_in(page.context, live_server.url, teacher)
    set_language(page.context, live_server.url, "en")
    page.goto(live_server.url + path)
    page.locator(".load-more a").click()
    expect(page).to_have_url(re.compile(r"\?page=2$"))
    expect(page.locator(".cohort-table tbody th.learner-col")).to_have_count(10)
    page.locator("#dashboard-activity a").click()
    expect(page.locator("#chart-heading")).to_be_visible()
