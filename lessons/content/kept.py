"""What pages show that is the same for every learner (the lessons a search finds, an
exam's questions by domain, a quiz's questions), kept in the cache under the catalog's
generation, so that a page reads it without a query once warm.

The generation moves when any lesson, category, quiz, question, choice, exam, domain or
task is saved or deleted (at the change and again when its transaction commits, so that
no request reading in between keeps what it read). What depends on the time (a scheduled
lesson appears at its time, with no job running) is kept with the time of the next
scheduled lesson, read in the same query (`next_scheduled`), and read again from then on.
Staff, who also see drafts, read around what is kept.

Local memory keeps a generation per process; REDIS_URL shares one, so that a change shows
at once in every process (without it, another process keeps what it read for at most
KEPT_SECONDS).
"""

import time
from collections.abc import Callable
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import Subquery
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from lessons.models import Category, Choice, Domain, Exam, Lesson, Question, Quiz, Task

KEPT_SECONDS = 300
GENERATION = "lessons:catalog-generation"


def _generation() -> int:
    generation = cache.get(GENERATION)
    if generation is None:
        # Never a number used before (the entry may have been evicted): what was kept
        # under an older generation is never read again.
        cache.add(GENERATION, time.time_ns(), None)
        generation = cache.get(GENERATION, 0)
    return generation


def next_scheduled() -> Subquery:
    """When the next published lesson scheduled for later becomes visible (NULL when
    none is): to annotate on a query whose rows are kept."""
    later = Lesson.objects.filter(status=Lesson.Status.PUBLISHED, visible_from__gt=timezone.now())
    return Subquery(later.order_by("visible_from").values("visible_from")[:1])


def kept[T](name: str, build: Callable[[], tuple[T, datetime | None]], *parts) -> T:
    """The value of `build()` for `name` and `parts` in the catalog's current generation,
    from the cache when it is there. `build` returns (value, until): the value holds
    until that time (None: until the catalog changes)."""
    key = ":".join(["lessons:kept", name, str(_generation()), *(str(part) for part in parts)])
    found = cache.get(key)
    if found is not None:
        value, until = found
        if until is None or timezone.now() < until:
            return value
    value, until = build()
    cache.set(key, (value, until), KEPT_SECONDS)
    return value


def cached_each[T](keys: dict[str, str], builds: dict[str, Callable[[], T]], seconds: int):
    """For each part, the value in the cache under `keys[part]`, else `builds[part]()`,
    kept for `seconds`: those in the cache are read in one round trip."""
    found = cache.get_many(keys.values())
    missing = {keys[part]: build() for part, build in builds.items() if keys[part] not in found}
    if missing:
        cache.set_many(missing, seconds)
    found |= missing
    return {part: found[key] for part, key in keys.items()}


def kept_each[T](name: str, builds: dict[str, Callable[[], T]]) -> dict[str, T]:
    """`kept` for many values at once, each under its own part, that hold until the catalog
    changes."""
    generation = str(_generation())
    keys = {part: ":".join(["lessons:kept", name, generation, part]) for part in builds}
    return cached_each(keys, builds, KEPT_SECONDS)


def _bump() -> None:
    try:
        cache.incr(GENERATION)
    except ValueError:
        cache.set(GENERATION, time.time_ns(), None)


def catalog_changed(**_kwargs) -> None:
    """Start a new generation now and again when the transaction commits."""
    _bump()
    transaction.on_commit(_bump)


for _model in (Category, Lesson, Quiz, Question, Choice, Exam, Domain, Task):
    name = _model._meta.model_name
    post_save.connect(catalog_changed, sender=_model, dispatch_uid=f"lessons.kept.{name}")
    post_delete.connect(catalog_changed, sender=_model, dispatch_uid=f"lessons.kept.{name}-del")
