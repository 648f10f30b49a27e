"""Editors' bulk import in the admin: upload, read the dry run, confirm."""

import io
import re
import zipfile
from html import unescape
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lessons.authoring.import_admin import SESSION_KEY
from lessons.models import Category, Lesson, Quiz
from tests.conftest import make_user
from tests.helpers import feed_server as local_server

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
feed_server = local_server.feed_server  # the fixture

DATA = Path(__file__).resolve().parents[2] / "data"
SEED_FOLDER = Path(__file__).resolve().parents[3] / "fixtures" / "lessons"
UPLOAD = reverse("admin:lessons_lesson_import")
CONFIRM = reverse("admin:lessons_lesson_import_confirm")


def feed_upload(path: Path = DATA / "blog-feed.xml") -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/rss+xml")


def zip_upload(files: dict[str, str], name: str = "lessons.zip") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, text in files.items():
            archive.writestr(member, text)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


def seed_files(prefix: str = "") -> dict[str, str]:
    return {
        f"{prefix}{path.name}": path.read_text(encoding="utf-8")
        for path in SEED_FOLDER.iterdir()
        if path.suffix in (".md", ".yaml")
    }


def preview(client: Client, upload, **fields):
    return client.post(UPLOAD, {"upload": upload, **fields})


def test_it_shows_the_upload_form_to_editors(editor_client):
    html = editor_client.get(UPLOAD).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'name="upload"' in html and 'name="category"' in html and 'name="publish"' in html
    assert 'name="url"' in html


def test_it_refuses_visitors_learners_and_staff_without_permission(client, alice_client):
    assert client.get(UPLOAD).status_code == 302
    assert alice_client.get(UPLOAD).status_code == 302
    staff = Client()
    staff.force_login(make_user("viewer", is_staff=True))
    assert staff.get(UPLOAD).status_code == 403
    assert staff.post(CONFIRM, {"digest": "x"}).status_code == 403


def test_it_shows_a_dry_run_of_a_feed_and_changes_nothing(editor_client, basic, cka):
    notices = Category.objects.create(name="공지", slug="notice", position=3)
    response = preview(editor_client, feed_upload(), category=notices.pk)
    html = response.content.decode()
    assert response.status_code == 200
    assert "4 to create, 0 to update, 0 unchanged, 3 skipped." in html
    assert "스케줄러와 노드 배치 [CKA]" in html
    assert "스터디 공지 [공지]" in html
    assert "<li>보안</li>" in html  # a new category
    assert "#6 (no title): no title" in html
    assert "#7 내용 없는 글: no content" in html
    assert Lesson.objects.count() == 0
    assert not Category.objects.filter(name="보안").exists()
    assert editor_client.session[SESSION_KEY]["kind"] == "feed"


def test_skip_reasons_speak_of_the_form_not_of_command_line_flags(editor_client, basic, cka):
    html = unescape(preview(editor_client, feed_upload()).content.decode())
    assert (
        "#5 스터디 공지: no category: name one with [Category] in the title or choose a "
        "category in the form" in html
    )
    assert "--category" not in html


def test_skip_reasons_are_in_korean_in_the_korean_admin(editor_client, basic, cka, settings):
    settings.LANGUAGE_CODE = "ko"
    html = unescape(preview(editor_client, feed_upload()).content.decode())
    assert (
        "#5 스터디 공지: 카테고리 없음: 제목에 [카테고리]를 붙이거나 양식에서 카테고리를 고르세요"
        in html
    )
    assert "#6 (제목 없음): 제목 없음" in html
    assert "#7 내용 없는 글: 내용 없음" in html
    assert "no category" not in html and "no content" not in html


def trail(html: str) -> list[tuple[str, bool]]:
    """The breadcrumbs as (text, is the current page)."""
    crumbs = re.search(r'<ol class="breadcrumbs">(.*?)</ol>', html, re.S).group(1)
    return [
        (unescape(re.sub(r"<[^>]+>", "", item)).strip(), "aria-current" in attrs)
        for attrs, item in re.findall(r"<li([^>]*)>(.*?)</li>", crumbs, re.S)
    ]


def test_the_import_pages_have_the_admins_breadcrumbs(editor_client, basic, cka):
    upload = editor_client.get(UPLOAD).content.decode()
    dry_run = preview(editor_client, feed_upload()).content.decode()
    for html in (upload, dry_run):
        assert '<div class="breadcrumbs">' not in html
    assert trail(upload)[-2:] == [("Lessons", False), ("Import", True)]
    assert trail(dry_run)[-3:] == [("Lessons", False), ("Import", False), ("Dry run", True)]
    assert f'<a href="{UPLOAD}">Import</a>' in dry_run


