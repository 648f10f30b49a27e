"""What a search shows of each lesson it finds: the title and an excerpt with the query's
words marked, and the section the result leads to; and a page of results, best first
(lessons/kernel/search.py finds and ranks them)."""

import bisect
import html
import re
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Window
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from lessons.kernel.search import SearchQuery, plain_text, search

# Highlighting ------------------------------------------------------------------------

EXCERPT_CHARS = 160
EXCERPT_LEAD = 50
# Markdown's marks, table rules ("| --- | :-: |") and horizontal rules included.
MARKDOWN_MARKS = re.compile(
    r"^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+|[*_`~|]+|!?\[|\]|:?-{3,}:?|={3,}", re.MULTILINE
)


def _pattern(query: SearchQuery) -> re.Pattern | None:
    forms = query.highlight_forms
    if not forms:
        return None
    return re.compile("|".join(re.escape(form) for form in forms), re.IGNORECASE)


def highlight(text: str, query: SearchQuery) -> SafeString:
    """`text` escaped, with every match of the query wrapped in <mark>. The text and the
    query are escaped piece by piece; only the <mark> tags are markup."""
    pattern = _pattern(query)
    if pattern is None:
        return escape(text)
    pieces, end = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[end : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        end = match.end()
    pieces.append(escape(text[end:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above


# Only this much Markdown around the first match is cleaned for an excerpt: cleaning a
# whole body for each of a page's twenty hits cost more than the search itself.
EXCERPT_SOURCE_BEFORE = 400
EXCERPT_SOURCE_AFTER = 1200


def _clean(markdown_source: str) -> str:
    return " ".join(html.unescape(MARKDOWN_MARKS.sub(" ", plain_text(markdown_source))).split())


def excerpt(query: SearchQuery, *texts: str) -> SafeString:
    """A short excerpt of the first text the query matches (else of the first non-empty
    one), starting a little before the match, with matches highlighted."""
    pattern = _pattern(query)
    texts = tuple(text for text in texts if text)
    if not texts:
        return mark_safe("")
    source, at = texts[0], 0
    for text in texts:
        match = pattern.search(text) if pattern else None
        if match:
            source, at = text, match.start()
            break
    lo = max(0, at - EXCERPT_SOURCE_BEFORE)
    hi = at + EXCERPT_SOURCE_AFTER
    chosen = _clean(source[lo:hi])
    match = pattern.search(chosen) if pattern else None
    start = max(0, match.start() - EXCERPT_LEAD) if match else 0
    if start:
        space = chosen.find(" ", start, start + 15)
        start = space + 1 if space != -1 else start
    window = chosen[start : start + EXCERPT_CHARS]
    prefix = "… " if start or lo else ""
    suffix = " …" if start + EXCERPT_CHARS < len(chosen) or hi < len(source) else ""
    return mark_safe(escape(prefix) + highlight(window, query) + escape(suffix))  # noqa: S308


# The section a result leads to ------------------------------------------------------

# The headings the table of contents lists (levels 2 and 3), and code fences, whose lines
# ("# a shell comment") are not headings.
HEADING = re.compile(r"^(#{2,3})[ \t]+(.+?)[ \t#]*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# A heading that names the query is where the reader wants to land.
HEADING_MATCH_WEIGHT = 5


def _headings(markdown_source: str) -> list[tuple[int, str]]:
    """(offset, text) of each level-2 and level-3 heading outside code fences."""
    found, fence, offset = [], None, 0
    for line in markdown_source.splitlines(keepends=True):
        opened = FENCE.match(line)
        if fence is None and opened:
            fence = opened.group(1)[0]
        elif fence is not None:
            if opened and opened.group(1)[0] == fence:
                fence = None
        elif heading := HEADING.match(line.rstrip("\r\n")):
            found.append((offset, heading.group(2)))
        offset += len(line)
    return found


def _sections(markdown_source: str, toc: list[dict]) -> list[tuple[int, dict]]:
    """(offset, contents entry) of each section of the body that the contents list: by
    order when the headings and the entries agree in number, else by name."""
    headings = _headings(markdown_source)
    if len(headings) == len(toc):
        return [(offset, entry) for (offset, _), entry in zip(headings, toc, strict=True)]
    by_name = {entry.get("name"): entry for entry in toc}
    cleaned = (
        (offset, " ".join(MARKDOWN_MARKS.sub(" ", text).split())) for offset, text in headings
    )
    return [(offset, by_name[name]) for offset, name in cleaned if name in by_name]


def best_section(query: SearchQuery, markdown_source: str, toc: list[dict]) -> dict | None:
    """The contents entry (`id`, `name`) of the section where the query matches best: the
    most matches, a match in its heading counting more, the first of equals. None when the
    body matches only before its first listed heading (or not at all)."""
    pattern = _pattern(query)
    if pattern is None or not toc or not markdown_source:
        return None
    sections = _sections(markdown_source, toc)
    if not sections:
        return None
    starts = [offset for offset, _ in sections]
    scores = [0] * len(sections)
    for match in pattern.finditer(markdown_source):
        index = bisect.bisect_right(starts, match.start()) - 1
        if index < 0:
            continue
        in_heading = markdown_source.find("\n", starts[index]) > match.start()
        scores[index] += HEADING_MATCH_WEIGHT if in_heading else 1
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    return sections[best][1] if scores[best] else None


# Results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    lesson: models.Model
    title: SafeString
    excerpt: SafeString
    section: dict | None = None  # the contents entry of the section that matches best

    @property
    def url(self) -> str:
        address = self.lesson.get_absolute_url()
        return f"{address}#{self.section['id']}" if self.section else address


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    total: int | None
    has_next: bool
    # What `find_lessons` was asked to read beside the hits (`also`), from the first row;
    # None when nothing was found.
    also: object = None


def find_lessons(
    visible: models.QuerySet,
    query: SearchQuery,
    *,
    offset: int,
    limit: int,
    count: bool,
    excerpts: bool = True,
    also: models.Expression | None = None,
) -> Results:
    """A page of lessons from `visible` that match, best first, highlighted; `count`
    adds the number of all matches (one more query); `also` is read in the same query."""
    if not query:
        return Results(hits=[], total=0, has_next=False)
    matching, ranked = search(visible, query)
    fields = ["title", "slug", "status", "visible_from", "category__name"]
    if excerpts:
        fields += ["summary", "body", "toc"]
    if count:
        # Counted in the same pass as the ranking, not by a second scan of the matches.
        ranked = ranked.annotate(total=Window(Count("pk")))
    if also is not None:
        ranked = ranked.annotate(also=also)
    rows = list(ranked.select_related("category").only(*fields)[offset : offset + limit + 1])
    hits = [
        Hit(
            lesson,
            highlight(lesson.title, query),
            excerpt(query, lesson.summary, lesson.body) if excerpts else mark_safe(""),
            best_section(query, lesson.body, lesson.toc) if excerpts else None,
        )
        for lesson in rows[:limit]
    ]
    total = None
    if count:
        total = rows[0].total if rows else (matching.count() if offset else 0)
    first = rows[0] if rows and also is not None else None
    return Results(
        hits=hits, total=total, has_next=len(rows) > limit, also=getattr(first, "also", None)
    )
