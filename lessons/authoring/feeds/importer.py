"""Import a blog's feed (RSS, Atom, or a WordPress export) as lessons.

The document is read once (lessons/authoring/feeds/reading.py); then, in one transaction, a first
pass decides what happens to each entry (create, update, skip, and which of two copies of
one entry wins) and a second converts each entry's HTML to Markdown and writes it. An
import that breaks halfway therefore changes nothing; a dry run rolls everything back.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import reset_queries, transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lessons.authoring.feeds.converting import (
    entry_summary,
    entry_title,
    has_content,
    html_to_markdown,
)
from lessons.authoring.feeds.reading import (
    FeedDocument,
    FeedEntry,
    FeedError,
    read_feed,
    too_large_message,
)
from lessons.models import Category, Lesson


@dataclass
class Outcome:
    number: int
    title: str
    slug: str = ""
    category: str = ""
    reason: str = ""
    code: str = ""  # "no-category": a tool other than the admin's form words it its own way


@dataclass
class FeedImportResult:
    created: list[Outcome] = field(default_factory=list)
    updated: list[Outcome] = field(default_factory=list)
    unchanged: list[Outcome] = field(default_factory=list)
    skipped: list[Outcome] = field(default_factory=list)
    new_categories: list[str] = field(default_factory=list)
    dry_run: bool = False
    read_as: str = ""  # the document's format and encoding, e.g. "RSS 2.0, euc-kr"


def read_source(source: Path | BinaryIO | bytes) -> bytes:
    """The document's bytes, refusing (before reading it all) one over the size cap."""
    limit = settings.FEED_MAX_BYTES
    if isinstance(source, bytes):
        return source
    try:
        if isinstance(source, Path):
            if source.stat().st_size > limit:
                raise FeedError(too_large_message())
            return source.read_bytes()
        source.seek(0)
        data = source.read(limit + 1)
    except OSError as error:
        raise FeedError(error.strerror or str(error)) from error
    if len(data) > limit:
        raise FeedError(too_large_message())
    return data


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
    code: str = ""


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
    # The reasons are read in the admin's import page, in the editor's language.
    if entry.problem:
        plan.problem = entry.problem
    elif not title:
        plan.problem = _("no title")
    elif not has_content(entry.content_html or entry.summary_html):
        plan.problem = _("no content")
    elif not keys:
        plan.problem = _("no link or id that is a web address, so it could not be matched later")
    elif not category:
        plan.code = "no-category"
        plan.problem = _(
            "no category: name one with [Category] in the title or choose a category in the form"
        )
    return plan


def _scan(
    entries: list[FeedEntry], fallback_category: str, existing: dict[str, int]
) -> tuple[dict[int, _Plan], list[Outcome]]:
    """First pass: every entry's plan, with the duplicates of one entry resolved (the
    most recently updated copy wins; of equals, the first)."""
    plans: dict[int, _Plan] = {}
    skipped: list[Outcome] = []
    winner_by_key: dict[str, int] = {}
    for entry in entries:
        plan = _plan(entry, fallback_category, existing)
        if plan.problem:
            skipped.append(
                Outcome(
                    entry.number, plan.title or _("(no title)"), reason=plan.problem,
                    code=plan.code,
                )
            )  # fmt: skip
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
                    reason=_("the same entry (id/link) as entry %(number)d, which is used")
                    % {"number": winner.number},
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
    source: Path | BinaryIO | bytes,
    *,
    category: str = "",
    publish: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], Callable[[], None]] | None = None,
    content_type: str = "",
    base_url: str = "",
) -> FeedImportResult:
    """Create or update one lesson per feed entry; see the module docstring.

    `category` names the category of entries that name none; `progress(total)` returns a
    function called once per entry of the second pass. `content_type` and `base_url` are
    the HTTP header and address of a fetched feed. Raises FeedError, changing nothing."""
    document = read_feed(read_source(source), content_type=content_type, base_url=base_url)
    return import_document(
        document, category=category, publish=publish, dry_run=dry_run, progress=progress
    )


def import_document(
    document: FeedDocument,
    *,
    category: str = "",
    publish: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], Callable[[], None]] | None = None,
) -> FeedImportResult:
    """Import the entries of a document already read; all in one transaction (a savepoint
    when the caller has one open, e.g. to hold a lock on the feed's source)."""
    result = FeedImportResult(dry_run=dry_run, read_as=document.described)
    with transaction.atomic():
        # Read inside the transaction, so that a caller's lock covers what is matched.
        existing = {
            url: pk
            for pk, url in Lesson.objects.exclude(source_url="")
            .order_by()
            .values_list("id", "source_url")
        }
        plans, result.skipped = _scan(document.entries, category.strip(), existing)
        step = progress(len(document.entries)) if progress else None
        categories = _Categories(dry_run)
        positions = _new_positions(plans, categories)
        slugs = _Slugs()
        for entry in document.entries:
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


def _skip(result: FeedImportResult, plan: _Plan, reason: str) -> None:
    result.skipped.append(Outcome(plan.number, plan.title, reason=reason))


def _invalid(lesson: Lesson) -> str:
    """What the lesson model's own validators say is wrong with it, or ""."""
    try:
        lesson.full_clean(exclude=["category"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return ""


def _apply(entry, plan, categories, slugs, positions, publish, result) -> None:
    body = html_to_markdown(entry.content_html or entry.summary_html)
    if len(body) > settings.LESSON_BODY_MAX_CHARS:
        limit = settings.LESSON_BODY_MAX_CHARS
        _skip(result, plan, _("body is longer than %(limit)d characters") % {"limit": limit})
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
        # A post WordPress has scheduled stays scheduled: published, hidden until its date.
        scheduled = entry.wordpress_status == "future" and entry.published is not None
        published = publish and (entry.wordpress_status in ("", "publish") or scheduled)
        lesson = Lesson(
            category=target,
            slug=slugs.new(plan.title, plan.number),
            position=positions[plan.number],
            status=Lesson.Status.PUBLISHED if published else Lesson.Status.DRAFT,
            visible_from=entry.published if published and scheduled else None,
            **values,
        )
        if problem := _invalid(lesson):
            _skip(result, plan, problem)
            return
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
    if problem := _invalid(lesson):
        _skip(result, plan, problem)
        return
    if not categories.dry_run:
        lesson.save()
    result.updated.append(outcome)
