"""The soak's short form (tests/cluster/soak.py, `make soak` for the long one), run by
`make test` once the SQLite suite has ended: 20 seconds of learners, instructors and an
editor through HAProxy while a worker is killed mid-task, a web node is stopped and
restarted and the replica stops replaying, on a smaller cluster (two groups, 60
reminders) whose dead worker's task is given back after 5 seconds rather than a minute.
Nothing the portal acknowledged may be missing at the end, and no reminder may go out
twice."""

import shutil

import pytest
from django.db import connection

from tests.cluster import postgres, soak

pytestmark = pytest.mark.cluster


def test_a_short_soak_loses_no_acknowledged_write_and_sends_no_mail_twice(django_db_blocker):
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("the cluster runs on PostgreSQL; the SQLite run leaves it to the other")
    missing = [p for p in ("haproxy", "pgbouncer", "redis-server") if not shutil.which(p)]
    if missing or not postgres.available():
        pytest.skip(f"needs PostgreSQL 15's programs, HAProxy, PgBouncer and Redis ({missing})")

    report = soak.run(
        seconds=20,
        learners=4,
        instructors=2,
        groups=2,
        learners_per_group=30,
        mail_delay=0.1,  # a task of 30 mails runs for 3 s: long enough to kill its worker
        stale_seconds=5,
    )
    soak.print_report(report)

    writes = report["writes"]
    for fault in ("worker killed mid-task", "web node stopped", "replica paused"):
        assert report[fault]["happened"], fault
    assert writes["completions acknowledged"] > 0 and writes["answers acknowledged"] > 0
    assert writes["completions lost"] == 0
    assert writes["answers lost"] == 0
    assert writes["uploads lost"] == 0
    assert writes["mails received twice or more"] == 0
    assert writes["mails by status"].get("queued", 0) == 0  # every reminder went out
    assert writes["mails sent but not received"] == 0
