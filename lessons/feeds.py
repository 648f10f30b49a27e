"""Import a blog's RSS 2.0 or Atom feed (or export) as lessons.

The feed is read twice, streaming, so that memory stays bounded however many entries it
has: the first pass checks that the XML is well formed and decides what happens to each
entry (create, update, skip, and which of two copies of one entry wins); the second
converts each entry's HTML to Markdown and writes it, all in one transaction. A file that
breaks halfway therefore changes nothing.
"""

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import BinaryIO

import nh3
from django.conf import settings
from django.db import reset_queries, transaction
from django.db.models import Max
from django.utils.text import slugify
from markdownify import MarkdownConverter

from lessons.models import Category, Lesson
from lessons.rendering import sanitize

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
XHTML = "{http://www.w3.org/1999/xhtml}"

TITLE_MAX_CHARS = 200
SUMMARY_MAX_CHARS = 300
CATEGORY_PREFIX = re.compile(r"^\s*\[([^\[\]]{1,100})\]\s*(.*)$", re.DOTALL)
HEADING_TAG = re.compile(r"<(/?)h([1-6])(?=[\s>/])", re.IGNORECASE)
BLOCK_END = re.compile(r"</(?:p|div|h[1-6]|li|tr|td|th|pre|blockquote)\s*>|<br\s*/?>", re.I)
# Text that looks like the start of a tag would become raw HTML in Markdown (and then be
# removed by the sanitizer): `kubectl get -o <format>` must keep its `<format>`.
TAG_START = re.compile(r"<(?=[A-Za-z/!?])")


class FeedError(Exception):
    """The file is not a well-formed RSS 2.0 or Atom feed; `where` says where it broke."""


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

    @property
    def source_url(self) -> str:
        """Where the entry lives: its link, else its id when that is a web address."""
        for candidate in (self.link, self.entry_id):
            if _is_web_url(candidate):
                return candidate
        return ""

    @property
    def keys(self) -> list[str]:
        """What matches this entry to a lesson imported before (its `source_url`)."""
        return [k for k in dict.fromkeys((self.link, self.entry_id)) if _is_web_url(k)]


@dataclass
class Outcome:
    number: int
    title: str
    slug: str = ""
    category: str = ""
    reason: str = ""


@dataclass
class FeedImportResult:
    created: list[Outcome] = field(default_factory=list)
    updated: list[Outcome] = field(default_factory=list)
    unchanged: list[Outcome] = field(default_factory=list)
    skipped: list[Outcome] = field(default_factory=list)
    new_categories: list[str] = field(default_factory=list)
    dry_run: bool = False


# Reading the XML ---------------------------------------------------------------------


def _is_web_url(value: str) -> bool:
    return value.startswith(("http://", "https://")) and len(value) <= 500 and " " not in value