def test_it_imports_the_previewed_feed_on_confirmation(editor_client, basic, cka):
    html = preview(editor_client, feed_upload(), publish="on").content.decode()
    digest = editor_client.session[SESSION_KEY]["digest"]
    assert f'name="digest" value="{digest}"' in html
    response = editor_client.post(CONFIRM, {"digest": digest, "confirm": "Import"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:lessons_lesson_changelist")
    assert "3 created, 0 updated, 4 skipped." in response.content.decode()
    assert Lesson.objects.filter(status=Lesson.Status.PUBLISHED).count() == 3
    assert SESSION_KEY not in editor_client.session
    again = preview(editor_client, feed_upload()).content.decode()
    assert "0 to create, 0 to update, 3 unchanged, 4 skipped." in again


def test_it_imports_nothing_when_the_editor_cancels(editor_client, basic, cka):
    preview(editor_client, feed_upload())
    digest = editor_client.session[SESSION_KEY]["digest"]
    response = editor_client.post(CONFIRM, {"digest": digest, "cancel": "Cancel"})
    assert response.status_code == 302
    assert Lesson.objects.count() == 0
    assert SESSION_KEY not in editor_client.session


def test_it_imports_nothing_for_a_stale_preview(editor_client, basic, cka):
    preview(editor_client, feed_upload())
    response = editor_client.post(CONFIRM, {"digest": "not-the-previewed-one"}, follow=True)
    assert "Another upload replaced the one you previewed" in response.content.decode()
    assert Lesson.objects.count() == 0
    response = Client()
    response.force_login(make_user("other-editor", is_staff=True, is_superuser=True))
    assert (
        "There is no upload waiting"
        in response.post(CONFIRM, {"digest": "x"}, follow=True).content.decode()
    )


def test_it_previews_what_a_feed_reader_makes_of_a_malformed_feed(editor_client, cka):
    html = preview(editor_client, feed_upload(DATA / "malformed-feed.xml")).content.decode()
    assert "1 to create, 0 to update, 0 unchanged, 1 skipped." in html
    assert "#2 닫히지 않은 태그: no content" in html
    assert Lesson.objects.count() == 0


def test_it_says_why_a_file_that_is_not_a_feed_cannot_be_imported(editor_client):
    upload = SimpleUploadedFile("page.xml", b"<html><body>a web page</body></html>")
    html = preview(editor_client, upload).content.decode()
    assert "Nothing can be imported from this file" in html
    assert "page.xml: it is not an RSS or Atom feed" in html
    assert Lesson.objects.count() == 0
    assert SESSION_KEY not in editor_client.session


def test_it_previews_and_imports_a_zip_of_markdown_lessons_with_quizzes(editor_client):
    seed_lessons = len(list(SEED_FOLDER.glob("*.md")))
    html = preview(editor_client, zip_upload(seed_files("lessons/"))).content.decode()
    assert f"{seed_lessons} to create, 0 to update, 0 unchanged, 0 skipped." in html
    assert "kubernetes-network" in html
    assert Lesson.objects.count() == 0 and Category.objects.count() == 0
    digest = editor_client.session[SESSION_KEY]["digest"]
    editor_client.post(CONFIRM, {"digest": digest})
    assert Lesson.objects.count() == seed_lessons
    assert Quiz.objects.filter(lesson__slug="kubernetes-network").exists()


def test_it_lists_the_problems_of_a_zip_and_imports_nothing(editor_client):
    files = seed_files() | {"broken.md": "---\ntitle: 깨진 글\ncategory: basic\n---\n"}
    html = preview(editor_client, zip_upload(files)).content.decode()
    assert "broken.md, body: is empty" in html
    assert Lesson.objects.count() == 0


def test_it_reads_zip_members_by_their_base_name_only(editor_client, basic, tmp_path):
    lesson = "---\ntitle: 바깥\nslug: outside\ncategory: basic\n---\n\n## 본문\n\n내용.\n"
    upload = zip_upload(
        {"../../../../tmp/evil.md": lesson, "/etc/also.md": lesson.replace("outside", "also")}
    )
    html = preview(editor_client, upload).content.decode()
    assert "2 to create" in html
    assert "outside" in html and "also" in html


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("x.zip", b"PK\x03\x04 not really"), "not a valid zip archive"),
        (zip_upload({"readme.txt": "hello"}), "no .md lesson files"),
        (SimpleUploadedFile("x.xml", b"just text"), "syntax error"),
    ],
)
def test_it_refuses_files_it_cannot_read(editor_client, upload, message):
    html = preview(editor_client, upload).content.decode()
    assert message in html
    assert Lesson.objects.count() == 0


