"""Fetch a feed from its address, politely and safely.

Bounds that no answer can get around: a deadline on the whole exchange (name look-up,
connect, TLS, headers and body: every socket read and write waits at most until it, so a
server sending one byte a second cannot stretch it), a timeout between bytes, a size cap
counted on the bytes as they are decoded (a `gzip, gzip` answer of 2 KB that would inflate
to 2 GB is stopped at the cap, its layers decoded a piece at a time), only the encodings
asked for (gzip, deflate), a limit on redirects, and our own User-Agent. Every hop's host
is resolved first and refused when any of its addresses is private, loopback, link-local
or otherwise not public, so that the import form cannot probe the internal network; the
connection then goes to the address that was checked (not to a second lookup's answer),
with the host name kept for the `Host` header and for TLS (SNI and certificate checks).
"""

import ipaddress
import socket
import ssl
import time
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as LookUpTimeout
from dataclasses import dataclass
from urllib.parse import urljoin

import httpcore
import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from lessons.kernel.particles import resolve_particles

USER_AGENT = "study-portal-feeds/1.0 (a study group portal importing lessons)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"
)
ACCEPT_ENCODING = "gzip, deflate"
# zlib's window bits per encoding: gzip's header, or zlib's (deflate as HTTP means it).
DECODERS = {"gzip": 31, "x-gzip": 31, "deflate": 15}
PIECE = 64 * 1024  # decoded bytes produced at a time, per layer
REDIRECTS = {301, 302, 303, 307, 308}
# Name look-ups cannot be interrupted; they run here and are waited for until the
# deadline. A look-up that hangs ends by itself with the system resolver's own timeout.
_resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="feed-dns")


class FetchError(Exception):
    """The feed could not be fetched; the message says why, in a line."""

    def __init__(self, message: str):
        super().__init__(resolve_particles(message))


class DeadlinePassed(Exception):
    pass


@dataclass
class FetchedFeed:
    url: str  # where it was found, after redirects
    not_modified: bool
    content: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True)