def _text(element: ET.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _atom_html(element: ET.Element | None) -> str:
    """An Atom text construct as HTML, whatever its type (text, html or xhtml)."""
    if element is None:
        return ""
    kind = element.get("type", "text")
    if kind == "xhtml":
        div = element.find(f"{XHTML}div")
        inner = div if div is not None else element
        for descendant in inner.iter():
            descendant.tag = descendant.tag.rsplit("}", 1)[-1]
        parts = [html.escape(inner.text or "")]
        parts += [ET.tostring(child, encoding="unicode", method="html") for child in inner]
        return "".join(parts)
    if kind in ("html", "text/html"):
        return element.text or ""
    return html.escape(element.text or "")


def _rss_entry(item: ET.Element, number: int) -> FeedEntry:
    guid = _text(item.find("guid"))
    category = next((_text(c) for c in item.findall("category") if _text(c)), "")
    if not category:
        category = _text(item.find(f"{DC}subject"))
    # With content:encoded, the description is a summary; without, it is the post.
    content = item.find(f"{CONTENT}encoded")
    description = item.findtext("description") or ""
    return FeedEntry(
        number=number,
        entry_id=guid,
        link=_text(item.find("link")),
        title=item.findtext("title") or "",
        category=category,
        summary_html=description if content is not None else "",
        content_html=(content.text or "") if content is not None else description,
        published=_date(_text(item.find("pubDate")) or _text(item.find(f"{DC}date"))),
    )


def _atom_entry(entry: ET.Element, number: int) -> FeedEntry:
    link = ""
    for candidate in entry.findall(f"{ATOM}link"):
        if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
            link = candidate.get("href", "").strip()
            break
    category = next(
        (
            (c.get("label") or c.get("term") or "").strip()
            for c in entry.findall(f"{ATOM}category")
            if (c.get("label") or c.get("term") or "").strip()
        ),
        "",
    )
    published = _date(_text(entry.find(f"{ATOM}published")))
    updated = _date(_text(entry.find(f"{ATOM}updated")))
    return FeedEntry(
        number=number,
        entry_id=_text(entry.find(f"{ATOM}id")),
        link=link,
        title=_plain(_atom_html(entry.find(f"{ATOM}title"))),
        category=category,
        summary_html=_atom_html(entry.find(f"{ATOM}summary")),
        content_html=_atom_html(entry.find(f"{ATOM}content")),
        published=published or updated,
        updated=updated,
    )


def iter_entries(source: Path | BinaryIO) -> Iterator[FeedEntry]:
    """Yield the entries of an RSS 2.0 or Atom file one at a time, keeping only the entry
    being read in memory. Raises FeedError at the first thing that is not a feed.

    Entity expansion (the "billion laughs") is stopped by expat itself (2.4.1 and later
    refuse runaway amplification); external entities are never fetched."""
    if not isinstance(source, Path):
        source.seek(0)
    parents: list[ET.Element] = []
    kind, entry_tag = "", ""
    number = 0
    try:
        for event, element in ET.iterparse(source, events=("start", "end")):  # noqa: S314
            if event == "start":
                if not parents:
                    kind = _feed_kind(element)
                    entry_tag = "item" if kind == "rss" else f"{ATOM}entry"
                parents.append(element)
                continue
            parents.pop()
            if element.tag == entry_tag:
                number += 1
                yield (_rss_entry if kind == "rss" else _atom_entry)(element, number)
                element.clear()
                if parents:
                    parents[-1].remove(element)
    except ET.ParseError as error:
        line, column = error.position
        raise FeedError(f"line {line}, column {column + 1}: {_parse_message(error)}") from error
    except OSError as error:
        raise FeedError(str(error)) from error
    if not kind:
        raise FeedError("the file is empty")


def _parse_message(error: ET.ParseError) -> str:
    # "mismatched tag: line 3, column 4" -> "mismatched tag"
    return str(error).split(": line ")[0]


def _feed_kind(root: ET.Element) -> str:
    if root.tag == "rss":
        return "rss"
    if root.tag == f"{ATOM}feed":
        return "atom"
    tag = root.tag.rsplit("}", 1)[-1]
    raise FeedError(f"line 1: <{tag}> is not an RSS 2.0 or Atom feed")


# Converting an entry -----------------------------------------------------------------


def _plain(fragment: str) -> str:
    """Text of an HTML fragment on one line, tags and scripts removed."""
    spaced = BLOCK_END.sub(" ", fragment)
    return " ".join(html.unescape(nh3.clean(spaced, tags=set())).split())


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + "…"


class _LessonMarkdown(MarkdownConverter):
    def escape(self, text, parent_tags):
        return TAG_START.sub("&lt;", super().escape(text, parent_tags))


def _code_language(element) -> str:
    for candidate in (element, element.find("code")):
        for name in (candidate.get("class") or []) if candidate is not None else []:
            if name.startswith("language-"):
                return name.removeprefix("language-")
    return ""


def html_to_markdown(fragment: str) -> str:
    """Markdown for a blog post's HTML: sanitized first (scripts, event handlers,
    `javascript:` links, iframes and inline styles go), then converted. A post that uses
    <h1> has its headings moved down a level: a lesson's own title is its only <h1>."""
    if re.search(r"<h1[\s>]", fragment, re.IGNORECASE):
        fragment = HEADING_TAG.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + 1, 6)}", fragment)
    converter = _LessonMarkdown(
        heading_style="atx", bullets="-", code_language_callback=_code_language
    )
    markdown_text = converter.convert(sanitize(fragment))
    return re.sub(r"\n{3,}", "\n\n", markdown_text).strip() + "\n"


