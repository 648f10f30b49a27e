"""Whether the replica may answer the reports: it is reachable and, when
DATABASE_REPLICA_MAX_LAG is above 0, it has not fallen more than that many seconds behind
the primary. When it may not, the reports read from the primary, which is always right
and only busier: a replica that is stopped, restarting or paused never turns a dashboard
into a 503.

Each web process asks at most every REPLICA_CHECK_SECONDS and keeps the answer, so a
report costs no query of its own; while one thread asks, the others go by the last answer.
A report that fails on the replica between two checks asks again at once and, if the
replica is gone, is read again from the primary (portal/scaling/replica.py).

The lag is how long ago the last transaction the replica replayed was committed, counted
only while the replica has received WAL it has not replayed yet (a replica that has
replayed everything it received is not behind, however quiet the primary). On a quiet
primary the first write after a long pause looks, for the moment it takes to replay, as
far behind as the pause was long: the reports then read from the primary until the next
check, which is harmless."""

import contextlib
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections

REPLICA = "replica"
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""


@dataclass
class Verdict:
    usable: bool = True
    until: float = 0.0  # time.monotonic() when it is asked again


_verdict = Verdict()
_asking = threading.Lock()


def usable() -> bool:
    """The last answer while it is fresh, else the replica's answer now."""
    if time.monotonic() < _verdict.until:
        return _verdict.usable
    if not _asking.acquire(blocking=False):
        return _verdict.usable  # another thread of this process is asking
    try:
        return ask()
    finally:
        _asking.release()


def ask(afresh: bool = False) -> bool:
    """Asks the replica now and remembers its answer for REPLICA_CHECK_SECONDS; `afresh`
    on a new connection (after a query on the one this thread had failed)."""
    if afresh:
        _close()
    answer = _reachable_and_recent()
    _verdict.usable = answer
    _verdict.until = time.monotonic() + settings.REPLICA_CHECK_SECONDS
    return answer


def forget() -> None:
    """The next report asks again (the tests, and a process that has just forked)."""
    _verdict.usable = True
    _verdict.until = 0.0


def lag_seconds() -> float:
    """How far behind the replica is, in seconds (0 when caught up); raises DatabaseError
    when it cannot be reached."""
    replica = connections[REPLICA]
    if replica.vendor != "postgresql":
        replica.ensure_connection()
        return 0.0
    with replica.cursor() as cursor:
        cursor.execute(LAG_SQL)
        return float(cursor.fetchone()[0])


def _reachable_and_recent() -> bool:
    try:
        lag = lag_seconds()
    except DatabaseError:
        _close()  # so that the next check, and the next report, connect afresh
        return False
    limit = settings.DATABASE_REPLICA_MAX_LAG
    return not limit or lag <= limit


def _close() -> None:
    with contextlib.suppress(DatabaseError):
        connections[REPLICA].close()
