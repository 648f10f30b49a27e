"""The details a learner and an instructor notice on a phone and on a laptop: code blocks
that copy and say when they scroll, an instructor dashboard that fits a phone, chips that
stay one line, a search highlight readable in the dark theme, and page layouts without
slips (table widths, header buttons, spacing, repeated names, long user names)."""

import itertools

import pytest
from playwright.sync_api import expect

from lessons.models import Category, Domain
from portal.management.commands.seed_demo import GROUP_NAME
from portal.models import StudyGroup, User
from tests.browser.conftest import sign_in
from tests.conftest import make_user

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}
LAB = "kubernetes-orchestration-lab"  # the lesson with the most code blocks

# WCAG's contrast ratio of an element's text colour on its own (opaque) background.
CONTRAST = """
(element) => {
  const rgb = (value) => value.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const luminance = (value) => {
    const [r, g, b] = rgb(value).map((c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const style = getComputedStyle(element);
  const [a, b] = [luminance(style.color), luminance(style.backgroundColor)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
"""


@pytest.fixture
def group(demo):
    return StudyGroup.objects.get(name=GROUP_NAME)


def open_as(new_page, live_server, username: str | None, **options):
    page = new_page(**options)
    if username:
        sign_in(page.context, live_server.url, User.objects.get(username=username))
    return page


# ---- Code blocks -----------------------------------------------------------------------


def test_every_code_block_of_a_lesson_copies_its_code(new_page, live_server, seeded):
    page = new_page(viewport=PHONE)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"{live_server.url}/lessons/{LAB}/")
    blocks = page.locator(".lesson-body pre")
    assert blocks.count() > 10
    assert page.locator(".lesson-body .copy-code").count() == blocks.count()

    third = blocks.nth(2)
    button = page.locator(".copy-code").nth(2)
    button.scroll_into_view_if_needed()
    expect(button).to_have_text("코드 복사")
    button.click()
    expect(page.locator("#announcer")).to_have_text("코드를 복사했습니다.")
    assert page.evaluate("navigator.clipboard.readText()") == third.text_content()
    # The button sits above the code, not over its first line.
    code_top = third.locator("code").bounding_box()["y"]
    assert button.bounding_box()["y"] + button.bounding_box()["height"] <= code_top + 1


def test_a_code_block_that_scrolls_sideways_shows_it_and_scrolls_from_the_keyboard(
    new_page, live_server, seeded
):
    page = new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/lessons/{LAB}/")
    wide = page.locator(".lesson-body pre").filter(has=page.locator("xpath=self::*[@tabindex='0']"))
    assert wide.count() > 10, "the lab's long commands scroll at 390 px"
    block = wide.first
    cue = block.locator("xpath=..")
    shadow = "(el, side) => getComputedStyle(el, side).opacity"
    # The shadows fade in (a transition): wait for the right one to settle.
    page.wait_for_function(
        "el => getComputedStyle(el, '::after').opacity === '1'",
        arg=cue.element_handle(),
        timeout=5_000,
    )
    assert cue.evaluate(shadow, "::after") == "1", "a shadow on the right: more to see"
    assert cue.evaluate(shadow, "::before") == "0"
    assert block.get_attribute("aria-label") == "코드"

    block.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(cue).to_have_attribute("data-more-start", "")
    assert block.evaluate("el => el.scrollLeft") > 0
    # A block that fits is no tab stop and shows no shadow.
    fitting = page.locator(".lesson-body pre:not([tabindex])")
    if fitting.count():
        assert fitting.first.locator("xpath=..").evaluate(shadow, "::after") == "0"


def test_korean_comments_in_code_are_upright(new_page, live_server, seeded):
    page = new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/lessons/{LAB}/")
    comments = page.locator(".lesson-body .highlight :is(.c, .c1, .cm)")
    assert comments.count() > 0
    styles = comments.evaluate_all("els => els.map((el) => getComputedStyle(el).fontStyle)")
    assert set(styles) == {"normal"}


# ---- The instructor's dashboard on a phone, chips ------------------------------------------


