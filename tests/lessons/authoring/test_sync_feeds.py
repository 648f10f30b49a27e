"""`manage.py sync_feeds` and the feed sources in the admin: blogs kept in step."""

import os
import threading
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from lessons.models import Category, Completion, FeedSource, Lesson, Quiz
from tests.helpers import feed_server as local_server
from tests.helpers.mail_fixtures import free_port, start_worker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
feed_server = local_server.feed_server  # the fixture


def feed(*posts: tuple[int, str, str]) -> str:
    items = "".join(
        f"<item><title>{title}</title><link>https://blog.example.com/{n}</link>"
        f"<description>{body}</description></item>"
        for n, title, body in posts
    )
    return f'<rss version="2.0"><channel><title>블로그</title>{items}</channel></rss>'


POSTS = [(1, "파드", "파드는 가장 작은 단위다."), (2, "서비스", "서비스는 파드를 묶는다.")]


def sync(*urls: str) -> str:
    out = StringIO()
    call_command("sync_feeds", *urls, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def source(feed_server, basic) -> FeedSource:
    feed_server.serve("/feed.xml", feed(*POSTS), etag='"v1"')
    return FeedSource.objects.create(url=feed_server.url("/feed.xml"), category=basic)


def test_it_imports_then_asks_conditionally_then_updates_a_changed_post(
    feed_server, source, basic, cka, alice
):
    # First run: every post becomes a draft lesson in the source's category.
    assert "imported, 2 created, 0 updated, 0 skipped" in sync()
    source.refresh_from_db()
    assert (source.last_outcome, source.etag, source.last_error) == ("imported", '"v1"', "")
    pod = Lesson.objects.get(source_url="https://blog.example.com/1")
    assert (pod.category, pod.status) == (basic, Lesson.Status.DRAFT)

    # Second run: the server answers 304 to If-None-Match; nothing changes.
    assert "not_modified, 0 created" in sync()
    assert feed_server.requests[-1].headers["If-None-Match"] == '"v1"'
    source.refresh_from_db()
    assert source.last_outcome == FeedSource.Outcome.NOT_MODIFIED

    # The editor's decisions and a learner's progress on the lesson.
    pod.category, pod.position, pod.status, pod.slug = cka, 9, Lesson.Status.PUBLISHED, "pods"
    pod.save()
    Completion.objects.create(user=alice, lesson=pod)
    quiz = Quiz.objects.create(lesson=pod, pass_mark=80)

    # Third run: the post changed (and one post left the feed).
    feed_server.serve("/feed.xml", feed((1, "파드 (개정)", "파드는 하나 이상의 컨테이너다.")),
                      etag='"v2"')  # fmt: skip
    assert "imported, 0 created, 1 updated, 0 skipped" in sync()
    pod.refresh_from_db()
    assert (pod.title, pod.body) == ("파드 (개정)", "파드는 하나 이상의 컨테이너다.\n")
    assert (pod.category, pod.position, pod.status, pod.slug) == (
        cka, 9, Lesson.Status.PUBLISHED, "pods"
    )  # fmt: skip
    assert Completion.objects.filter(user=alice, lesson=pod).exists()
    assert Quiz.objects.get(lesson=pod).pk == quiz.pk
    assert Lesson.objects.filter(source_url="https://blog.example.com/2").exists()  # kept
    assert Lesson.objects.count() == 2


def test_it_sends_if_modified_since_when_the_server_gave_last_modified(feed_server, basic):
    stamp = "Tue, 05 Sep 2023 12:10:00 GMT"
    url = feed_server.serve(
        "/lm.xml", feed(*POSTS), headers={"Content-Type": "application/rss+xml",
                                          "Last-Modified": stamp}
    )  # fmt: skip
    FeedSource.objects.create(url=url, category=basic)
    sync()
    sync()
    assert feed_server.requests[-1].headers["If-Modified-Since"] == stamp


def test_it_publishes_new_posts_when_the_source_says_so(source):
    source.publish_new = True
    source.save()
    sync()
    assert set(Lesson.objects.values_list("status", flat=True)) == {Lesson.Status.PUBLISHED}


def test_it_records_a_failure_and_goes_on_with_the_other_sources(feed_server, source, basic):
    broken = FeedSource.objects.create(url=feed_server.url("/gone.xml"), category=basic)
    with pytest.raises(CommandError, match="1 of 2 feed sources failed"):
        sync()
    broken.refresh_from_db()
    assert (broken.last_outcome, broken.last_error) == ("failed", "the server answered 404")
    assert Lesson.objects.count() == 2  # the good source was synced


def test_it_records_a_document_that_is_not_a_feed_as_a_failure(feed_server, source):
    feed_server.serve("/feed.xml", "<html><body>moved</body></html>", etag='"v9"')
    with pytest.raises(CommandError):
        sync()
    source.refresh_from_db()
    assert source.last_outcome == FeedSource.Outcome.FAILED
    assert source.last_error == "it is not an RSS or Atom feed"
    assert source.etag == ""  # the next run fetches it whole again
    assert Lesson.objects.count() == 0


def test_it_syncs_only_the_sources_named(feed_server, source, basic):
    other = FeedSource.objects.create(url=feed_server.url("/other.xml"), category=basic)
    sync(source.url)
    other.refresh_from_db()
    assert other.last_run_at is None
    with pytest.raises(CommandError, match="No feed source with the address"):
        sync("https://unknown.example.com/feed")


def test_it_refuses_a_private_address_unless_allowed(source, settings):
    settings.FEED_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(CommandError):
        sync()
    source.refresh_from_db()
    assert "fetching from the internal network is refused" in source.last_error


def test_it_shows_each_source_s_last_outcome_in_the_admin_list(
    feed_server, source, basic, editor_client, django_assert_max_num_queries
):
    FeedSource.objects.create(url=feed_server.url("/gone.xml"), category=basic)
    with pytest.raises(CommandError):
        sync()
    with django_assert_max_num_queries(10):
        response = editor_client.get(reverse("admin:lessons_feedsource_changelist"))
    html = response.content.decode()
    assert "Imported" in html and "Failed" in html
    assert "the server answered 404" in html
    assert '<td class="field-last_created">2</td>' in html


def test_it_syncs_the_selected_sources_from_the_admin(source, editor_client):
    response = editor_client.post(
        reverse("admin:lessons_feedsource_changelist"),
        {"action": "sync_now", "_selected_action": [source.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "1 feed source is being synced in the background" in html
    # The tests run each task as it is enqueued: the list shows the outcome already.
    assert '<td class="field-last_created">2</td>' in html
    assert Lesson.objects.count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "sqlite" in os.environ.get("DATABASE_URL", ""),
    reason="the worker's process cannot see SQLite's in-memory test database",
)
def test_it_answers_sync_now_at_once_and_the_worker_syncs_a_trickling_blog(
    feed_server, editor_client, database_tasks, settings
):
    """The blog sends a byte every 0.2 s: the click answers at once (the editor waits for
    no remote server), and the real worker gives up at the fetch's deadline."""
    basic = Category.objects.create(name="Basic", slug="basic", position=1)
    source = FeedSource.objects.create(
        url=feed_server.serve("/slow.xml", trickle="body", trickle_for=6), category=basic
    )
    started = time.monotonic()
    response = editor_client.post(
        reverse("admin:lessons_feedsource_changelist"),
        {"action": "sync_now", "_selected_action": [source.pk]},
    )
    assert response.status_code == 302
    assert time.monotonic() - started < 5  # the blog would take 6 s
    source.refresh_from_db()
    assert source.last_run_at is None  # not yet: it waits for the worker

    worker = start_worker(
        free_port(), "--batch", FEED_ALLOW_PRIVATE_ADDRESSES="True", FEED_FETCH_DEADLINE="2"
    )
    _, errors = worker.communicate(timeout=60)
    assert worker.returncode == 0, errors

    source.refresh_from_db()
    assert source.last_outcome == FeedSource.Outcome.FAILED
    assert "2초보다 오래 걸렸습니다" in source.last_error  # the worker speaks Korean


@pytest.mark.django_db(transaction=True)
def test_it_creates_each_lesson_once_when_two_syncs_run_at_once(feed_server):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time (BEGIN IMMEDIATE)")
    category = Category.objects.create(name="Basic", slug="basic", position=1)
    posts = [(n, f"글 {n}", f"본문 {n}") for n in range(60)]
    url = feed_server.serve("/feed.xml", feed(*posts), delay=0.3)
    FeedSource.objects.create(url=url, category=category)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            sync()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(feed_server.requests) == 2
    assert Lesson.objects.count() == 60
    assert Lesson.objects.values("source_url").distinct().count() == 60