def entry_title(entry: FeedEntry, fallback_category: str) -> tuple[str, str]:
    """(title, category name): `[CKA] Title` names its category; else the entry's own
    category; else the fallback."""
    title = _plain(entry.title)
    category = entry.category
    prefixed = CATEGORY_PREFIX.match(title)
    if prefixed and prefixed[2].strip():
        category, title = prefixed[1], prefixed[2]
    category = " ".join(category.split()) or fallback_category
    return _shorten(title.strip(), TITLE_MAX_CHARS), category[:100]


def has_content(fragment: str) -> bool:
    return bool(_plain(fragment)) or "<img" in fragment.lower()


def entry_summary(entry: FeedEntry) -> str:
    return _shorten(_plain(entry.summary_html or entry.content_html), SUMMARY_MAX_CHARS)


# Planning and importing --------------------------------------------------------------


@dataclass
class _Plan:
    number: int
    title: str
    category: str
    keys: list[str]
    lesson_id: int | None
    date: datetime | None
    problem: str = ""


def _plan(entry: FeedEntry, fallback_category: str, existing: dict[str, int]) -> _Plan:
    title, category = entry_title(entry, fallback_category)
    keys = entry.keys
    plan = _Plan(
        number=entry.number,
        title=title,
        category=category,
        keys=keys,
        lesson_id=next((existing[k] for k in keys if k in existing), None),
        date=entry.updated or entry.published,
    )
    if not title:
        plan.problem = "no title"
    elif not has_content(entry.content_html or entry.summary_html):
        plan.problem = "no content"
    elif not keys:
        plan.problem = "no link or id that is a web address, so it could not be matched later"
    elif not category:
        plan.problem = "no category: name one with [Category] in the title or --category"
    return plan


def _scan(
    source, fallback_category: str, existing: dict[str, int]
) -> tuple[dict[int, _Plan], list[Outcome]]:
    """First pass: every entry's plan, with the duplicates of one entry resolved (the
    most recently updated copy wins; of equals, the first)."""
    plans: dict[int, _Plan] = {}
    skipped: list[Outcome] = []
    winner_by_key: dict[str, int] = {}
    for entry in iter_entries(source):
        plan = _plan(entry, fallback_category, existing)
        if plan.problem:
            skipped.append(Outcome(entry.number, plan.title or "(no title)", reason=plan.problem))
            continue
        earlier = next((winner_by_key[k] for k in plan.keys if k in winner_by_key), None)
        winner, loser = plan, None
        if earlier is not None:
            winner, loser = plans[earlier], plan
            if plan.date and (winner.date is None or plan.date > winner.date):
                winner, loser = plan, winner
                del plans[loser.number]
            winner.lesson_id = winner.lesson_id or loser.lesson_id
            winner.keys = list(dict.fromkeys(winner.keys + loser.keys))
            skipped.append(
                Outcome(
                    loser.number,
                    loser.title,
                    reason=f"the same entry (id/link) as entry {winner.number}, which is used",
                )
            )
        plans[winner.number] = winner
        for key in winner.keys:
            winner_by_key[key] = winner.number
    return plans, skipped


def _new_positions(plans: dict[int, _Plan], categories: "_Categories") -> dict[int, int]:
    """Positions of new lessons: after their category's last lesson, oldest entry first."""
    ends = dict(Lesson.objects.values_list("category_id").annotate(m=Max("position")).order_by())
    positions: dict[int, int] = {}
    new = sorted(
        (p for p in plans.values() if p.lesson_id is None),
        key=lambda p: (p.date or datetime.max.replace(tzinfo=UTC), p.number),
    )
    for plan in new:
        category = categories.get(plan.category)
        key = category.pk or category.slug
        ends[key] = ends.get(key, 0) + 1
        positions[plan.number] = ends[key]
    return positions