def test_the_dashboard_fits_a_phone_folded_filters_short_rows_and_a_scroll_cue(
    new_page, live_server, group
):
    page = open_as(new_page, live_server, "teacher", viewport=PHONE)
    page.goto(f"{live_server.url}/groups/{group.pk}/dashboard/")
    # The filters wait behind "필터"; the learners start on the first screen.
    expect(page.locator(".filter-details > summary")).to_have_text("필터")
    assert not page.locator("#id_q").is_visible()
    page.click(".filter-details > summary")
    expect(page.locator("#id_q")).to_be_visible()

    rows = page.locator(".matrix tbody tr")
    heights = rows.evaluate_all("rows => rows.map((row) => row.getBoundingClientRect().height)")
    assert max(heights) <= 72, f"rows are at most four short lines tall: {heights}"
    scroller = page.locator(".matrix-scroll")
    assert scroller.get_attribute("tabindex") == "0"
    cue = scroller.locator("xpath=..")
    expect(cue).to_have_attribute("data-more-end", "")
    # The learner column stays in place while the lessons scroll in.
    name = page.locator(".matrix tbody .learner-col").first
    before = name.bounding_box()["x"]
    scroller.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    expect(cue).to_have_attribute("data-more-start", "")
    assert name.bounding_box()["x"] == before
    lesson_cell = page.locator(".matrix tbody td.cell").last
    assert lesson_cell.bounding_box()["x"] + lesson_cell.bounding_box()["width"] <= 391


def test_the_dashboard_filters_line_up_on_a_laptop(new_page, live_server, group):
    """The name box, the two lists and the button stand in one row of one height, their
    labels on one line above them."""
    page = open_as(new_page, live_server, "teacher", viewport=LAPTOP)
    page.goto(f"{live_server.url}/groups/{group.pk}/dashboard/")
    controls = page.locator("#dashboard-filter").locator("#id_q, select, button[type=submit]")
    boxes = controls.evaluate_all(
        "all => all.map((el) => { const b = el.getBoundingClientRect(); "
        "return [el.id || el.tagName, Math.round(b.top), Math.round(b.height)]; })"
    )
    assert len(boxes) == 4
    assert len({(top, height) for _, top, height in boxes}) == 1, boxes
    labels = page.locator("#dashboard-filter .filter-field:not(.filter-check) > label")
    tops = labels.evaluate_all("all => all.map((el) => Math.round(el.getBoundingClientRect().top))")
    assert len(set(tops)) == 1, tops


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_attention_chips_are_one_line_chips(new_page, live_server, group, viewport):
    page = open_as(new_page, live_server, "teacher", viewport=viewport)
    page.goto(f"{live_server.url}/groups/{group.pk}/dashboard/")
    chips = page.locator("main .chip")
    assert chips.count() > 3
    lines = chips.evaluate_all(
        """chips => chips.map((chip) => {
          const style = getComputedStyle(chip);
          return chip.getBoundingClientRect().height / parseFloat(style.lineHeight);
        })"""
    )
    assert max(lines) < 1.5, f"chips taller than one line: {lines}"
    # A cut reason is whole in its title.
    for chip in page.locator(".matrix .attention-col .chip").all():
        assert chip.get_attribute("title") == chip.text_content()
    expect(page.locator(".filter-details #id_q")).to_be_visible(visible=viewport is LAPTOP)


# ---- Dark mode -------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_the_search_highlight_reads_at_aa_contrast(new_page, live_server, seeded, scheme):
    page = new_page(viewport=LAPTOP, color_scheme=scheme)
    page.goto(f"{live_server.url}/search/?q=파드")
    marks = page.locator("main mark")
    assert marks.count() > 0
    ratios = [mark.evaluate(CONTRAST) for mark in marks.all()]
    assert min(ratios) >= 4.5, f"highlight contrast in the {scheme} theme: {min(ratios):.2f}"


# ---- Layout slips --------------------------------------------------------------------


def test_the_readiness_table_fits_a_laptop_with_long_domain_names(new_page, live_server, group):
    assert Domain.objects.filter(name__contains="Installation & Configuration").exists()
    page = open_as(new_page, live_server, "teacher", viewport=LAPTOP)
    page.goto(f"{live_server.url}/groups/{group.pk}/readiness/")
    scroller = page.locator(".table-scroll:has(.readiness-matrix)")
    sizes = scroller.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert sizes[0] <= sizes[1], f"the table is wider than its box: {sizes}"


