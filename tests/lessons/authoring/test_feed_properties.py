"""Property: any feed document, however hostile, imports cleanly or is refused clearly.

Documents are generated with structure (RSS 2.0, RSS 1.0, Atom 1.0, Atom 0.3, WordPress
exports) and filled with hostile text, odd dates and odd encodings, sometimes escaped,
sometimes in CDATA and sometimes pasted in raw (which makes them ill-formed). Whatever the
document, the import either succeeds with nothing unsafe in the stored HTML, or raises a
FeedError with a one-line message and changes nothing.
"""

import re
from html.parser import HTMLParser
from xml.sax.saxutils import escape

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lessons.authoring.feeds import FeedError, import_feed, read_feed
from lessons.models import Category, Lesson

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<iframe src="https://evil.example.com"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<svg onload=alert(1)>",
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
    "]]>",
    "<![CDATA[",
    "&nbsp;&copy;&bogus;&#0;&#xD800;&#1114112;",
    "<!DOCTYPE x>",
    "<?xml version='1.0'?>",
    "\u202e\ufeff\u200b",
    "쿠버네티스 <b>파드</b>",
    "[Basic] ",
    "[",
    "https://blog.example.com/a b",
]
DATES = [
    "Tue, 05 Sep 2023 12:10:00 +0900",
    "2023-09-05T12:10:00Z",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z",
    "Tue, 31 Feb 2023 25:61:61 +9999",
    "0000-00-00 00:00:00",
    "yesterday",
    "",
]
ENCODINGS = ["utf-8", "utf-16", "euc-kr", "cp949", "big5", "iso-8859-1", "UTF-7", "x-bogus"]
UNSAFE_TAGS = {"script", "iframe", "style", "object", "embed", "svg", "math", "form", "base"}


