"""Read a blog's feed document (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, a WordPress export) into
entries, whatever its encoding and however untidy its markup.

feedparser does the reading. In front of it stand two guards it lacks: a document that
declares a DOCTYPE is refused outright (defusedxml, `forbid_dtd`), so no entity is ever
defined, let alone expanded; and the document is read whole, so its size is capped.
"""

import codecs
import html
import re
import xml.sax
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO

import defusedxml.sax
import feedparser
from defusedxml import DefusedXmlException
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from feedparser.encodings import RE_XML_PI_ENCODING, convert_to_utf8

from lessons.kernel.particles import resolve_particles

WXR_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/?$")
# WordPress statuses that become lessons (as drafts unless published and asked to).
WXR_IMPORTED_STATUSES = {"publish", "draft", "pending", "future"}
_url_validator = URLValidator(schemes=["http", "https"])
# feedparser's names of formats, as an editor would call them.
FORMAT_NAMES = {
    "rss090": "RSS 0.90",
    "rss091n": "RSS 0.91",
    "rss091u": "RSS 0.91",
    "rss092": "RSS 0.92",
    "rss093": "RSS 0.93",
    "rss094": "RSS 0.94",
    "rss10": "RSS 1.0",
    "rss20": "RSS 2.0",
    "atom01": "Atom 0.1",
    "atom02": "Atom 0.2",
    "atom03": "Atom 0.3",
    "atom10": "Atom 1.0",
    "wordpress": "WordPress export",
}
CHARACTER_REFERENCE = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,16})|([0-9]{1,24}));")


class FeedError(Exception):
    """The document cannot be read as a feed; the message says why, in a line."""

    def __init__(self, message: str):
        super().__init__(resolve_particles(message))


@dataclass
class FeedEntry:
    number: int
    entry_id: str = ""
    link: str = ""
    title: str = ""
    category: str = ""
    summary_html: str = ""
    content_html: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    # A WordPress export's own status of the post ("publish", "draft", ...); else "".
    wordpress_status: str = ""
    problem: str = ""

    @property
    def source_url(self) -> str:
        """Where the entry lives: its link, else its id when that is a web address."""
        for candidate in (self.link, self.entry_id):
            if is_web_url(candidate):
                return candidate
        return ""

    @property
    def keys(self) -> list[str]:
        """What matches this entry to a lesson imported before (its `source_url`)."""
        return [k for k in dict.fromkeys((self.link, self.entry_id)) if is_web_url(k)]


@dataclass
class FeedDocument:
    format: str  # feedparser's name of the format, e.g. "rss20", "atom03", "wordpress"
    encoding: str
    entries: list[FeedEntry]

    @property
    def described(self) -> str:
        """E.g. "RSS 2.0, euc-kr"."""
        name = FORMAT_NAMES.get(self.format, self.format.upper() or "an RSS or Atom feed")
        return f"{name}, {self.encoding}"


def is_web_url(value: str) -> bool:
    if not value.startswith(("http://", "https://")) or len(value) > 500:
        return False
    try:
        _url_validator(value)
    except ValidationError:
        return False
    return True


def read_feed(data: bytes, content_type: str = "", base_url: str = "") -> FeedDocument:
    """The entries of a feed document. `content_type` is the HTTP header it came with,
    whose charset counts; `base_url` is where it came from, for its relative links.
    Raises FeedError for anything that is not a feed a reader could show."""
    if len(data) > settings.FEED_MAX_BYTES:
        raise FeedError(too_large_message())
    if not data.strip():
        raise FeedError(_("the document is empty"))
    headers = {"content-type": content_type} if content_type else {}
    _check_declared_encodings(data, content_type)
    detected: dict = {}
    utf8 = convert_to_utf8(headers, data, detected)
    encoding = detected.get("encoding") or ""
    if not encoding:
        raise FeedError(_("its character encoding could not be told"))
    _refuse_unsafe_encoding(encoding, "detected")
    _refuse_dtd(utf8)
    utf8 = CHARACTER_REFERENCE.sub(_valid_reference, utf8)
    response_headers = {"content-type": "application/xml; charset=utf-8"}
    if base_url:
        response_headers["content-location"] = base_url
    parsed = feedparser.parse(
        BytesIO(utf8),
        response_headers=response_headers,
        sanitize_html=False,  # the one sanitizer is nh3, when an entry becomes a lesson
        resolve_relative_uris=True,
    )
    del utf8
    wordpress = any(WXR_NAMESPACE.match(uri or "") for uri in parsed.namespaces.values())
    if not parsed.version and not parsed.entries:
        if parsed.bozo and isinstance(parsed.bozo_exception, xml.sax.SAXParseException):
            error = parsed.bozo_exception
            raise FeedError(
                _("it is not an RSS or Atom feed (line %(line)d: %(problem)s)")
                % {"line": error.getLineNumber(), "problem": error.getMessage()}
            )
        raise FeedError(_("it is not an RSS or Atom feed"))
    entries = [_entry(raw, number, wordpress) for number, raw in enumerate(parsed.entries, 1)]
    return FeedDocument("wordpress" if wordpress else parsed.version, encoding, entries)


