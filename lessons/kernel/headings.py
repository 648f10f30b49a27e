"""Links beside a lesson's section headings (e.g. a study group's "질문하기" with its
count), put into the lesson's stored, sanitized HTML without rendering its Markdown again.

Where each section heading starts and ends is found once per body by an HTML parser (an
attribute may hold "</h2>", so no regular expression decides it) and kept in the process;
a page then only joins slices of the body with its links, escaped like any template.
"""

from dataclasses import dataclass
from functools import lru_cache
from html import escape
from html.parser import HTMLParser

from django.utils.safestring import SafeString, mark_safe

from lessons.kernel.panels import Action


@dataclass(frozen=True)
class Span:
    anchor: str
    start: int  # where "<h2" begins
    end: int  # just after "</h2>"


class _HeadingFinder(HTMLParser):
    def __init__(self, body: str, anchors: frozenset[str]):
        super().__init__(convert_charrefs=True)
        self.body = body
        self.anchors = anchors
        self.line_starts = [0]
        self.line_starts += [i + 1 for i, char in enumerate(body) if char == "\n"]
        self.spans: list[Span] = []
        self.open: tuple[str, str, int] | None = None  # tag, anchor, start
        self.seen: set[str] = set()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs) -> None:
        if tag not in ("h2", "h3") or self.open is not None:
            return
        anchor = dict(attrs).get("id")
        if anchor in self.anchors and anchor not in self.seen:
            self.open = (tag, anchor, self._offset())

    def handle_endtag(self, tag) -> None:
        if self.open is None or tag != self.open[0]:
            return
        end = self.body.index(">", self._offset()) + 1
        self.spans.append(Span(self.open[1], self.open[2], end))
        self.seen.add(self.open[1])
        self.open = None


@lru_cache(maxsize=128)
def heading_spans(body: str, anchors: frozenset[str]) -> tuple[Span, ...]:
    """The headings of `body` whose id is one of `anchors` (the first of each), in order."""
    finder = _HeadingFinder(body, anchors)
    finder.feed(body)
    finder.close()
    return tuple(finder.spans)


def _links(actions: list[Action], name: str) -> str:
    # Plain html.escape, as a template would escape: this runs once per heading per page.
    return "".join(
        f'<a class="section-action" href="{escape(action.url)}">{escape(str(action.label))}'
        f'<span class="visually-hidden">: {escape(name)}</span>'
        + (f' <span class="chip info">{escape(str(action.note))}</span>' if action.note else "")
        + "</a>"
        for action in actions
    )


def beside_headings(body: str, toc: list[dict], actions: dict[str, list[Action]]) -> SafeString:
    """`body` (a lesson's sanitized HTML) with each section heading that has actions
    wrapped together with its links; the body as it is when there are none."""
    if not actions:
        return mark_safe(body)  # noqa: S308 (sanitized when the lesson was saved)
    names = {entry["id"]: entry["name"] for entry in toc}
    pieces = []
    at = 0
    for span in heading_spans(body, frozenset(names)):
        if not actions.get(span.anchor):
            continue
        pieces += [
            body[at : span.start],
            '<div class="section-heading">',
            body[span.start : span.end],
            f'<p class="section-actions">{_links(actions[span.anchor], names[span.anchor])}</p>',
            "</div>",
        ]
        at = span.end
    pieces.append(body[at:])
    return mark_safe("".join(pieces))  # noqa: S308 (the body's slices and escaped links)
