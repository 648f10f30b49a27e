"""Who is due a mail at a given moment, and claiming their rows: what `manage.py
send_reminders` runs every few minutes.

A reminder is due when the learner's hour has come today in their own time zone, today
is one of their days, and no reminder row exists for that local day; the weekly digest
is due on Monday from the instructor's hour, once per ISO week. People are read in
batches of BATCH_SIZE in order of id, with a fixed number of queries per batch whatever
its size: the candidates with their choices, the rows they already have for the keys
in question, one insert of the new rows, and the ids this run inserted. Those ids go to
the worker in tasks of TASK_SIZE mails (the task composes and sends them).

Two runs at once (cron on two machines, or a slow run overlapping the next) insert each
row once between them: the unique row decides, and each run enqueues only the rows it
inserted itself (marked with its own claim token).
"""

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q, QuerySet

from portal.models import Membership, SentMail, User
from portal.models.notifications import DEFAULT_HOUR, DEFAULT_TIME_ZONE, EVERY_DAY
from portal.notifications import preferences, tasks

BATCH_SIZE = 1000
TASK_SIZE = 100
DIGEST_WEEKDAY = 0  # Monday


@dataclass
class Enqueued:
    reminders: int = 0
    digests: int = 0
    tasks: int = 0
    batches: int = 0


def _candidates(kind: str) -> QuerySet[User]:
    """Active people with an address who take this kind of mail, by choice or default."""
    people = User.objects.filter(is_active=True).exclude(email="")
    if kind == SentMail.Kind.REMINDER:
        default_on = Exists(preferences.paced_learner_memberships().filter(user_id=OuterRef("pk")))
        choice = "notification_preference__reminders"
    else:
        default_on = Exists(
            Membership.objects.filter(user_id=OuterRef("pk"), role=Membership.Role.INSTRUCTOR)
        )
        choice = "notification_preference__digest"
    return people.filter(Q(**{choice: True}) | (Q(**{f"{choice}__isnull": True}) & default_on))


def _batches(people: QuerySet[User], size: int) -> Iterator[list[tuple]]:
    """(id, hour, weekdays, time zone) of each person, `size` at a time, by id."""
    last = 0
    columns = (
        "pk",
        "notification_preference__hour",
        "notification_preference__weekdays",
        "notification_preference__time_zone",
    )
    while True:
        rows = list(people.filter(pk__gt=last).order_by("pk").values_list(*columns)[:size])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _key(kind: str, local: datetime) -> str:
    if kind == SentMail.Kind.REMINDER:
        return local.date().isoformat()
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def due_keys(kind: str, rows: list[tuple], at: datetime) -> dict[int, str]:
    """The people of a batch due this kind of mail at `at`, with the row's key."""
    zones: dict[str, ZoneInfo] = {}
    due = {}
    for user_id, hour, weekdays, zone_name in rows:
        zone_name = zone_name or DEFAULT_TIME_ZONE
        zone = zones.get(zone_name) or zones.setdefault(zone_name, ZoneInfo(zone_name))
        local = at.astimezone(zone)
        if local.hour < (DEFAULT_HOUR if hour is None else hour):
            continue
        if kind == SentMail.Kind.REMINDER:
            if not (EVERY_DAY if weekdays is None else weekdays) & (1 << local.weekday()):
                continue
        elif local.weekday() != DIGEST_WEEKDAY:
            continue
        due[user_id] = _key(kind, local)
    return due


def _claim(kind: str, due: dict[int, str]) -> list[int]:
    """Insert the rows not there yet; the ids of those this call inserted."""
    if not due:
        return []
    existing = set(
        SentMail.objects.filter(
            kind=kind, user_id__in=due.keys(), key__in=set(due.values())
        ).values_list("user_id", "key")
    )
    claim = secrets.token_hex(16)
    new = [
        SentMail(user_id=user_id, kind=kind, key=key, claim=claim)
        for user_id, key in due.items()
        if (user_id, key) not in existing
    ]
    if not new:
        return []
    SentMail.objects.bulk_create(new, ignore_conflicts=True, batch_size=BATCH_SIZE)
    return list(SentMail.objects.filter(claim=claim).order_by("pk").values_list("pk", flat=True))


def enqueue_due(at: datetime, batch_size: int = BATCH_SIZE) -> Enqueued:
    """Claim and enqueue every reminder and digest due at `at` (aware)."""
    result = Enqueued()
    for kind, task in (
        (SentMail.Kind.REMINDER, tasks.send_reminders),
        (SentMail.Kind.DIGEST, tasks.send_digests),
    ):
        for rows in _batches(_candidates(kind), batch_size):
            result.batches += 1
            claimed = _claim(kind, due_keys(kind, rows, at))
            for start in range(0, len(claimed), TASK_SIZE):
                task.enqueue(claimed[start : start + TASK_SIZE], at.isoformat())
                result.tasks += 1
            if kind == SentMail.Kind.REMINDER:
                result.reminders += len(claimed)
            else:
                result.digests += len(claimed)
    return result