class _Categories:
    """Categories by name (or slug), created when first needed; in a dry run, only noted."""

    def __init__(self, dry_run: bool):
        self.dry_run = dry_run
        self.by_name: dict[str, Category] = {}
        for category in Category.objects.all():
            self.by_name.setdefault(category.name.casefold(), category)
            self.by_name.setdefault(category.slug, category)
        self.created: list[str] = []
        self.next_position = (Category.objects.aggregate(m=Max("position"))["m"] or 0) + 1

    def get(self, name: str) -> Category:
        found = self.by_name.get(name.casefold()) or self.by_name.get(
            slugify(name, allow_unicode=True)
        )
        if found is not None:
            return found
        slug = slugify(name, allow_unicode=True)[:100] or f"category-{self.next_position}"
        category = Category(name=name, slug=slug, position=self.next_position)
        if not self.dry_run:
            category.save()
        self.next_position += 1
        self.created.append(name)
        self.by_name[name.casefold()] = self.by_name[slug] = category
        return category


class _Slugs:
    def __init__(self) -> None:
        self.taken = set(Lesson.objects.values_list("slug", flat=True))

    def new(self, title: str, number: int) -> str:
        base = slugify(title, allow_unicode=True)[:190].strip("-_") or f"entry-{number}"
        slug, n = base, 2
        while slug in self.taken:
            slug, n = f"{base}-{n}", n + 1
        self.taken.add(slug)
        return slug


def import_feed(
    source: Path | BinaryIO,
    *,
    category: str = "",
    publish: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], Callable[[], None]] | None = None,
) -> FeedImportResult:
    """Create or update one lesson per feed entry; see the module docstring.

    `category` names the category of entries that name none; `progress(total)` returns a
    function called once per entry of the second pass."""
    existing = {
        url: pk
        for pk, url in Lesson.objects.exclude(source_url="")
        .order_by()
        .values_list("id", "source_url")
    }
    plans, skipped = _scan(source, category.strip(), existing)
    result = FeedImportResult(skipped=skipped, dry_run=dry_run)
    step = progress(len(plans) + len(skipped)) if progress else None
    with transaction.atomic():
        categories = _Categories(dry_run)
        positions = _new_positions(plans, categories)
        slugs = _Slugs()
        for entry in iter_entries(source):
            plan = plans.get(entry.number)
            if plan is not None:
                _apply(entry, plan, categories, slugs, positions, publish, result)
            if step:
                step()
            if entry.number % 100 == 0:
                # With DEBUG on, every query (each with a whole lesson in it) is kept
                # for the toolbar; a long import would grow by megabytes per hundred.
                reset_queries()
        result.new_categories = categories.created
        if dry_run:
            transaction.set_rollback(True)
    result.skipped.sort(key=lambda outcome: outcome.number)
    return result


def _apply(entry, plan, categories, slugs, positions, publish, result) -> None:
    body = html_to_markdown(entry.content_html or entry.summary_html)
    if len(body) > settings.LESSON_BODY_MAX_CHARS:
        result.skipped.append(
            Outcome(
                plan.number,
                plan.title,
                reason=f"body is longer than {settings.LESSON_BODY_MAX_CHARS} characters",
            )
        )
        return
    values = {
        "title": plan.title,
        "summary": entry_summary(entry),
        "body": body,
        "source_url": entry.source_url,
        "published_at": entry.published,
    }
    if plan.lesson_id is None:
        target = categories.get(plan.category)
        lesson = Lesson(
            category=target,
            slug=slugs.new(plan.title, plan.number),
            position=positions[plan.number],
            status=Lesson.Status.PUBLISHED if publish else Lesson.Status.DRAFT,
            **values,
        )
        if not categories.dry_run:
            lesson.save()
        result.created.append(Outcome(plan.number, plan.title, lesson.slug, target.name))
        return
    lesson = Lesson.objects.select_related("category").get(pk=plan.lesson_id)
    outcome = Outcome(plan.number, plan.title, lesson.slug, lesson.category.name)
    if all(getattr(lesson, name) == value for name, value in values.items()):
        result.unchanged.append(outcome)
        return
    for name, value in values.items():
        setattr(lesson, name, value)
    if not categories.dry_run:
        lesson.save()
    result.updated.append(outcome)
