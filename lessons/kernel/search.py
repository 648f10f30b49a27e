"""Lesson search: one analyzer for documents and queries, a tsvector index on PostgreSQL
and a plain-text fallback on SQLite, and ranking (what a result shows, highlighted, is
lessons/kernel/search_results.py).

Korean words carry particles (`배포를`, `파드에서`) and many terms are two syllables, so
runs of Hangul (and other CJK scripts) are indexed as overlapping two-syllable grams, the
way Lucene's CJK bigram filter does: `컨테이너런타임을` becomes `컨테 테이 이너 너런 런타 타임
임을`. Any query of two or more syllables is then a phrase of its grams, found inside
longer words and compounds. Other words (`kubelet`, `containerd`, `k8s`) are indexed
whole and searched by prefix.

On PostgreSQL the grams are written as a `tsvector` literal, with positions and weights
(title A, summary B, body D), and queries as a `tsquery` literal. Neither goes through
PostgreSQL's text-search parser, so the result does not depend on the database's locale
(a `C` LC_CTYPE database indexes Hangul like any other); a GIN index serves `@@`.
On SQLite the document is the normalized text, searched with LIKE.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connections, models
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    Q,
    Value,
    When,
)
from django.db.models.functions import Length, Replace

# Scripts written without spaces between words (or with particles glued to them):
# Hiragana, Katakana, CJK ideographs, Hangul syllables.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff"
# Loose jamo (`ㅋㅋ`, or the half-typed syllable of an input method) are not words.
JAMO = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\ud7b0-\ud7ff"
TOKEN = re.compile(rf"(?P<cjk>[{CJK}]+)|(?P<word>[^\W_{CJK}{JAMO}]+)")
# Link and image targets, HTML tags and code-fence info strings are not lesson text.
MARKUP = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)|<[^>]{0,200}>|^```.*$", re.MULTILINE)

MAX_QUERY_CHARS = 100
MAX_QUERY_TERMS = 8
MAX_WORD_CHARS = 64
# tsvector positions stop at 16383 and keep at most 256 positions per lexeme.
MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 256
# Particles and endings that a query word may carry; a query word ending in one also
# matches its stem (`네트워크를` finds `네트워크는`). Longest first.
PARTICLES = (
    "에서는", "으로는", "에서", "에게", "으로", "까지", "부터", "처럼", "보다", "이나",
    "하고", "한테", "은", "는", "이", "가", "을", "를", "의", "에", "도", "와", "과",
    "로", "만",
)  # fmt: skip
WEIGHTS = (("title", "A"), ("summary", "B"), ("body", "D"))


def normalize(text: str) -> str:
    """Fold width and case the same way for documents and queries: 'ＫＵＢＥ' -> 'kube'."""
    return unicodedata.normalize("NFKC", text).casefold()


def grams(run: str) -> list[str]:
    """Overlapping two-character grams of a CJK run; a lone syllable is its own gram."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def tokens(text: str) -> Iterable[tuple[str, str]]:
    """('cjk', run) and ('word', word) pairs of normalized text, in order."""
    for match in TOKEN.finditer(normalize(text)):
        if match["cjk"]:
            yield "cjk", match["cjk"]
        else:
            yield "word", match["word"][:MAX_WORD_CHARS]


def plain_text(markdown_source: str) -> str:
    """Lesson text without link targets, tags and code-fence markers."""
    return MARKUP.sub(" ", markdown_source)


# Documents ---------------------------------------------------------------------------


def tsvector_literal(fields: Iterable[tuple[str, str]]) -> str:
    """A tsvector in PostgreSQL's input syntax for (text, weight) fields, e.g.
    `'런타':3A '타임':4A 'kubelet':9`. Positions run on across fields with a gap, so that a
    phrase never spans the title and the body."""
    positions: dict[str, list[str]] = {}
    position = 0
    for text, weight in fields:
        suffix = "" if weight == "D" else weight
        for kind, token in tokens(text):
            lexemes = grams(token) if kind == "cjk" else [token]
            for lexeme in lexemes:
                position += 1
                # Past the last position PostgreSQL stores, wrap: neighbours stay
                # neighbours, so phrases still match in the tail of a long lesson.
                stored = (position - 1) % MAX_POSITION + 1
                entry = positions.setdefault(lexeme, [])
                if len(entry) < MAX_POSITIONS_PER_LEXEME:
                    entry.append(f"{stored}{suffix}")
            if kind == "word":
                continue
            position += 1  # a gap: grams of two runs never read as one phrase
        position += 1
    return " ".join(f"{_quote(lexeme)}:{','.join(p)}" for lexeme, p in positions.items())


def plain_document(fields: Iterable[tuple[str, str]]) -> str:
    """SQLite's document: the normalized text of the fields, one per line."""
    return "\n".join(normalize(text) for text, _ in fields)


class SearchSource:
    """The texts a document is built from; the field turns it into the database's form."""

    def __init__(self, fields: list[tuple[str, str]]):
        self.fields = fields

    def for_vendor(self, vendor: str) -> str:
        cleaned = [(plain_text(text), weight) for text, weight in self.fields]
        if vendor == "postgresql":
            return tsvector_literal(cleaned)
        return plain_document(cleaned)


