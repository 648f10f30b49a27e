"""The seed lessons (and `seed_demo`'s study group) built once per test process and put
back, row for row, for each test that asks for them.

Importing `fixtures/lessons` renders every lesson's Markdown and highlights its code (about
2.5 s of CPU), and `seed_demo` adds as much again; dozens of tests start from that state. A
`Snapshot` runs the real commands once, in a transaction it rolls back, and keeps the rows
they wrote; `restore` inserts the same rows (same primary keys, no `save()`, no signals)
into the test's own transaction, so each test still starts from the state the commands
make and rolls its own writes back.

PostgreSQL never hands out a sequence value twice, so the snapshot's keys cannot clash
with rows a test made first. SQLite rolls its sequences back with the snapshot's
transaction, so `take` then moves them past the snapshot's keys, as PostgreSQL's are; a
clash left (a test that chose its own keys) makes `restore` run the commands instead.
Datetimes the demo wrote relative to "now" are moved by the time since the snapshot was
taken, as if `seed_demo` had just run.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.apps import apps
from django.db import connection, models, transaction
from django.utils import timezone

BATCH = 200


@dataclass
class Snapshot:
    """The rows a setup function wrote, per model, in insertion order."""

    build: Callable[[], None]
    rows: list[tuple[type[models.Model], list[models.Model]]] = field(default_factory=list)
    shifted: set[tuple[type[models.Model], object]] = field(default_factory=set)
    taken_at: datetime = field(default_factory=timezone.now)
    taken_on: date = field(default_factory=timezone.localdate)

    def restore(self) -> None:
        if self._keys_taken():
            self.build()
            return
        moved, days = timezone.now() - self.taken_at, timezone.localdate() - self.taken_on
        with transaction.atomic():
            for model, objects in self.rows:
                fields = [f for f in model._meta.concrete_fields]
                copies = [self._copy(model, obj, fields, moved, days) for obj in objects]
                for start in range(0, len(copies), BATCH):
                    model._base_manager._insert(
                        copies[start : start + BATCH], fields=fields, raw=True
                    )

    def _keys_taken(self) -> bool:
        for model, objects in self.rows:
            if model._base_manager.filter(pk__in=[o.pk for o in objects]).exists():
                return True
        return False

    def _copy(self, model, obj, fields, moved: timedelta, days: timedelta):
        copy = model(**{f.attname: getattr(obj, f.attname) for f in fields})
        if (model, obj.pk) not in self.shifted:
            return copy
        for f in fields:
            value = getattr(copy, f.attname)
            if isinstance(f, models.DateTimeField) and value is not None:
                setattr(copy, f.attname, value + moved)
            elif isinstance(f, models.DateField) and value is not None:
                setattr(copy, f.attname, value + days)
        return copy


def _stored_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _keys() -> dict[type[models.Model], set]:
    return {m: set(m._base_manager.values_list("pk", flat=True)) for m in _stored_models()}


def take(build: Callable[[], None], *, relative_to_now: Callable[[], None] | None = None):
    """Run `build` (then `relative_to_now`, whose rows' datetimes move with the clock) in a
    transaction that is rolled back, and keep the rows they wrote."""

    def build_all() -> None:
        build()
        if relative_to_now is not None:
            relative_to_now()

    snapshot = Snapshot(build=build_all)
    with transaction.atomic():
        before = _keys()
        build()
        middle = _keys()
        if relative_to_now is not None:
            relative_to_now()
        for model in _stored_models():
            new = model._base_manager.exclude(pk__in=before[model]).order_by("pk")
            objects = list(new)
            if objects:
                snapshot.rows.append((model, objects))
                snapshot.shifted |= {(model, o.pk) for o in objects if o.pk not in middle[model]}
        transaction.set_rollback(True)
    assert connection.vendor in ("postgresql", "sqlite")
    if connection.vendor == "sqlite":
        _move_sqlite_sequences(snapshot)
    return snapshot


def _move_sqlite_sequences(snapshot: Snapshot) -> None:
    """Make each table's next key follow the snapshot's last (AUTOINCREMENT keeps it in
    sqlite_sequence), outside any test's transaction, so that it holds for every test."""
    with connection.cursor() as cursor:
        for model, objects in snapshot.rows:
            if not isinstance(model._meta.pk, models.AutoField):
                continue
            table, last = model._meta.db_table, max(o.pk for o in objects)
            cursor.execute("UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s",
                           [last, table])  # fmt: skip
            if cursor.rowcount == 0:
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                               [table, last])  # fmt: skip
