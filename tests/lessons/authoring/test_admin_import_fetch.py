"""Importing from a feed's address in the admin: the task worker fetches it, never the
editor's request, which answers at once with a page that waits for the fetch and then
shows the same dry run as an upload."""

import os
import time
import uuid
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from lessons.authoring import import_admin
from lessons.authoring.feeds import tasks
from lessons.models import Category, Lesson
from tests.conftest import make_user
from tests.helpers import feed_server as local_server
from tests.helpers.mail_fixtures import free_port, start_worker
from tests.lessons.authoring.test_admin_import import trail

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "database_tasks")]
feed_server = local_server.feed_server  # the fixture

DATA = Path(__file__).resolve().parents[2] / "data"
UPLOAD = reverse("admin:lessons_lesson_import")
CONFIRM = reverse("admin:lessons_lesson_import_confirm")
HTMX = {"HTTP_HX_REQUEST": "true"}


def fetch_page(task_id) -> str:
    return reverse("admin:lessons_lesson_import_fetch", args=[str(task_id)])


@pytest.fixture
def no_fetch_in_requests(monkeypatch):
    """Only the task worker may fetch: a fetch inside a request fails the test."""

    def fetch_feed(*args, **kwargs):
        raise AssertionError("a request fetched the feed")

    monkeypatch.setattr(tasks, "fetch_feed", fetch_feed)
    return monkeypatch


