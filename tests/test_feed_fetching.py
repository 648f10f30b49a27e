"""Fetching a feed from its address: timeouts, size cap, redirects, private addresses."""

import socket
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lessons.authoring.feeds.fetching import FetchError, fetch_feed, is_public_address
from lessons.models import Lesson
from tests import feed_server as local_server

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
feed_server = local_server.feed_server  # the fixture

FEED = """<rss version="2.0"><channel><title>블로그</title>
<item><title>[Basic] 파드</title><link>https://blog.example.com/pods</link>
<description>파드는 가장 작은 단위다.</description></item></channel></rss>"""


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_feed", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_imports_a_feed_from_its_address_with_its_own_user_agent(feed_server, basic):
    url = feed_server.serve("/feed.xml", FEED)
    assert "1 created" in run(url)
    lesson = Lesson.objects.get(source_url="https://blog.example.com/pods")
    assert lesson.category == basic and lesson.status == Lesson.Status.DRAFT
    assert feed_server.requests[0].headers["User-Agent"].startswith("study-portal-feeds/")


def test_it_follows_a_chain_of_redirects(feed_server, basic):
    feed_server.serve("/feed.xml", FEED)
    feed_server.serve("/b", status=302, headers={"Location": "/feed.xml"})
    url = feed_server.serve("/a", status=301, headers={"Location": feed_server.url("/b")})
    fetched = fetch_feed(url)
    assert fetched.url == feed_server.url("/feed.xml")
    assert b"<rss" in fetched.content
    assert [seen.path for seen in feed_server.requests] == ["/a", "/b", "/feed.xml"]


def test_it_gives_up_on_too_many_redirects(feed_server, settings):
    settings.FEED_FETCH_MAX_REDIRECTS = 2
    for n in range(5):
        feed_server.serve(f"/r{n}", status=302, headers={"Location": f"/r{n + 1}"})
    with pytest.raises(CommandError, match="more than 2 redirects"):
        run(feed_server.url("/r0"))
    assert len(feed_server.requests) == 3


def test_it_gives_up_on_a_slow_server_within_its_timeout(feed_server, basic):
    url = feed_server.serve("/slow.xml", FEED, delay=3)
    started = time.monotonic()
    with pytest.raises(CommandError, match="did not answer within 1 s"):
        run(url)
    assert time.monotonic() - started < 2.5
    assert Lesson.objects.count() == 0


@pytest.mark.parametrize("chunked", [False, True])
def test_it_stops_reading_a_huge_response_at_the_size_cap(feed_server, settings, chunked):
    settings.FEED_MAX_BYTES = 64 * 1024
    url = feed_server.serve("/huge.xml", b"<rss>" + b" " * 1024 * 1024, chunked=chunked)
    with pytest.raises(FetchError, match="larger than 64 KB"):
        fetch_feed(url)


def test_it_says_what_the_server_answered_when_it_is_not_a_feed(feed_server):
    with pytest.raises(CommandError, match=r"Nothing was imported: .*: the server answered 404"):
        run(feed_server.url("/missing.xml"))


def test_it_refuses_a_private_address_by_default_without_sending_anything(feed_server, settings):
    settings.FEED_ALLOW_PRIVATE_ADDRESSES = False
    url = feed_server.serve("/feed.xml", FEED)
    with pytest.raises(CommandError, match="private, loopback or link-local address"):
        run(url)
    with pytest.raises(FetchError, match="refused"):
        fetch_feed(f"http://localhost:{feed_server.port}/feed.xml")
    assert feed_server.requests == []


def test_it_refuses_a_redirect_to_a_private_address(feed_server, settings):
    # The first hop is allowed here only to reach the test server; the check is per hop.
    url = feed_server.serve("/a", status=302, headers={"Location": "http://10.1.2.3/admin"})
    settings.FEED_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(FetchError, match="refused"):
        fetch_feed(url)


@pytest.mark.parametrize(
    "address, public",
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.0.0.8", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
    ],
)
def test_it_tells_public_from_internal_addresses(address, public):
    assert is_public_address(address) is public


@pytest.mark.parametrize("url", ["ftp://example.com/feed", "file:///etc/passwd", "http://"])
def test_it_fetches_only_http_and_https_addresses(url):
    with pytest.raises(FetchError):
        fetch_feed(url)


def test_it_says_when_nothing_answers_at_the_address(feed_server):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    with pytest.raises(FetchError, match=r"127\.0\.0\.1 could not be reached"):
        fetch_feed(f"http://127.0.0.1:{port}/feed.xml")