class SearchDocumentField(models.TextField):
    """Lesson text prepared for search, rebuilt from the weighted source fields on every
    save: a `tsvector` on PostgreSQL, normalized text elsewhere."""

    def __init__(self, *args, weighted_fields=WEIGHTS, **kwargs):
        self.weighted_fields = tuple((name, weight) for name, weight in weighted_fields)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.weighted_fields != WEIGHTS:
            kwargs["weighted_fields"] = self.weighted_fields
        kwargs.pop("editable", None)
        if kwargs.get("default") == "":
            kwargs.pop("default")
        return name, path, args, kwargs

    def db_type(self, connection) -> str:
        return "tsvector" if connection.vendor == "postgresql" else "text"

    def pre_save(self, model_instance, add: bool):
        return SearchSource(
            [
                (str(getattr(model_instance, name) or ""), weight)
                for name, weight in self.weighted_fields
            ]
        )

    def get_db_prep_save(self, value, connection):
        if isinstance(value, SearchSource):
            value = value.for_vendor(connection.vendor)
        return super().get_db_prep_save(value, connection)

    def get_placeholder_sql(self, value, compiler, connection) -> tuple[str, tuple]:
        if hasattr(value, "as_sql"):
            return compiler.compile(value)
        return ("%s::tsvector" if connection.vendor == "postgresql" else "%s"), (value,)


# Queries -----------------------------------------------------------------------------


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _stem(run: str) -> str | None:
    for particle in PARTICLES:
        if run.endswith(particle) and len(run) - len(particle) >= 2:
            return run[: -len(particle)]
    return None


@dataclass(frozen=True)
class Term:
    """One word of a query: a CJK run (matched as a phrase of its grams, or by its stem)
    or another word (matched by prefix)."""

    kind: str
    text: str

    @property
    def forms(self) -> list[str]:
        """What the term matches, literally, in a lesson's text."""
        stem = _stem(self.text) if self.kind == "cjk" else None
        return [self.text, stem] if stem else [self.text]

    def tsquery(self, weight: str) -> str:
        if self.kind == "word":
            return f"{_quote(self.text)}:*{weight}"
        if len(self.text) == 1:
            return f"{_quote(self.text)}:*{weight}"
        phrases = [
            " <-> ".join(f"{_quote(gram)}{':' + weight if weight else ''}" for gram in grams(form))
            for form in self.forms
        ]
        return " | ".join(f"({phrase})" for phrase in phrases)


@dataclass(frozen=True)
class SearchQuery:
    text: str
    terms: tuple[Term, ...]

    def __bool__(self) -> bool:
        return bool(self.terms)

    def tsquery(self, weight: str = "") -> str:
        """Every term must match; `weight` 'A' restricts the match to titles."""
        return " & ".join(f"({term.tsquery(weight)})" for term in self.terms)

    @property
    def highlight_forms(self) -> list[str]:
        forms = {form for term in self.terms for form in term.forms}
        return sorted(forms, key=len, reverse=True)


def parse_query(raw: str) -> SearchQuery:
    """The query as typed, capped and cleaned (control characters, NUL bytes dropped),
    and its terms."""
    text = "".join(ch for ch in raw[: MAX_QUERY_CHARS * 4] if ch.isprintable() or ch == " ")
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_CHARS:
        cut = text[: MAX_QUERY_CHARS + 1]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut[:MAX_QUERY_CHARS]
    terms: list[Term] = []
    for kind, token in tokens(text):
        term = Term(kind, token)
        if term not in terms:
            terms.append(term)
    return SearchQuery(text=text, terms=tuple(terms[:MAX_QUERY_TERMS]))


class _TsQuery(Func):
    template = "(%(expressions)s)::tsquery"
    output_field = models.TextField()


class _Matches(Func):
    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def search(
    queryset: models.QuerySet, query: SearchQuery
) -> tuple[models.QuerySet, models.QuerySet]:
    """(matching lessons, the same ranked: title matches first, then by relevance).

    The first is for counting, the second for showing a page of results."""
    if connections[queryset.db].vendor == "postgresql":
        return _search_postgresql(queryset, query)
    return _search_fallback(queryset, query)


def _title_hit(query: SearchQuery) -> Case:
    """1 when the title holds every term (its shortest form), else 0. A plain substring
    test on the short title column: cheap on every row, and the same on both databases."""
    every_term = Q()
    for term in query.terms:
        every_term &= Q(title__icontains=term.forms[-1])
    return Case(When(every_term, then=Value(1)), default=Value(0))


def _search_postgresql(queryset, query: SearchQuery):
    document = F("search_document")
    tsquery = _TsQuery(Value(query.tsquery()))
    matching = queryset.filter(_Matches(document, tsquery))
    ranked = matching.annotate(
        title_hit=_title_hit(query),
        rank=Func(document, tsquery, function="ts_rank", output_field=FloatField()),
    ).order_by("-title_hit", "-rank", "id")
    return matching, ranked


def _search_fallback(queryset, query: SearchQuery):
    """LIKE on the normalized text; ranked by title matches, then by how often the terms
    occur."""
    matching = queryset
    occurrences = Value(0)
    for term in query.terms:
        any_form = Q()
        for form in term.forms:
            any_form |= Q(search_document__contains=form)
        matching = matching.filter(any_form)
        shortest = term.forms[-1]
        without = Replace(F("search_document"), Value(shortest), Value(""))
        occurrences = occurrences + (Length("search_document") - Length(without)) / len(shortest)
    ranked = matching.annotate(title_hit=_title_hit(query), rank=occurrences).order_by(
        "-title_hit", "-rank", "id"
    )
    return matching, ranked
