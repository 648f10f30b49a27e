"""An editor in a real browser writes a lesson in the admin: the source beside the
learner's rendering of it, the preview following the caret, an image dropped into the text,
and the lesson page shows exactly what the preview showed."""

import base64
import io

import pytest
from PIL import Image

from lessons.models import Category, Lesson
from portal.models import User
from tests.browser.conftest import sign_in

FRAME = "iframe.markdown-preview-frame"
SECTIONS = "\n\n".join(f"## 절 {n}\n\n" + "본문 문장이 이어진다. " * 40 for n in range(1, 9))
BODY = f"## 표\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n{SECTIONS}\n\n## 마지막 절\n\n끝.\n"
DROP = """([source, data]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], "노드 구조.png", { type: "image/png" }));
  for (const type of ["dragenter", "dragover", "drop"]) {
    const init = { dataTransfer: transfer, bubbles: true, cancelable: true };
    source.dispatchEvent(new DragEvent(type, init));
  }
}"""

SERVER_HTML = """body => {
  const copy = body.cloneNode(true);
  for (const heading of copy.querySelectorAll("[data-section-index]")) {
    heading.removeAttribute("data-section-index");
  }
  for (const button of copy.querySelectorAll(".copy-code")) button.remove();
  for (const cue of copy.querySelectorAll(".scroll-cue")) cue.replaceWith(...cue.childNodes);
  return copy.innerHTML;
}"""


def png_base64() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def open_editor(new_page, live_server, viewport: dict, **lesson_fields):
    """A superuser's browser on the editor of a one-line lesson "노드" in "클러스터"."""
    editor = User.objects.create_superuser("editor", "editor@example.com", "x-password-123")
    category = Category.objects.create(name="클러스터", slug="cluster")
    lesson = Lesson.objects.create(
        category=category, title="노드", slug="nodes", body="본문.\n", **lesson_fields
    )
    page = new_page(viewport=viewport)
    sign_in(page.context, live_server.url, editor)
    page.goto(f"{live_server.url}/admin/lessons/lesson/{lesson.pk}/change/")
    return page, lesson


def test_an_editor_writes_beside_the_preview_and_drops_in_an_image(new_page, live_server):
    editor = User.objects.create_superuser("editor", "editor@example.com", "x-password-123")
    category = Category.objects.create(name="클러스터", slug="cluster")
    lesson = Lesson.objects.create(
        category=category, title="노드", slug="nodes", body="## 처음\n\n처음 본문.\n",
        status=Lesson.Status.PUBLISHED,
    )  # fmt: skip
    page = new_page(viewport={"width": 1280, "height": 900})
    sign_in(page.context, live_server.url, editor)
    page.goto(f"{live_server.url}/admin/lessons/lesson/{lesson.pk}/change/")
    preview = page.frame_locator(FRAME)
    preview.locator("h2#처음").wait_for()
    # The date widget's time zone note (a browser elsewhere than Seoul) speaks Korean too.
    if page.locator(".timezonewarning").count():
        assert page.locator(".timezonewarning").first.inner_text().startswith("참고:")

    # Side by side, each at nearly the window's height.
    source_box = page.locator("textarea[name=body]").bounding_box()
    frame_box = page.locator(FRAME).bounding_box()
    assert frame_box["x"] >= source_box["x"] + source_box["width"]
    assert abs(frame_box["y"] - source_box["y"]) < 2
    assert min(source_box["height"], frame_box["height"]) > 700

    # The preview follows typing, in the learner's styles: no admin upper-casing.
    page.fill("textarea[name=body]", BODY)
    preview.locator("h2#마지막-절").wait_for()
    header = preview.locator("th").first
    assert header.inner_text() == "a"
    assert header.evaluate("th => getComputedStyle(th).textTransform") == "none"

    # It scrolls to the part being edited.
    source = page.locator("textarea[name=body]")
    source.press("Control+End")
    page.wait_for_function(f"() => document.querySelector('{FRAME}').contentWindow.scrollY > 2000")
    source.press("Control+Home")
    page.wait_for_function(f"() => document.querySelector('{FRAME}').contentWindow.scrollY === 0")

    # Ctrl+B makes the selection bold.
    source.evaluate("s => s.setSelectionRange(s.value.indexOf('끝'), s.value.indexOf('끝') + 1)")
    source.press("Control+b")
    assert "**끝**." in source.input_value()
    preview.locator("strong", has_text="끝").wait_for()

    # An image dropped onto the source is uploaded, the editor asked to describe it (not
    # its file name), and its Markdown written at the caret.
    asked = []

    def describe(dialog):
        asked.append((dialog.type, dialog.default_value))
        dialog.accept("노드 구조")

    page.once("dialog", describe)
    source.evaluate("s => s.setSelectionRange(s.value.length, s.value.length)")
    page.evaluate(DROP, [source.element_handle(), png_base64()])
    page.wait_for_function(
        "() => document.querySelector('textarea[name=body]').value.includes('lesson-images/')"
    )
    assert "![노드 구조](/media/lesson-images/" in source.input_value()
    assert asked == [("prompt", "")]
    image = preview.locator("img[alt='노드 구조']")
    image.wait_for()
    page.wait_for_function(
        "frame => frame.contentDocument.querySelector('img')?.naturalWidth === 40",
        arg=page.locator(FRAME).element_handle(),
    )
    shown = preview.locator(".lesson-body").inner_html()

    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/lessons/lesson/")
    page.goto(f"{live_server.url}/lessons/nodes/")
    body = page.locator("article .lesson-body")
    # The same markup, less what the lesson page's script adds to follow the reader.
    assert body.evaluate(SERVER_HTML) == shown
    assert body.locator("img").evaluate("img => img.naturalWidth") == 40
    assert body.locator("th").first.evaluate("th => getComputedStyle(th).textTransform") == "none"


