"""Shared parts of the property-based tests: hostile text, one rolled-back example at a
time, and what "nothing unsafe in stored HTML" means."""

from contextlib import contextmanager
from html.parser import HTMLParser

from django.db import transaction
from hypothesis import strategies as st

from lessons.kernel.rendering import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, RESERVED_IDS, URL_SCHEMES

# Pieces that have broken web apps before: markup, scripts, template and YAML syntax,
# path tricks, NUL and other control characters, bidi overrides, huge numbers, Hangul.
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    "[x](javascript:alert(1))",
    "![x](data:text/html,<script>alert(1)</script>)",
    "<iframe src=//evil.example>",
    "<style>body{display:none}</style>",
    '<div id="quiz-form">x</div>',
    "## 목차 {#quiz-form}",
    "{{ request }}{% debug %}",
    "&a *a !!binary <<: ",
    "---",
    "a/b",
    "../../etc/passwd",
    "\x00",
    "\x07\x1b[31m",
    "\u202eevil",
    "\ufeff",
    "' OR 1=1 --",
    "99999999999999999999999",
    "-1",
    "가" * 300,
    "\u1100\u1161\u11a8",
    "```python\nprint(1)\n```",
    "!!! note\n    안의 글",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "\n\n- 하나\n- 둘\n",
]
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40)), max_size=5).map(
    "".join
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(),
    st.dates(),
    hostile_text,
)


@contextmanager
def rolled_back():
    """One example's writes, undone afterwards: the next example starts from the same rows."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.found.append((tag, attrs))


def assert_safe_html(html: str) -> None:
    """Only the sanitizer's tags and attributes, links only to web and mail addresses, and
    none of the ids the pages use for themselves."""
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag in ALLOWED_TAGS, tag
        # nh3 adds rel="noopener noreferrer" to every link itself, and the sanitizer makes
        # code blocks and tables focusable (tabindex="0") so they can be scrolled by keyboard.
        added = {"rel"} | ({"tabindex"} if tag in ("pre", "table") else set())
        allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, set()) | added
        for name, value in attrs:
            assert name in allowed or name == "id", (tag, name)
            if name in ("href", "src") and value and ":" in value.split("/")[0]:
                assert value.split(":")[0].lower() in URL_SCHEMES, value
            if name == "id":
                assert value not in RESERVED_IDS, value
