"""Fetch a feed from its address, politely and safely.

Timeouts, a size cap counted on the bytes as they arrive (after decompression), a limit on
redirects, and our own User-Agent. Every hop's host is resolved first and refused when any
of its addresses is private, loopback, link-local or otherwise not public, so that the
import form cannot probe the internal network; the connection then goes to the address
that was checked (not to a second lookup's answer), with the host name kept for the
`Host` header and for TLS (SNI and certificate checks).
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

USER_AGENT = "study-portal-feeds/1.0 (a study group portal importing lessons)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"
)
REDIRECTS = {301, 302, 303, 307, 308}


class FetchError(Exception):
    """The feed could not be fetched; the message says why, in a line."""


@dataclass
class FetchedFeed:
    url: str  # where it was found, after redirects
    not_modified: bool
    content: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""


def fetch_feed(
    url: str, *, etag: str = "", last_modified: str = "", max_bytes: int | None = None
) -> FetchedFeed:
    """GET the feed at `url`, conditionally when `etag`/`last_modified` are known (a 304
    gives `not_modified`). Raises FetchError."""
    limit = max_bytes or settings.FEED_MAX_BYTES
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    timeout = settings.FEED_FETCH_TIMEOUT
    deadline = time.monotonic() + 3 * timeout
    with httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 5)),
        follow_redirects=False,
        trust_env=False,  # no proxy from the environment: the checked address is the one used
    ) as client:
        for _hop in range(settings.FEED_FETCH_MAX_REDIRECTS + 1):
            try:
                target = httpx.URL(url)
            except httpx.InvalidURL as error:
                raise FetchError(
                    _("%(url)s is not a valid address (%(error)s)")
                    % {"url": url[:200], "error": error}
                ) from None
            if target.scheme not in ("http", "https") or not target.host:
                raise FetchError(_("%(url)s is not an http or https address") % {"url": url[:200]})
            response = _send(client, target, headers, timeout)
            try:
                if response.status_code in REDIRECTS and "location" in response.headers:
                    url = urljoin(str(target), response.headers["location"])
                    continue
                if response.status_code == 304:
                    return FetchedFeed(
                        str(target), not_modified=True, etag=etag, last_modified=last_modified
                    )
                if response.status_code != 200:
                    raise FetchError(
                        _("the server answered %(status)d") % {"status": response.status_code}
                    )
                return FetchedFeed(
                    str(target),
                    not_modified=False,
                    content=_read_capped(response, limit, deadline, timeout),
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


def _send(client: httpx.Client, target: httpx.URL, headers: dict, timeout: int):
    """Send the request to each checked address of the host in turn (an IPv6 address
    may be unreachable from here while an IPv4 one answers)."""
    failure = ""
    for address in _checked_addresses(target.host, target.port or _default_port(target)):
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
            raise FetchError(
                _("%(host)s did not answer within %(seconds)d s")
                % {"host": target.host, "seconds": timeout}
            ) from None
        except httpx.HTTPError as error:
            raise FetchError(
                _("%(host)s could not be reached (%(error)s)")
                % {"host": target.host, "error": error}
            ) from None
    raise FetchError(
        _("%(host)s could not be reached (%(error)s)") % {"host": target.host, "error": failure}
    )


def _checked_addresses(host: str, port: int) -> list[str]:
    """The addresses to connect to for `host`, after checking that every address it
    resolves to may be reached from here."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
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


def _read_capped(response: httpx.Response, limit: int, deadline: float, timeout: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(_("the feed is larger than %(size)s") % {"size": _size(limit)})
    chunks, size = [], 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise FetchError(_("the feed is larger than %(size)s") % {"size": _size(limit)})
            if time.monotonic() > deadline:
                raise FetchError(
                    _("the feed took longer than %(seconds)d s to arrive")
                    % {"seconds": 3 * timeout}
                )
            chunks.append(chunk)
    except httpx.TimeoutException:
        raise FetchError(
            _("the server stopped sending for %(seconds)d s") % {"seconds": timeout}
        ) from None
    except httpx.HTTPError as error:
        raise FetchError(_("the download broke off (%(error)s)") % {"error": error}) from None
    return b"".join(chunks)