class Deadline:
    at: float
    seconds: int

    def left(self, timeout: float | None = None) -> float:
        """Seconds a wait may take: at most `timeout`, and never past the deadline."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise DeadlinePassed
        return left if timeout is None else min(timeout, left)

    def error(self) -> FetchError:
        return FetchError(
            _("the feed took longer than %(seconds)d s to arrive") % {"seconds": self.seconds}
        )


def fetch_feed(
    url: str, *, etag: str = "", last_modified: str = "", max_bytes: int | None = None
) -> FetchedFeed:
    """GET the feed at `url`, conditionally when `etag`/`last_modified` are known (a 304
    gives `not_modified`). Raises FetchError."""
    limit = max_bytes or settings.FEED_MAX_BYTES
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": ACCEPT_ENCODING}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    timeout = settings.FEED_FETCH_TIMEOUT
    deadline = Deadline(
        time.monotonic() + settings.FEED_FETCH_DEADLINE, settings.FEED_FETCH_DEADLINE
    )
    try:
        with httpx.Client(
            transport=DeadlineTransport(deadline),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5)),
            follow_redirects=False,
        ) as client:
            return _follow(client, url, headers, limit, deadline)
    except DeadlinePassed:
        raise deadline.error() from None


def _follow(
    client: httpx.Client, url: str, headers: dict, limit: int, deadline: Deadline
) -> FetchedFeed:
    for _hop in range(settings.FEED_FETCH_MAX_REDIRECTS + 1):
        try:
            target = httpx.URL(url)
        except httpx.InvalidURL as error:
            raise FetchError(
                _("%(url)s is not a valid address (%(error)s)") % {"url": url[:200], "error": error}
            ) from None
        if target.scheme not in ("http", "https") or not target.host:
            raise FetchError(_("%(url)s is not an http or https address") % {"url": url[:200]})
        response = _send(client, target, headers, deadline)
        try:
            if response.status_code in REDIRECTS and "location" in response.headers:
                url = urljoin(str(target), response.headers["location"])
                continue
            if response.status_code == 304:
                return FetchedFeed(
                    str(target),
                    not_modified=True,
                    etag=headers.get("If-None-Match", ""),
                    last_modified=headers.get("If-Modified-Since", ""),
                )
            if response.status_code != 200:
                raise FetchError(
                    _("the server answered %(status)d") % {"status": response.status_code}
                )
            return FetchedFeed(
                str(target),
                not_modified=False,
                content=_read_capped(response, limit, deadline),
                content_type=response.headers.get("content-type", ""),
                etag=response.headers.get("etag", "")[:200],
                last_modified=response.headers.get("last-modified", "")[:100],
            )
        finally:
            response.close()
    raise FetchError(
        _("more than %(count)d redirects") % {"count": settings.FEED_FETCH_MAX_REDIRECTS}
    )


def _default_port(url: httpx.URL) -> int:
    return 443 if url.scheme == "https" else 80


def _send(client: httpx.Client, target: httpx.URL, headers: dict, deadline: Deadline):
    """Send the request to each checked address of the host in turn (an IPv6 address
    may be unreachable from here while an IPv4 one answers)."""
    failure = ""
    port = target.port or _default_port(target)
    for address in _checked_addresses(target.host, port, deadline):
        request = client.build_request(
            "GET",
            target.copy_with(host=address),
            headers={**headers, "Host": target.netloc.decode("ascii")},
            extensions={"sni_hostname": target.host},
        )
        try:
            return client.send(request, stream=True)
        except httpx.ConnectError as error:
            failure = str(error)
        except httpx.TimeoutException:
            deadline.left()  # past the deadline: say so
            raise FetchError(
                _("%(host)s did not answer within %(seconds)d s")
                % {"host": target.host, "seconds": settings.FEED_FETCH_TIMEOUT}
            ) from None
        except httpx.HTTPError as error:
            raise FetchError(
                _("%(host)s could not be reached (%(error)s)")
                % {"host": target.host, "error": error}
            ) from None
    raise FetchError(
        _("%(host)s could not be reached (%(error)s)") % {"host": target.host, "error": failure}
    )


def _checked_addresses(host: str, port: int, deadline: Deadline) -> list[str]:
    """The addresses to connect to for `host`, after checking that every address it
    resolves to may be reached from here."""
    look_up = _resolver.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = look_up.result(timeout=deadline.left())
    except LookUpTimeout:
        raise FetchError(
            _("%(host)s could not be resolved within %(seconds)d s")
            % {"host": host, "seconds": deadline.seconds}
        ) from None
    except (OSError, UnicodeError) as error:
        raise FetchError(
            _("%(host)s could not be resolved (%(error)s)") % {"host": host, "error": error}
        ) from None
    addresses = [info[4][0] for info in infos]
    if not settings.FEED_ALLOW_PRIVATE_ADDRESSES:
        for address in addresses:
            if not is_public_address(address):
                raise FetchError(
                    _(
                        "%(host)s is a private, loopback or link-local address (%(address)s); "
                        "fetching from the internal network is refused"
                    )
                    % {"host": host, "address": address}
                )
    return list(dict.fromkeys(addresses))


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


def _read_capped(response: httpx.Response, limit: int, deadline: Deadline) -> bytes:
    too_large = FetchError(_("the feed is larger than %(size)s") % {"size": _size(limit)})
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    encodings = [
        name.strip().lower()
        for name in response.headers.get("content-encoding", "").split(",")
        if name.strip() and name.strip().lower() != "identity"
    ]
    unknown = [name for name in encodings if name not in DECODERS]
    if unknown or len(encodings) > 2:
        raise FetchError(
            _("the server sent the feed in an encoding that was not asked for (%(encoding)s)")
            % {"encoding": response.headers.get("content-encoding", "")[:100]}
        )
    pieces: Iterable[bytes] = response.iter_raw()
    for name in reversed(encodings):  # the last one applied is undone first
        pieces = _decoded(pieces, DECODERS[name], limit, too_large)
    chunks, size = [], 0
    try:
        for chunk in pieces:
            size += len(chunk)
            if size > limit:
                raise too_large
            deadline.left()
            chunks.append(chunk)
    except httpx.TimeoutException:
        deadline.left()
        raise FetchError(
            _("the server stopped sending for %(seconds)d s")
            % {"seconds": settings.FEED_FETCH_TIMEOUT}
        ) from None
    except zlib.error:
        raise FetchError(_("the feed's compression is damaged")) from None
    except httpx.HTTPError as error:
        raise FetchError(_("the download broke off (%(error)s)") % {"error": error}) from None
    return b"".join(chunks)


def _decoded(
    pieces: Iterable[bytes], window_bits: int, limit: int, too_large: FetchError
) -> Iterator[bytes]:
    """One layer of gzip or deflate undone a piece at a time: never more than PIECE
    decoded bytes at once, and no more than `limit` in all, whatever the input says."""
    decoder = zlib.decompressobj(window_bits)
    produced = 0
    for data in pieces:
        while data and not decoder.eof:
            out = decoder.decompress(data, PIECE)
            data = decoder.unconsumed_tail
            produced += len(out)
            if produced > limit:
                raise too_large
            if out:
                yield out
    if not decoder.eof:
        yield decoder.flush(PIECE)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's own transport whose sockets never wait past the deadline: connect, TLS,
    every read and write get at most the time that is left."""

    def __init__(self, deadline: Deadline):
        super().__init__(trust_env=False)  # no proxy from the environment
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            network_backend=_DeadlineBackend(deadline),
        )


class _DeadlineBackend(httpcore.SyncBackend):
    def __init__(self, deadline: Deadline):
        self.deadline = deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        stream = super().connect_tcp(
            host, port, self._left(timeout, httpcore.ConnectTimeout), local_address, socket_options
        )
        return _DeadlineStream(stream, self)

    def _left(self, timeout: float | None, error: type[Exception]) -> float:
        try:
            return self.deadline.left(timeout)
        except DeadlinePassed:
            raise error("past the fetch's deadline") from None


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream, backend: _DeadlineBackend):
        self._stream = stream
        self._backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._backend._left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._backend._left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        left = self._backend._left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._stream.start_tls(ssl_context, server_hostname, left), self._backend
        )

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)