def too_large_message() -> str:
    return _("it is larger than %(size)d MB") % {"size": settings.FEED_MAX_BYTES // (1024 * 1024)}


# Guards ------------------------------------------------------------------------------


def _check_declared_encodings(data: bytes, content_type: str) -> None:
    head = data[:1024].removeprefix(codecs.BOM_UTF8)
    declared = RE_XML_PI_ENCODING.match(head.split(b"?>", 1)[0] + b"?>")
    if declared:
        _refuse_unsafe_encoding(declared[1].decode("ascii", "replace"), "document")
    charset = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type, re.IGNORECASE)
    if charset:
        _refuse_unsafe_encoding(charset[1], "server")


def _refuse_unsafe_encoding(name: str, source: str) -> None:
    """Unknown encodings cannot be read as declared; UTF-7 hides markup from filters."""
    name = re.sub(r"[^\w.:+-]", "?", name)[:40]
    unknown = {
        "detected": _('it reads as the unknown character encoding "%(name)s"'),
        "document": _('it declares the unknown character encoding "%(name)s"'),
        "server": _('the server declares the unknown character encoding "%(name)s"'),
    }
    refused = {
        "detected": _('it reads as the character encoding "%(name)s", which is not accepted'),
        "document": _('it declares the character encoding "%(name)s", which is not accepted'),
        "server": _('the server declares the character encoding "%(name)s", which is not accepted'),
    }
    try:
        codec = codecs.lookup(name)
    except (LookupError, ValueError):
        raise FeedError(unknown[source] % {"name": name}) from None
    if codec.name == "utf-7":
        raise FeedError(refused[source] % {"name": name})


class _Ignore(xml.sax.handler.ContentHandler):
    pass


def _refuse_dtd(utf8: bytes) -> None:
    """Refuse a DOCTYPE (and so every entity declaration) before feedparser sees it.

    Ill-formed XML is left to feedparser's lenient reader, which expands no entity
    but the HTML ones it knows."""
    try:
        defusedxml.sax.parseString(utf8, _Ignore(), forbid_dtd=True)
    except DefusedXmlException as error:
        raise FeedError(
            _(
                "it declares a DOCTYPE; feeds with a DTD are refused, since their entities "
                "could be expanded without bound"
            )
        ) from error
    except xml.sax.SAXException:
        pass


def _valid_reference(match: re.Match) -> bytes:
    """A character reference to no character (a surrogate, NUL, past U+10FFFF), which
    crashes feedparser's lenient reader, becomes U+FFFD."""
    code = int(match[1], 16) if match[1] else int(match[2])
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or code in (0, 0xFFFE, 0xFFFF):
        return b"&#xFFFD;"
    return match[0]


# Turning feedparser's entries into ours ----------------------------------------------


def _date(value) -> datetime | None:
    """A time.struct_time from feedparser (always UTC) as an aware datetime."""
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _wordpress_date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=UTC)
    except ValueError:  # drafts have "0000-00-00 00:00:00"
        return None


def _html(detail) -> str:
    """A feedparser text construct as HTML: plain text is escaped, markup kept."""
    if not detail:
        return ""
    value = detail.get("value") or ""
    return html.escape(value, quote=False) if detail.get("type") == "text/plain" else value


def _category(raw, wordpress: bool) -> str:
    for tag in raw.get("tags") or []:
        if wordpress and tag.get("scheme") not in (None, "category"):
            continue  # a WordPress post's tags (post_tag) are not its category
        name = (tag.get("label") or tag.get("term") or "").strip()
        if name:
            return name
    return ""


def _entry(raw, number: int, wordpress: bool) -> FeedEntry:
    contents = [c for c in raw.get("content") or [] if c.get("value")]
    content_html = _html(contents[0]) if contents else ""
    summary_html = _html(raw.get("summary_detail"))
    if not content_html:
        content_html, summary_html = summary_html, ""
    published = _date(raw.get("published_parsed") or raw.get("created_parsed"))
    updated = _date(dict.get(raw, "updated_parsed"))
    entry = FeedEntry(
        number=number,
        entry_id=(raw.get("id") or "").strip(),
        link=(raw.get("link") or "").strip(),
        # Titles are read as HTML whatever they claim to be (blogs put markup in them);
        # only their text is kept.
        title=(raw.get("title") or ""),
        category=_category(raw, wordpress),
        summary_html=summary_html,
        content_html=content_html,
        published=published or updated,
        updated=updated,
    )
    if wordpress:
        _wordpress_entry(raw, entry)
    limit = settings.FEED_MAX_ELEMENT_CHARS
    for name in ("title", "content_html", "summary_html", "category", "link", "entry_id"):
        if len(getattr(entry, name)) > limit:
            entry.problem = _("its %(part)s is longer than %(limit)d characters") % {
                "part": name.replace("_html", ""),
                "limit": limit,
            }
    return entry


def _wordpress_entry(raw, entry: FeedEntry) -> None:
    """A WordPress export item: only posts are lessons; its excerpt is the summary."""
    post_type = raw.get("wp_post_type", "")
    entry.wordpress_status = raw.get("wp_status", "")
    entry.summary_html = raw.get("excerpt_encoded", "") or entry.summary_html
    entry.published = _wordpress_date(raw.get("wp_post_date_gmt", "")) or entry.published
    if entry.wordpress_status not in ("publish", "future"):
        # WordPress fills pubDate in with the export's date; a scheduled post's own date
        # is the time it is to appear.
        entry.published = None
    if post_type != "post":
        entry.problem = _('a WordPress "%(type)s", not a post') % {"type": post_type[:40]}
    elif entry.wordpress_status not in WXR_IMPORTED_STATUSES:
        entry.problem = _('a WordPress post with the status "%(status)s"') % {
            "status": entry.wordpress_status[:40]
        }