def run_queued_fetches() -> None:
    """What the worker does with each queued task, in this process (the real worker's
    tests below run `manage.py db_worker`, on PostgreSQL)."""
    for row in DBTaskResult.objects.ready():
        row.claim("test-worker")
        row.set_successful(row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"]))


def submit(client: Client, url: str, **fields):
    return client.post(UPLOAD, {"url": url, **fields})


def test_it_answers_at_once_and_leaves_the_fetch_to_the_worker(
    editor_client, feed_server, no_fetch_in_requests, django_assert_max_num_queries
):
    url = feed_server.serve("/slow.xml", trickle="body", trickle_for=6)
    started = time.monotonic()
    response = submit(editor_client, url)
    assert time.monotonic() - started < 5  # the blog would take 6 s
    task = DBTaskResult.objects.get()
    assert response.status_code == 303
    assert response["Location"] == fetch_page(task.pk)
    assert task.args_kwargs["args"][0] == url
    assert feed_server.requests == []  # nothing was fetched by the request

    with django_assert_max_num_queries(8):
        html = editor_client.get(fetch_page(task.pk)).content.decode()
    assert f"The fetch of {url} is queued" in html
    assert f'hx-get="{fetch_page(task.pk)}"' in html and 'hx-trigger="every 1s"' in html
    assert '<meta http-equiv="refresh" content="2">' in html  # without scripts
    assert trail(html)[-2:] == [("Import", False), ("Fetching", True)]
    with django_assert_max_num_queries(8):
        fragment = editor_client.get(fetch_page(task.pk), **HTMX).content.decode()
    assert fragment.startswith('<div class="import-fetching"')
    assert "<html" not in fragment
    assert feed_server.requests == [] and Lesson.objects.count() == 0


def test_it_shows_the_dry_run_once_fetched_and_imports_what_was_previewed(
    editor_client, feed_server, basic, cka, django_assert_max_num_queries
):
    url = feed_server.serve("/feed.xml", (DATA / "blog-feed.xml").read_bytes())
    notices = Category.objects.create(name="공지", slug="notice", position=3)
    page = submit(editor_client, url, category=notices.pk, publish="on")["Location"]
    run_queued_fetches()

    # htmx's next poll reloads the page, which shows the dry run.
    assert editor_client.get(page, **HTMX)["HX-Refresh"] == "true"
    with django_assert_max_num_queries(20):
        html = editor_client.get(page).content.decode()
    assert f"Dry run of {url}: nothing has changed yet" in html
    assert "4 to create, 0 to update, 0 unchanged, 3 skipped." in html
    assert "스터디 공지 [공지]" in html
    assert Lesson.objects.count() == 0

    digest = editor_client.session[import_admin.SESSION_KEY]["digest"]
    response = editor_client.post(CONFIRM, {"digest": digest}, follow=True)
    assert "4 created, 0 updated, 3 skipped." in response.content.decode()
    assert Lesson.objects.filter(status=Lesson.Status.PUBLISHED).count() == 4
    assert len(feed_server.requests) == 1  # confirming did not fetch again
    assert import_admin.FETCH_KEY not in editor_client.session


@pytest.mark.parametrize(
    "serve, message",
    [
        ({"path": "/gone.xml"}, "the server answered 404"),
        ({"path": "/big.xml", "body": b"<rss>" + b" " * (11 * 1024 * 1024)},
         "the feed is larger than 10 MB"),
        ({"path": "/slow.xml", "trickle": "headers", "trickle_for": 4},
         "the feed took longer than 2 s to arrive"),
    ],
)  # fmt: skip
def test_it_says_why_the_worker_could_not_fetch_the_feed(
    editor_client, feed_server, settings, serve, message
):
    settings.FEED_FETCH_DEADLINE = 2
    path = serve.pop("path")
    url = feed_server.serve(path, **serve) if serve else feed_server.url(path)
    page = submit(editor_client, url)["Location"]
    run_queued_fetches()
    html = editor_client.get(page).content.decode()
    assert "Nothing can be imported from this file" in html
    assert f"{url}: {message}" in html
    assert f'value="{url}"' in html  # the form keeps the address, to try again
    assert import_admin.SESSION_KEY not in editor_client.session
    assert Lesson.objects.count() == 0


def test_the_ssrf_guard_holds_in_the_worker(editor_client, feed_server, settings):
    settings.FEED_ALLOW_PRIVATE_ADDRESSES = False
    url = feed_server.serve("/feed.xml", (DATA / "blog-feed.xml").read_bytes())
    page = submit(editor_client, url)["Location"]
    run_queued_fetches()
    html = editor_client.get(page).content.decode()
    assert "fetching from the internal network is refused" in html
    assert feed_server.requests == []


def test_a_double_submit_waits_for_the_one_fetch(editor_client, feed_server, no_fetch_in_requests):
    url = feed_server.serve("/feed.xml", (DATA / "blog-feed.xml").read_bytes())
    first = submit(editor_client, url)["Location"]
    again = submit(editor_client, url)["Location"]
    assert first == again
    assert DBTaskResult.objects.count() == 1
    # Another address (or another category) is another fetch.
    other = submit(editor_client, feed_server.url("/other.xml"))["Location"]
    assert other != first and DBTaskResult.objects.count() == 2


def test_a_fetch_that_is_not_the_editor_s_gives_a_clear_message(
    editor_client, feed_server, no_fetch_in_requests
):
    url = feed_server.serve("/feed.xml", (DATA / "blog-feed.xml").read_bytes())
    other_editor = Client()
    other_editor.force_login(make_user("other-editor", is_staff=True, is_superuser=True))
    foreign = submit(other_editor, url)["Location"]
    mine = submit(editor_client, feed_server.url("/mine.xml"))["Location"]
    for page in (foreign, fetch_page(uuid.uuid4()), fetch_page("not-a-task"), fetch_page(0)):
        response = editor_client.get(page, follow=True)
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == UPLOAD
        assert "That fetch is not waiting for you" in response.content.decode()
    # A fetch that has gone from the queue (its record pruned) is no longer waiting.
    DBTaskResult.objects.all().delete()
    response = editor_client.get(mine, follow=True)
    assert "That fetch is not waiting for you" in response.content.decode()
    assert import_admin.FETCH_KEY not in editor_client.session


def test_a_fetch_whose_worker_failed_says_so(editor_client, feed_server, no_fetch_in_requests):
    page = submit(editor_client, feed_server.url("/feed.xml"))["Location"]
    DBTaskResult.objects.get().set_failed(RuntimeError("worker lost"))
    html = editor_client.get(page).content.decode()
    assert "the fetch stopped before it ended; try again." in html


def test_staff_without_the_import_permission_get_403(client, feed_server, editor_client):
    page = submit(editor_client, feed_server.url("/feed.xml"))["Location"]
    staff = Client()
    staff.force_login(make_user("viewer", is_staff=True))
    assert staff.post(UPLOAD, {"url": feed_server.url("/feed.xml")}).status_code == 403
    assert staff.get(page).status_code == 403
    assert client.get(page).status_code == 302  # to the sign-in page
    assert DBTaskResult.objects.count() == 1


needs_postgres = pytest.mark.skipif(
    "sqlite" in os.environ.get("DATABASE_URL", ""),
    reason="the worker's process cannot see SQLite's in-memory test database",
)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_real_worker_fetches_the_feed_for_the_dry_run(editor_client, feed_server):
    Category.objects.create(name="Basic", slug="basic", position=1)
    Category.objects.create(name="CKA", slug="cka", position=2)
    url = feed_server.serve("/feed.xml", (DATA / "blog-feed.xml").read_bytes())
    page = submit(editor_client, url)["Location"]
    assert "is queued" in editor_client.get(page).content.decode()

    worker = start_worker(free_port(), "--batch", FEED_ALLOW_PRIVATE_ADDRESSES="True")
    _, errors = worker.communicate(timeout=60)
    assert worker.returncode == 0, errors

    html = editor_client.get(page).content.decode()
    assert "3 to create, 0 to update, 0 unchanged, 4 skipped." in html
    digest = editor_client.session[import_admin.SESSION_KEY]["digest"]
    editor_client.post(CONFIRM, {"digest": digest})
    assert Lesson.objects.count() == 3
    assert len(feed_server.requests) == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_real_worker_gives_up_on_a_trickling_blog_in_the_editor_s_language(
    editor_client, feed_server
):
    """The blog sends a header byte every 0.2 s: the request answered at once; the worker
    (whose own language is Korean) stops at the deadline and says so in English."""
    url = feed_server.serve("/slow.xml", trickle="headers", trickle_for=6)
    started = time.monotonic()
    page = submit(editor_client, url)["Location"]
    assert time.monotonic() - started < 5

    worker = start_worker(
        free_port(), "--batch", FEED_ALLOW_PRIVATE_ADDRESSES="True", FEED_FETCH_DEADLINE="2"
    )
    _, errors = worker.communicate(timeout=60)
    assert worker.returncode == 0, errors

    html = editor_client.get(page).content.decode()
    assert f"{url}: the feed took longer than 2 s to arrive" in html
