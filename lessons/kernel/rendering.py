"""The one Markdown renderer: Python-Markdown to HTML, then nh3 to keep only safe HTML."""

import html
import math
import re
import threading
from dataclasses import dataclass

import markdown
import nh3
from markdown.extensions.toc import slugify_unicode
from pygments.formatters import HtmlFormatter
from pygments.token import STANDARD_TYPES

# Korean reads at roughly 500 characters a minute; code is skimmed, so it counts too.
CHARS_PER_MINUTE = 500

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl",
    "dt", "em", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p",
    "pre", "s", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"class", "title"},
    "a": {"href"},
    **{f"h{level}": {"id"} for level in range(2, 7)},
    "img": {"src", "alt", "width", "height"},
    "td": {"align"},
    "th": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Classes a body may carry: Pygments' token classes, admonitions and code languages.
# Anything else (e.g. classes that mimic the portal's own UI) is dropped.
PYGMENTS_CLASSES = {name for name in STANDARD_TYPES.values() if name}
BODY_CLASSES = PYGMENTS_CLASSES | {
    "highlight", "admonition", "admonition-title", "note", "tip", "warning", "danger", "info",
}  # fmt: skip
LANGUAGE_CLASS = re.compile(r"^language-[\w+-]+$")
# Ids the pages themselves use (the lesson page, the quiz, the admin preview): a heading
# or raw HTML in a body must not take them, or htmx would swap the wrong element.
RESERVED_IDS = {
    "main", "completion", "reading-position", "lesson-title", "toc-heading", "quiz-area",
    "quiz-form", "quiz-result", "markdown-preview", "language-select", "continue-heading",
    "announcer", "toasts", "completion-heading", "lesson-status", "attempt-history",
    "attempts-heading", "quiz-score", "quiz-errors-title", "home-title", "all-done-heading",
}  # fmt: skip
RESERVED_ID_PREFIXES = (
    "bar-", "question-", "category-", "portal-", "site-", "lesson-card-", "error-summary-",
)  # fmt: skip


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: list[dict]
    reading_minutes: int


def _is_reserved_id(value: str) -> bool:
    return value in RESERVED_IDS or value.startswith(RESERVED_ID_PREFIXES)


def slugify_heading(text: str, separator: str = "-") -> str:
    """Heading anchors that keep Hangul ('보안 설정' -> '보안-설정') and never take an
    id the page itself uses."""
    slug = slugify_unicode(text, separator)
    return f"{slug}{separator}section" if _is_reserved_id(slug) else slug


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return None if _is_reserved_id(value) else value
    if attribute == "class":
        kept = [n for n in value.split() if n in BODY_CLASSES or LANGUAGE_CLASS.match(n)]
        return " ".join(kept) or None
    return value


def sanitize(unsafe_html: str) -> str:
    """Keep only the tags, attributes and URL schemes a lesson needs."""
    return nh3.clean(
        unsafe_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_filter_attribute,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        # Code and tables scroll sideways inside themselves on phones; a keyboard user
        # must be able to focus them to scroll.
        set_tag_attribute_values={"pre": {"tabindex": "0"}, "table": {"tabindex": "0"}},
    )


def _flatten_toc(tokens: list[dict]) -> list[dict]:
    flat = []
    for token in tokens:
        if token["level"] in (2, 3):
            flat.append(
                {"id": token["id"], "name": html.unescape(token["name"]), "level": token["level"]}
            )
        flat.extend(_flatten_toc(token["children"]))
    return flat


class _CodeFormatter(HtmlFormatter):
    """Pygments' HTML formatter with its style's class table built once per style, not
    once per code block (a lesson of 40 blocks spent a third of its rendering there).
    The table is read, never changed, after it is built."""

    _tables: dict = {}

    def _create_stylesheet(self):
        key = (self.style, self.classprefix)
        if key not in self._tables:
            super()._create_stylesheet()
            self._tables[key] = (self.ttype2class, self.class2style)
        self.ttype2class, self.class2style = self._tables[key]


CODEHILITE = {"css_class": "highlight", "guess_lang": False, "pygments_formatter": _CodeFormatter}
# A Markdown reader is built once per thread and reset before each text: building one
# (its extensions, patterns and processors) cost as much as converting a short text.
_readers = threading.local()


def _lesson_reader() -> markdown.Markdown:
    md = getattr(_readers, "lesson", None)
    if md is None:
        md = _readers.lesson = markdown.Markdown(
            extensions=["fenced_code", "tables", "toc", "admonition", "codehilite", "sane_lists"],
            extension_configs={
                "toc": {"slugify": slugify_heading, "toc_depth": "2-3"},
                "codehilite": CODEHILITE,
                "tables": {"use_align_attribute": True},
            },
            output_format="html",
        )
    return md.reset()


def render_markdown(source: str) -> Rendered:
    """Render Markdown to sanitized HTML with a table of contents and a reading time."""
    md = _lesson_reader()
    rendered = md.convert(source)
    text_length = len(re.sub(r"\s+", "", source))
    return Rendered(
        html=sanitize(rendered),
        toc=_flatten_toc(md.toc_tokens),
        reading_minutes=max(1, math.ceil(text_length / CHARS_PER_MINUTE)),
    )


def render_inline(source: str) -> str:
    """Short Markdown (a quiz prompt, an explanation) rendered and sanitized the same way."""
    return render_markdown(source).html


# Posts (a study group's questions and answers) are written by any member, so they get a
# stricter allow-list than lessons: text, lists, quotes, links and code; no images, no
# headings, tables or ids (a post must not take an anchor of the page), no raw HTML
# (escaped by the Markdown reader, then nothing of it survives nh3 either).
POST_TAGS = {
    "a", "b", "blockquote", "br", "code", "del", "div", "em", "hr", "i", "kbd", "li", "ol",
    "p", "pre", "s", "span", "strong", "ul",
}  # fmt: skip
POST_ATTRIBUTES = {"*": {"class"}, "a": {"href"}, "ol": {"start"}}
POST_LINK_REL = "nofollow ugc noopener"


def _filter_post_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        kept = [n for n in value.split() if n in PYGMENTS_CLASSES | {"highlight"}]
        kept += [n for n in value.split() if LANGUAGE_CLASS.match(n)]
        return " ".join(kept) or None
    return value


def sanitize_post(unsafe_html: str) -> str:
    """Keep only what a member's post needs; links marked as user-written."""
    return nh3.clean(
        unsafe_html,
        tags=POST_TAGS,
        attributes=POST_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_filter_post_attribute,
        link_rel=POST_LINK_REL,
        strip_comments=True,
        clean_content_tags={"script", "style"},
        set_tag_attribute_values={"pre": {"tabindex": "0"}},
    )


def render_post(source: str) -> str:
    """A member's Markdown (text, lists, links, fenced code) as sanitized HTML; any HTML
    they typed is shown as text, never kept as markup."""
    md = getattr(_readers, "post", None)
    if md is None:
        md = _readers.post = markdown.Markdown(
            extensions=["fenced_code", "codehilite", "sane_lists"],
            extension_configs={"codehilite": CODEHILITE},
            output_format="html",
        )
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
    return sanitize_post(md.reset().convert(source))
