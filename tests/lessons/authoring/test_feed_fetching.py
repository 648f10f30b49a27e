"""Fetching a feed from its address: timeouts, size cap, redirects, private addresses."""

import socket
import time
import tracemalloc
import zlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lessons.authoring.feeds.fetching import FetchError, fetch_feed, is_public_address
from lessons.models import Lesson
from tests.helpers import feed_server as local_server

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


# ---- A hostile server: bounds on memory and time that no answer can get around ----------


def _gzip(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()


def test_it_stops_a_gzip_bomb_before_it_is_decoded_in_memory(feed_server, settings):
    """`gzip, gzip` over a few kilobytes decodes to 64 MB; the cap counts decoded bytes as
    they are produced, so memory stays near the cap instead of the bomb's size."""
    settings.FEED_MAX_BYTES = 1024 * 1024
    bomb = _gzip(_gzip(b"<rss>" + bytes(64 * 1024 * 1024)))
    assert len(bomb) < 10_000
    url = feed_server.serve(
        "/bomb.xml",
        bomb,
        headers={"Content-Type": "application/rss+xml", "Content-Encoding": "gzip, gzip"},
    )
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="larger than 1 MB"):
            fetch_feed(url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, f"peak {peak / 1024 / 1024:.1f} MB"


def test_it_reads_a_feed_sent_gzipped(feed_server):
    url = feed_server.serve(
        "/feed.xml",
        _gzip(FEED.encode()),
        headers={"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"},
    )
    assert fetch_feed(url).content == FEED.encode()
    assert feed_server.requests[0].headers["Accept-Encoding"] == "gzip, deflate"


def test_it_refuses_an_encoding_it_did_not_ask_for(feed_server):
    url = feed_server.serve(
        "/feed.br", b"\x0b\x02\x80", headers={"Content-Encoding": "br", "Content-Type": "text/xml"}
    )
    with pytest.raises(FetchError, match="encoding that was not asked for"):
        fetch_feed(url)


@pytest.mark.parametrize("part", ["headers", "body"])
def test_it_gives_up_on_a_trickle_at_the_overall_deadline(feed_server, settings, part):
    """One byte every 0.2 s never trips the 1 s read timeout; the 2 s deadline holds."""
    settings.FEED_FETCH_DEADLINE = 2
    url = feed_server.serve(f"/trickle-{part}.xml", trickle=part)
    started = time.monotonic()
    with pytest.raises(FetchError, match="longer than 2 s"):
        fetch_feed(url)
    assert time.monotonic() - started < 3.5


def test_it_gives_up_on_a_name_that_takes_too_long_to_resolve(feed_server, settings, monkeypatch):
    settings.FEED_FETCH_DEADLINE = 2
    resolve = socket.getaddrinfo

    def slow_resolver(host, *args, **kwargs):
        if host == "slow.example":
            time.sleep(4)
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow_resolver)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"slow\.example could not be resolved within 2 s"):
        fetch_feed("http://slow.example/feed.xml")
    assert time.monotonic() - started < 3.5
