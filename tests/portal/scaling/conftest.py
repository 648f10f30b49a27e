"""One small cluster for this folder's tests, made once per test run whatever the number of
pytest-xdist workers (tests/cluster/shared.py): a PostgreSQL primary and streaming replica
of their own on spare ports, PgBouncer, Redis, an S3 server and two web nodes
(tests/cluster/). Its tests take turns. Skipped where the programs are missing, and on the
SQLite run (the cluster is PostgreSQL whatever the suite's database)."""

import shutil

import pytest
from django.db import connection

from tests.cluster import postgres, shared
from tests.cluster.cluster import Cluster

LEARNERS = 60  # over 50: the group's dashboard is a cohort's (portal/dashboards/cohort.py)
PIN_SECONDS = 4
CHECK_SECONDS = 1  # how often a web process asks whether the replica may answer


def build() -> Cluster:
    started = Cluster(
        web_nodes=2,
        workers=0,
        groups=1,
        learners_per_group=LEARNERS,
        balancer=False,
        extra_env={
            "REPLICA_PIN_SECONDS": str(PIN_SECONDS),
            "REPLICA_CHECK_SECONDS": str(CHECK_SECONDS),
            # These nodes read from a paused replica however far behind it falls; the
            # fallback's own node sets a limit (test_replica.py).
            "DATABASE_REPLICA_MAX_LAG": "0",
        },
    )
    try:
        return started.start()
    except BaseException:
        started.stop()
        raise


@pytest.fixture(scope="session")
def run_cluster(django_db_blocker):
    with django_db_blocker.unblock():
        vendor = connection.vendor
    if vendor != "postgresql":
        pytest.skip("the cluster runs on PostgreSQL; the SQLite run leaves it to the other")
    missing = [p for p in ("pgbouncer", "redis-server") if not shutil.which(p)]
    if not postgres.available() or missing:
        pytest.skip(f"needs PostgreSQL 15's programs, PgBouncer and Redis ({missing})")
    with shared.one_per_run(build) as cluster:
        yield cluster


@pytest.fixture
def cluster(run_cluster):
    with shared.turn():
        yield run_cluster
