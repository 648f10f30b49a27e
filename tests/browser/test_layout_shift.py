"""Pages hold still while they load: the cumulative layout shift a browser reports for
every page of a visitor, a learner and an instructor stays under 0.1 (what Lighthouse calls
good) on a phone and on a desktop, and every page says what it is in a meta description."""

import pytest

from tests.browser.conftest import ConsoleWatch, open_context, sign_in
from tests.browser.pages import NOT_FOUND, ROLES, pages_for, user_for

GOOD = 0.1
VIEWPORTS = [{"width": 390, "height": 844}, {"width": 1280, "height": 900}]
# Every layout shift from the start of the page, with what moved.
OBSERVER = """
window.layoutShifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;
    const moved = (entry.sources || []).map((source) => {
      const node = source.node;
      if (!node || !node.tagName) return "?";
      return node.tagName.toLowerCase() + (node.id ? "#" + node.id : "")
        + Array.from(node.classList || []).map((name) => "." + name).join("");
    });
    window.layoutShifts.push({value: entry.value, moved});
  }
}).observe({type: "layout-shift", buffered: true});
"""
SETTLED = "new Promise((done) => requestAnimationFrame(() => setTimeout(done, 300)))"


def shifts_on(page, url: str) -> tuple[float, list[str]]:
    page.goto(url, wait_until="load")
    page.evaluate(SETTLED)
    shifts = page.evaluate("window.layoutShifts")
    moved = sorted({name for shift in shifts for name in shift["moved"]})
    return sum(shift["value"] for shift in shifts), moved


def description(page) -> str:
    described = page.locator('meta[name="description"]')
    if described.count() != 1:
        return ""
    return (described.get_attribute("content") or "").strip()


@pytest.mark.parametrize("role", ROLES)
def test_no_page_moves_after_its_first_paint_and_each_says_what_it_is(
    browser, live_server, demo, role
):
    user = user_for(role)
    found = []
    for viewport in VIEWPORTS:
        context = open_context(browser, viewport=viewport)
        context.add_init_script(OBSERVER)
        if user is not None:
            sign_in(context, live_server.url, user)
        page = context.new_page()
        watch = ConsoleWatch(page, allowed=(NOT_FOUND,))
        for portal_page in pages_for(role):
            total, moved = shifts_on(page, f"{live_server.url}{portal_page.path}")
            if not description(page):
                found.append(f"{portal_page}: no meta description")
            if total >= GOOD:
                found.append(f"{portal_page} at {viewport['width']}px: {total:.3f} ({moved})")
        found += watch.problems()
        context.close()
    assert not found, "pages that move while they load:\n" + "\n".join(found)
