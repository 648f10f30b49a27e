"""The one Markdown renderer: Python-Markdown to HTML, then nh3 to keep only safe HTML."""

import html
import math
import re
from dataclasses import dataclass

import markdown
import nh3
from markdown.extensions.toc import slugify_unicode

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
# Headings, code highlighting and admonitions need their classes; anything else a
# hostile body sets (e.g. classes that mimic our UI) is dropped.
CLASS_PATTERN = re.compile(
    r"^(highlight|admonition(-title)?|note|tip|warning|danger|info|[a-z]{1,3}|language-[\w+-]+)$"
)


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: list[dict]
    reading_minutes: int


def slugify_heading(text: str, separator: str = "-") -> str:
    """Heading anchors that keep Hangul: '보안 설정' -> '보안-설정'."""
    return slugify_unicode(text, separator)


def _filter_class(tag: str, attribute: str, value: str) -> str | None:
    if attribute != "class":
        return value
    kept = [name for name in value.split() if CLASS_PATTERN.match(name)]
    return " ".join(kept) or None


def sanitize(unsafe_html: str) -> str:
    """Keep only the tags, attributes and URL schemes a lesson needs."""
    return nh3.clean(
        unsafe_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_filter_class,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
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


def render_markdown(source: str) -> Rendered:
    """Render Markdown to sanitized HTML with a table of contents and a reading time."""
    md = markdown.Markdown(
        extensions=["fenced_code", "tables", "toc", "admonition", "codehilite", "sane_lists"],
        extension_configs={
            "toc": {"slugify": slugify_heading, "toc_depth": "2-3"},
            "codehilite": {"css_class": "highlight", "guess_lang": False},
        },
        output_format="html",
    )
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