@pytest.mark.parametrize("path", ["dashboard", "manage"])
def test_page_header_buttons_sit_together_at_the_end_of_the_title(
    new_page, live_server, group, path
):
    page = open_as(new_page, live_server, "teacher", viewport=LAPTOP)
    page.goto(f"{live_server.url}/groups/{group.pk}/{path}/")
    header = page.locator("main .page-header").bounding_box()
    buttons = [b.bounding_box() for b in page.locator("main .page-header > .button").all()]
    assert buttons
    last = buttons[-1]
    assert abs(last["x"] + last["width"] - (header["x"] + header["width"])) <= 1
    # Centred on the title's line, not hung from its baseline.
    title = page.locator("main .page-header h1").bounding_box()
    middle = title["y"] + title["height"] / 2
    for button in buttons:
        assert abs(button["y"] + button["height"] / 2 - middle) <= 4
    for left, right in itertools.pairwise(buttons):
        assert right["x"] - (left["x"] + left["width"]) <= 16, "buttons side by side"
        assert abs(left["y"] - right["y"]) <= 1


def test_the_login_page_keeps_its_links_apart_from_its_button(new_page, live_server, seeded):
    page = new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    button = page.locator(".form-page form button[type=submit]").bounding_box()
    forgot = page.get_by_role("link", name="비밀번호를 잊으셨나요?").bounding_box()
    assert forgot["y"] - (button["y"] + button["height"]) >= 16


def test_an_empty_category_names_itself_once_and_draws_no_empty_bar(new_page, live_server, seeded):
    Category.objects.create(name="Observability", slug="observability", position=9)
    page = open_as(new_page, live_server, None, viewport=PHONE)
    sign_in(page.context, live_server.url, make_user("reader"))
    page.goto(f"{live_server.url}/categories/observability/")
    main = page.locator("main").inner_text()
    assert main.count("Observability") == 2  # the breadcrumb's last step and the title
    assert page.locator("main .bar").count() == 0


def test_home_names_each_category_once(new_page, live_server, group):
    page = open_as(new_page, live_server, "doyun", viewport=LAPTOP)
    page.goto(f"{live_server.url}/")
    sections = page.locator(".category-section")
    assert sections.count() >= 2
    for section in sections.all():
        name = section.locator("h2").inner_text()
        heading_and_bar = (
            section.locator("header").inner_text() + section.locator(".bar-head").inner_text()
        )
        more = section.locator("header a:not(h2 a)").count()
        assert heading_and_bar.count(name) == 1 + more, name
        # The bar still says whose progress it is and in which category.
        labelled = section.locator("progress").get_attribute("aria-labelledby")
        assert labelled.split()[0] == section.locator("h2").get_attribute("id")


def test_form_groups_on_the_manage_page_are_not_browser_boxes(new_page, live_server, group):
    page = open_as(new_page, live_server, "teacher", viewport=LAPTOP)
    page.goto(f"{live_server.url}/groups/{group.pk}/manage/")
    fieldsets = page.locator("main fieldset")
    assert fieldsets.count() >= 2
    borders = fieldsets.evaluate_all("els => els.map((el) => getComputedStyle(el).borderTopStyle)")
    assert set(borders) == {"none"}


def test_a_long_user_name_does_not_break_the_header(new_page, live_server, seeded):
    long_name = "kubernetes.administrator.of.the.cluster@example-company.co.kr"
    heights = {}
    for username in ("reader", long_name):
        page = new_page(viewport=LAPTOP)
        sign_in(page.context, live_server.url, make_user(username))
        page.goto(f"{live_server.url}/")
        heights[username] = page.locator(".site-header").bounding_box()["height"]
        assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    assert heights[long_name] == heights["reader"], heights

    page = new_page(viewport=PHONE)
    sign_in(page.context, live_server.url, User.objects.get(username=long_name))
    page.goto(f"{live_server.url}/")
    page.click(".menu-toggle")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


# ---- Finding one's way on a phone ------------------------------------------------------