def test_it_previews_and_imports_a_feed_from_its_address(editor_client, feed_server, basic, cka):
    url = feed_server.serve("/feed.xml", (DATA / "blog-feed.xml").read_bytes())
    notices = Category.objects.create(name="공지", slug="notice", position=3)
    html = editor_client.post(UPLOAD, {"url": url, "category": notices.pk}).content.decode()
    assert "4 to create, 0 to update, 0 unchanged, 3 skipped." in html
    assert Lesson.objects.count() == 0
    digest = editor_client.session[SESSION_KEY]["digest"]
    editor_client.post(CONFIRM, {"digest": digest})
    assert Lesson.objects.count() == 4
    assert len(feed_server.requests) == 1  # confirming imports what was previewed


@pytest.mark.parametrize("give", ["both", "neither"])
def test_it_asks_for_a_file_or_an_address(editor_client, give):
    fields = (
        {"upload": feed_upload(), "url": "https://blog.example.com/rss"} if give == "both" else {}
    )
    html = editor_client.post(UPLOAD, fields).content.decode()
    assert "Choose a file or give a feed&#x27;s address, not both." in html
    assert SESSION_KEY not in editor_client.session


def test_it_refuses_to_fetch_from_the_internal_network(editor_client, feed_server, settings):
    settings.FEED_ALLOW_PRIVATE_ADDRESSES = False
    url = feed_server.serve("/feed.xml", (DATA / "blog-feed.xml").read_bytes())
    html = editor_client.post(UPLOAD, {"url": url}).content.decode()
    assert "Nothing can be imported" in html
    assert "fetching from the internal network is refused" in html
    assert feed_server.requests == []
    assert SESSION_KEY not in editor_client.session


def test_it_says_why_an_address_could_not_be_fetched(editor_client, feed_server):
    html = editor_client.post(UPLOAD, {"url": feed_server.url("/gone.xml")}).content.decode()
    assert "the server answered 404" in html


@pytest.mark.parametrize("encoding", ["UTF-7", "x-bogus"])
def test_it_says_a_feed_s_declared_encoding_cannot_be_read(editor_client, encoding):
    feed = f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel/></rss>'
    response = preview(editor_client, SimpleUploadedFile("feed.xml", feed.encode()))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing can be imported from this file" in html
    assert "feed.xml: it declares the" in html and f"encoding &quot;{encoding}&quot;" in html
    assert SESSION_KEY not in editor_client.session


def test_it_says_what_format_and_encoding_the_feed_was_read_as(editor_client, feed_server):
    feed = '<?xml version="1.0" encoding="EUC-KR"?><rss version="2.0"><channel/></rss>'
    url = feed_server.serve("/feed.xml", feed.encode("euc-kr"))
    html = editor_client.post(UPLOAD, {"url": url}).content.decode()
    assert "Read as RSS 2.0, euc-kr." in html


def test_it_refuses_a_zip_whose_lessons_add_up_to_too_much(editor_client):
    # Each member is under the 1 MB cap and compresses to almost nothing.
    padding = "# " + "x" * (1000 * 1000) + "\n"
    files = {f"lesson-{n}.md": padding for n in range(11)}
    html = preview(editor_client, zip_upload(files)).content.decode()
    assert "add up to more than 10 MB uncompressed" in html
    assert Lesson.objects.count() == 0


def test_it_refuses_twenty_lessons_with_huge_summaries_at_once(editor_client, basic):
    summary = "요약 " * 70_000  # half a megabyte each: the twenty fit the zip's total
    files = {
        f"lesson-{n}.md": f"---\ntitle: 글 {n}\nslug: l-{n}\ncategory: basic\n"
        f"summary: {summary}\n---\n\n## 본문\n\n내용.\n"
        for n in range(20)
    }
    html = unescape(preview(editor_client, zip_upload(files)).content.decode())
    assert "lesson-0.md: front matter is longer than 100000 characters" in html
    assert Lesson.objects.count() == 0