@pytest.mark.allow_console_errors("status of 400")
def test_on_a_phone_the_preview_sits_below_and_a_refused_image_says_why(new_page, live_server):
    page, _ = open_editor(new_page, live_server, {"width": 390, "height": 844})
    page.frame_locator(FRAME).locator(".lesson-body p").wait_for()

    source_box = page.locator("textarea[name=body]").bounding_box()
    frame_box = page.locator(FRAME).bounding_box()
    assert frame_box["y"] >= source_box["y"] + source_box["height"]
    assert source_box["x"] + source_box["width"] <= 390
    assert frame_box["x"] + frame_box["width"] <= 390

    # A text file named like a picture is refused with the reason, and the text is untouched.
    page.locator("[data-image-input]").set_input_files(
        files=[{"name": "사진.png", "mimeType": "image/png", "buffer": b"just text"}]
    )
    alert = page.locator(".markdown-editor-status [role=alert]")
    alert.wait_for()
    assert alert.inner_text() == "이 파일은 PNG, JPEG, GIF, WebP 이미지가 아닙니다."
    assert page.locator("textarea[name=body]").input_value() == "본문.\n"


def test_an_image_left_undescribed_is_flagged_when_it_is_added_and_when_saved(
    new_page, live_server
):
    page, _ = open_editor(new_page, live_server, {"width": 1280, "height": 900})
    page.frame_locator(FRAME).locator(".lesson-body p").wait_for()

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator("[data-image-input]").set_input_files(
        files=[
            {
                "name": "IMG_0412.png",
                "mimeType": "image/png",
                "buffer": base64.b64decode(png_base64()),
            }
        ]
    )
    page.wait_for_function(
        "() => document.querySelector('textarea[name=body]').value.includes('lesson-images/')"
    )
    assert "![](/media/lesson-images/" in page.locator("textarea[name=body]").input_value()
    assert "IMG_0412" not in page.locator("textarea[name=body]").input_value()
    status = page.locator(".markdown-editor-status [role=alert]")
    assert "설명 없이" in status.inner_text()

    page.click("input[name=_continue]")
    warning = page.locator(".messagelist .warning")
    assert "이미지 1개에 설명(대체 텍스트)이 없습니다" in warning.inner_text()


@pytest.mark.parametrize(("width", "screens"), [(1280, 1), (390, 2)])
def test_the_body_comes_first_and_a_problem_in_the_details_is_one_link_away(
    new_page, live_server, width, screens
):
    page, lesson = open_editor(
        new_page, live_server, {"width": width, "height": 800},
        summary="요약.", status=Lesson.Status.PUBLISHED, position=3,
    )  # fmt: skip

    # The body starts within the first screen (two on a phone): the details fold below it.
    assert page.locator("textarea[name=body]").bounding_box()["y"] < 800 * screens
    details = page.locator("details:has(input[name=slug])")
    assert details.locator("summary").inner_text() == "자세한 내용: 클러스터 · 게시됨 · 순서 3"
    assert not page.locator("input[name=slug]").is_visible()
    details.locator("summary").click()
    page.fill("input[name=slug]", "노드 목록")  # a space: not a valid address
    page.click("input[name=_continue]")

    summary = page.locator(".error-summary")
    summary.wait_for()
    page.wait_for_function("document.activeElement.classList.contains('error-summary')")
    link = summary.locator("a")
    assert link.inner_text().startswith("슬러그: ")
    link.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == "slug"
    assert page.locator("input[name=slug]").is_visible()
    assert Lesson.objects.get(pk=lesson.pk).slug == "nodes"
