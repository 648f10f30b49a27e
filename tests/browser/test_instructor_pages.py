"""The instructor's pages in a real browser, on the demo group: they fit every width (the
matrix and wide tables scroll inside themselves, the learner column stays put), lesson
headers and chart labels are whole, question tables stay readable on phones, and the
invite link has a copy button that works from the keyboard."""

import pytest
from playwright.sync_api import expect

from lessons.models import Lesson
from portal.management.commands.seed_demo import GROUP_NAME, PASSWORD
from portal.models import Membership, StudyGroup, User

WIDTHS = (360, 390, 768, 1280)


@pytest.fixture
def demo(demo):
    return StudyGroup.objects.get(name=GROUP_NAME)


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click(".form-page form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def page_width_without_header(page) -> int:
    """The page's width with the site header taken out: the header is measured by the
    learner pages' tests; these are about the instructor's content."""
    return page.evaluate(
        "() => { document.querySelector('.site-header')?.remove();"
        " return document.documentElement.scrollWidth; }"
    )


def instructor_paths(group: StudyGroup) -> list[str]:
    learner = Membership.objects.filter(group=group, role="learner").order_by("id").first()
    lesson = Lesson.objects.published().order_by("id").first()
    return [
        "/groups/",
        f"/groups/{group.pk}/",
        f"/groups/{group.pk}/dashboard/",
        f"/groups/{group.pk}/dashboard/?chart=day",
        f"/groups/{group.pk}/dashboard/learners/{learner.user_id}/",
        f"/groups/{group.pk}/dashboard/lessons/{lesson.pk}/",
        f"/groups/{group.pk}/manage/",
        f"/groups/{group.pk}/manage/members/{learner.user_id}/remove/",
        "/groups/new/",
    ]


def test_every_instructor_page_fits_every_width(page, live_server, demo):
    log_in(page, live_server, "teacher")
    too_wide = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for path in instructor_paths(demo):
            page.goto(live_server.url + path)
            if page_width_without_header(page) > width:
                too_wide.append((width, path))
    assert too_wide == []


def test_the_matrix_scrolls_in_its_box_with_the_learner_column_in_place(page, live_server, demo):
    log_in(page, live_server, "teacher")
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server.url}/groups/{demo.pk}/dashboard/")
    box = page.locator(".matrix-scroll")
    assert box.evaluate("box => box.scrollWidth > box.clientWidth")
    box.evaluate("box => { box.scrollLeft = 300; }")
    learner = page.locator("tbody th.learner-col").first
    assert learner.bounding_box()["x"] == pytest.approx(box.bounding_box()["x"] + 1, abs=2)


@pytest.mark.parametrize("width", [390, 1280])
def test_lesson_headers_show_the_whole_title(page, live_server, demo, width):
    log_in(page, live_server, "teacher")
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}/groups/{demo.pk}/dashboard/")
    headers = page.locator("th.lesson-col").evaluate_all(
        """cells => cells.map(cell => ({
            text: cell.innerText.trim(),
            cut: cell.scrollHeight > cell.clientHeight + 1
                || cell.scrollWidth > cell.clientWidth + 1,
            across: getComputedStyle(cell).writingMode === "horizontal-tb",
        }))"""
    )
    titles = list(Lesson.objects.published().in_learning_order().values_list("title", flat=True))
    assert [header["text"].replace("\n", " ") for header in headers] == titles
    assert not any(header["cut"] for header in headers)
    assert all(header["across"] for header in headers)


CHART_TEXT_OUTSIDE = """svg => {
    const width = svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll("text")]
        .map(text => [text.textContent, text.getBBox()])
        .filter(([, box]) => box.x < 0 || box.x + box.width > width)
        .map(([label]) => label);
}"""


def test_chart_labels_stay_inside_the_chart(page, live_server, demo):
    log_in(page, live_server, "minjun")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server.url}/progress/")
        assert page.locator("svg.column-chart").evaluate(CHART_TEXT_OUTSIDE) == []
    log_in(page, live_server, "teacher")
    for query in ("", "?chart=day"):
        page.goto(f"{live_server.url}/groups/{demo.pk}/dashboard/{query}")
        chart = page.locator("svg.column-chart")
        assert chart.evaluate(CHART_TEXT_OUTSIDE) == []
        assert chart.locator("text.tick-label").count() >= 2  # a y axis with its numbers


def test_question_tables_stay_readable_on_a_phone(page, live_server, demo):
    log_in(page, live_server, "teacher")
    page.set_viewport_size({"width": 360, "height": 800})
    lesson = Lesson.objects.filter(quiz__isnull=False).order_by("id").first()
    for path in (
        f"/groups/{demo.pk}/dashboard/",
        f"/groups/{demo.pk}/dashboard/lessons/{lesson.pk}/",
    ):
        page.goto(live_server.url + path)
        prompts = page.locator("td.prompt")
        assert prompts.count()
        assert min(box["width"] for box in _boxes(prompts)) >= 200
    page.goto(f"{live_server.url}/groups/{demo.pk}/dashboard/")
    lessons = page.locator("td.prompt + td")  # the hardest questions' lesson column
    assert min(box["width"] for box in _boxes(lessons)) >= 110


def _boxes(locator) -> list[dict]:
    return [locator.nth(n).bounding_box() for n in range(locator.count())]


def test_it_copies_the_invite_link_from_the_keyboard(page, live_server, demo):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    log_in(page, live_server, "teacher")
    page.goto(f"{live_server.url}/groups/{demo.pk}/manage/")
    link = page.input_value("#invite-url")
    page.focus("#invite-url")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.copyTarget") == "invite-url"
    page.keyboard.press("Enter")
    expect(page.locator("#invite-copy-status")).to_have_text("초대 링크를 복사했습니다.")
    assert page.evaluate("navigator.clipboard.readText()") == link

    # A new link (swapped in by htmx) has a working button too.
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#invite form button[type=submit]")
    expect(page.locator("#invite-url")).not_to_have_value(link)
    page.click("button[data-copy-target]")
    expect(page.locator("#invite-copy-status")).to_have_text("초대 링크를 복사했습니다.")
    assert page.evaluate("navigator.clipboard.readText()") == page.input_value("#invite-url")


def test_without_javascript_the_link_is_selectable_and_no_button_shows(
    page_without_js, live_server, demo
):
    page = page_without_js
    log_in(page, live_server, "teacher")
    page.goto(f"{live_server.url}/groups/{demo.pk}/manage/")
    assert page.get_attribute("#invite-url", "readonly") is not None
    assert page.locator("button[data-copy-target]").is_hidden()


def test_it_asks_before_removing_a_member_and_says_what_happens(page, live_server, demo):
    log_in(page, live_server, "teacher")
    page.goto(f"{live_server.url}/groups/{demo.pk}/manage/")
    sua = User.objects.get(username="sua")
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    page.click(f"form[action$='/members/{sua.pk}/remove/'] button")
    page.wait_for_selector("#members .message")
    assert "최수아 님을 그룹에서 제외할까요?" in questions[0]
    assert "초대 링크로 다시 참여할 수 있습니다" in questions[0]
    assert "최수아" not in page.inner_text("#members")
    assert not Membership.objects.filter(group=demo, user=sua).exists()