class _UnsafeMarkup(HTMLParser):
    """Collects what a browser would run in a fragment: dangerous elements, event
    handlers, and links or sources with a script scheme."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag in UNSAFE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            scheme = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag} {name}")
            elif scheme.startswith(("javascript:", "vbscript:", "data:")):
                self.found.append(f"{tag} {name}={value}")


def unsafe_markup(fragment: str) -> list[str]:
    parser = _UnsafeMarkup()
    parser.feed(fragment)
    parser.close()
    return parser.found


text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
    st.lists(st.sampled_from(HOSTILE), max_size=3).map("".join),
)
dates = st.one_of(st.sampled_from(DATES), st.text(max_size=20))
links = st.one_of(
    st.integers(0, 3).map(lambda n: f"https://blog.example.com/{n}"),
    st.sampled_from(["", "javascript:alert(1)", "/relative", "https://x/" + "a" * 600]),
    text,
)


@st.composite
def embedded(draw, value: str) -> str:
    """The value as it might sit in an element: escaped, in CDATA, or pasted raw."""
    how = draw(st.sampled_from(["escaped", "cdata", "raw"]))
    if how == "escaped":
        return escape(value)
    if how == "cdata":
        return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    return value


@st.composite
def entries(draw) -> dict[str, str]:
    return {
        name: draw(embedded(draw(strategy)))
        for name, strategy in [
            ("title", text),
            ("summary", text),
            ("content", text),
            ("category", text),
            ("author", text),
            ("link", links),
            ("date", dates),
        ]
    }


def _rss20(items):
    body = "".join(
        f"<item><title>{e['title']}</title><link>{e['link']}</link><guid>{e['link']}</guid>"
        f"<author>{e['author']}</author><category>{e['category']}</category>"
        f"<pubDate>{e['date']}</pubDate><description>{e['summary']}</description>"
        f"<content:encoded>{e['content']}</content:encoded></item>"
        for e in items
    )
    return (
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>b</title>{body}</channel></rss>"
    )


def _atom10(items):
    body = "".join(
        f'<entry><title type="html">{e["title"]}</title><id>{e["link"]}</id>'
        f'<link href="{escape(e["link"], {chr(34): "&quot;"})}"/>'
        f"<author><name>{e['author']}</name></author>"
        f'<category term="{escape(e["category"], {chr(34): "&quot;"})}"/>'
        f'<updated>{e["date"]}</updated><summary type="html">{e["summary"]}</summary>'
        f'<content type="html">{e["content"]}</content></entry>'
        for e in items
    )
    return f'<feed xmlns="http://www.w3.org/2005/Atom"><title>b</title>{body}</feed>'


def _rss10(items):
    body = "".join(
        f'<item rdf:about="x"><title>{e["title"]}</title><link>{e["link"]}</link>'
        f"<dc:subject>{e['category']}</dc:subject><dc:creator>{e['author']}</dc:creator>"
        f"<dc:date>{e['date']}</dc:date><description>{e['content']}</description></item>"
        for e in items
    )
    return (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<channel rdf:about="x"><title>b</title></channel>{body}</rdf:RDF>'
    )


def _atom03(items):
    body = "".join(
        f"<entry><title>{e['title']}</title><id>{e['link']}</id>"
        f'<link rel="alternate" href="{escape(e["link"], {chr(34): "&quot;"})}"/>'
        f"<author><name>{e['author']}</name></author><issued>{e['date']}</issued>"
        f"<summary>{e['summary']}</summary>"
        f'<content type="text/html" mode="escaped">{e["content"]}</content></entry>'
        for e in items
    )
    return f'<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>b</title>{body}</feed>'


def _wxr(items):
    body = "".join(
        f"<item><title>{e['title']}</title><link>{e['link']}</link>"
        f"<dc:creator>{e['author']}</dc:creator><pubDate>{e['date']}</pubDate>"
        f"<content:encoded>{e['content']}</content:encoded>"
        f"<excerpt:encoded>{e['summary']}</excerpt:encoded>"
        f"<wp:post_date_gmt>{e['date']}</wp:post_date_gmt><wp:status>publish</wp:status>"
        f'<wp:post_type>post</wp:post_type><category domain="category">{e["category"]}'
        "</category></item>"
        for e in items
    )
    return (
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">'
        f"<channel><title>b</title>{body}</channel></rss>"
    )


FORMATS = {"rss20": _rss20, "atom10": _atom10, "rss10": _rss10, "atom03": _atom03, "wxr": _wxr}


@st.composite
def documents(draw) -> bytes:
    format = draw(st.sampled_from(sorted(FORMATS)))
    document = FORMATS[format](draw(st.lists(entries(), max_size=3)))
    encoding = draw(st.sampled_from(ENCODINGS))
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>\n'
    if encoding in ("UTF-7", "x-bogus"):
        return (declaration + document).encode("utf-8")
    if draw(st.booleans()):
        declaration = ""  # the encoding is then detected, or taken from a byte order mark
    return (declaration + document).encode(encoding, errors="xmlcharrefreplace")


@settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=documents(), publish=st.booleans())
def test_it_imports_any_document_safely_or_refuses_it_clearly(basic, data, publish):
    with transaction.atomic():
        lessons, categories = Lesson.objects.count(), Category.objects.count()
        try:
            result = import_feed(data, category="Basic", publish=publish)
        except FeedError as error:
            message = str(error)
            assert message and "\n" not in message and len(message) < 300
            assert (Lesson.objects.count(), Category.objects.count()) == (lessons, categories)
        else:
            assert Lesson.objects.count() == lessons + len(result.created)
            for lesson in Lesson.objects.all():
                assert unsafe_markup(lesson.body_html) == [], lesson.body_html
                assert len(lesson.title) <= 200 and lesson.title.strip()
                assert lesson.category.name.strip()
        transaction.set_rollback(True)


@settings(max_examples=150, deadline=None, database=None)
@given(
    data=st.one_of(
        st.binary(max_size=300),
        documents().flatmap(lambda doc: st.integers(0, len(doc)).map(lambda n: doc[:n])),
    ),
    content_type=st.sampled_from(["", "text/xml", "application/rss+xml; charset=euc-kr",
                                  "text/html; charset=x-bogus", "application/xml; charset=utf-7"]),
)  # fmt: skip
def test_it_reads_any_bytes_or_says_why_not(data, content_type):
    try:
        document = read_feed(data, content_type)
    except FeedError as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert all(entry.number == n for n, entry in enumerate(document.entries, 1))