def test_a_bottom_bar_holds_the_main_pages_on_a_phone(new_page, live_server, seeded):
    learner = make_user("reader")
    page = new_page(viewport=PHONE)
    sign_in(page.context, live_server.url, learner)
    page.goto(f"{live_server.url}/progress/")
    bar = page.get_by_role("navigation", name="주요 페이지")
    expect(bar).to_be_visible()
    assert bar.get_by_role("link").all_inner_texts() == ["홈", "복습", "진도", "그룹"]
    expect(bar.get_by_role("link", name="진도")).to_have_attribute("aria-current", "page")
    assert bar.locator("[aria-current]").count() == 1
    box = bar.bounding_box()
    assert box["y"] + box["height"] == PHONE["height"], "fixed to the bottom of the screen"
    # Nothing of the page stays hidden behind it.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    footer = page.locator(".site-footer p").bounding_box()
    assert footer["y"] + footer["height"] <= bar.bounding_box()["y"]
    bar.get_by_role("link", name="복습").click()
    expect(page).to_have_url(f"{live_server.url}/review/today/")

    page = new_page(viewport=LAPTOP)
    sign_in(page.context, live_server.url, learner)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("navigation", name="주요 페이지")).to_be_hidden()
    visitor = new_page(viewport=PHONE)
    visitor.goto(f"{live_server.url}/")
    assert visitor.locator(".bottom-bar").count() == 0


def test_a_long_lesson_marks_the_section_being_read_on_a_laptop(new_page, live_server, seeded):
    page = new_page(viewport=LAPTOP)
    page.goto(f"{live_server.url}/lessons/kubernetes-architecture/")
    heading = page.locator(".lesson-body h2[id]").nth(2)
    # Just above the reading line (a quarter down the screen), below the heading before it.
    heading.evaluate(
        "el => window.scrollTo(0, el.getBoundingClientRect().top + scrollY - innerHeight / 4 + 5)"
    )
    link = page.locator(f".lesson-aside .toc a[href='#{heading.get_attribute('id')}']")
    expect(link).to_have_attribute("aria-current", "location")
    assert page.locator(".lesson-aside .toc a[aria-current]").count() == 1


def test_the_way_back_up_covers_nothing_of_the_laptop_sidebar(new_page, live_server, seeded):
    """Beside a long lesson the sidebar (contents, then the progress bars) stays in view as
    the learner reads; the floating "back to top" button sits below its end, never over it,
    also on a short laptop screen and with the sidebar scrolled to its last line."""
    page = new_page(viewport={"width": 1280, "height": 720})
    sign_in(page.context, live_server.url, make_user("jiwoo"))
    page.goto(f"{live_server.url}/lessons/{LAB}/")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")
    back = page.get_by_role("link", name="↑ 맨 위로")
    expect(back).to_be_visible()
    aside = page.locator(".lesson-aside")
    aside.evaluate("el => { el.scrollTop = el.scrollHeight; }")
    expect(aside.locator(".bars")).to_be_in_viewport()

    side, button = aside.bounding_box(), back.bounding_box()
    beside = button["x"] >= side["x"] + side["width"] or side["x"] >= button["x"] + button["width"]
    below = button["y"] >= side["y"] + side["height"]
    assert beside or below, f"the button {button} covers the sidebar {side}"


def test_a_long_lesson_shows_progress_and_a_way_back_up_on_a_phone(new_page, live_server, seeded):
    page = new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/lessons/kubernetes-architecture/")
    back = page.get_by_role("link", name="↑ 맨 위로")
    expect(back).to_be_hidden()
    scale = (
        "() => new DOMMatrix("
        "getComputedStyle(document.querySelector('.reading-progress')).transform).a"
    )
    assert page.evaluate(scale) == 0
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")
    expect(back).to_be_visible()
    assert 0.2 < page.evaluate(scale) < 0.8
    back.click()
    main_top = "document.getElementById('main').getBoundingClientRect().top"
    for _ in range(20):  # the page's CSP rules out wait_for_function's evaluated string
        if page.evaluate(main_top) >= 0:
            break
        page.wait_for_timeout(100)
    assert 0 <= page.evaluate(main_top) <= 20, "back at the start of the page's content"
    assert page.evaluate("document.activeElement.id") == "main"
