"""A feed entry's HTML as a lesson's title, category, summary and Markdown body."""

import html
import re
import warnings

import nh3
from bs4 import MarkupResemblesLocatorWarning
from markdownify import MarkdownConverter

from lessons.authoring.feeds.reading import FeedEntry
from lessons.kernel.rendering import sanitize

TITLE_MAX_CHARS = 200
SUMMARY_MAX_CHARS = 300
CATEGORY_PREFIX = re.compile(r"^\s*\[([^\[\]]{1,100})\]\s*(.*)$", re.DOTALL)
HEADING_TAG = re.compile(r"<(/?)h([1-6])(?=[\s>/])", re.IGNORECASE)
BLOCK_END = re.compile(r"</(?:p|div|h[1-6]|li|tr|td|th|pre|blockquote)\s*>|<br\s*/?>", re.I)
# Text that looks like the start of a tag would become raw HTML in Markdown (and then be
# removed by the sanitizer): `kubectl get -o <format>` must keep its `<format>`.
TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
# A post whose whole text is an address ("https://…") is HTML to us, not a file name.
warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)


def plain(fragment: str) -> str:
    """Text of an HTML fragment on one line, tags and scripts removed."""
    spaced = BLOCK_END.sub(" ", fragment)
    return " ".join(html.unescape(nh3.clean(spaced, tags=set())).split())


def shorten(text: str, limit: int) -> str:
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
    title = plain(entry.title)
    category = plain(entry.category)
    prefixed = CATEGORY_PREFIX.match(title)
    if prefixed and prefixed[2].strip():
        category, title = prefixed[1], prefixed[2]
    category = " ".join(category.split()) or fallback_category
    return shorten(title.strip(), TITLE_MAX_CHARS), category[:100].strip()


def has_content(fragment: str) -> bool:
    return bool(plain(fragment)) or "<img" in fragment.lower()


def entry_summary(entry: FeedEntry) -> str:
    return shorten(plain(entry.summary_html or entry.content_html), SUMMARY_MAX_CHARS)
