"""`make faults`: restart PostgreSQL under write load and check what users would notice.

Serves the portal with gunicorn on a fresh database `portal_faults`, has 16 learners mark
lessons done as fast as they can, probes /readyz, and stops PostgreSQL for a few seconds
in the middle. Then it reports how requests fared during the outage (they must fail fast
with 503, not hang), how long the portal took to recover by itself, and whether every
write the portal acknowledged is in the database. Exits non-zero if one is missing.
"""

import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # shares the server set-up of `make bench`

LEARNERS = 16
LESSONS = 60  # synthetic lessons bench-0 … bench-59, beside the 8 seed lessons
LOAD_SECONDS = 30
OUTAGE_AT, OUTAGE_SECONDS = 8, 5
CLUSTER = subprocess.run(
    ["bash", "-c", "ls /etc/postgresql | tail -n 1"], capture_output=True, text=True
).stdout.strip()


def pg(action: str) -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", CLUSTER, "main", action], check=True
    )


def main() -> int:
    bench.DATABASE = "portal_faults"
    bench.ENV["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/portal_faults"
    for sql in ("DROP DATABASE IF EXISTS portal_faults", "CREATE DATABASE portal_faults"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)
    bench.manage("migrate", "--noinput")
    bench.manage("collectstatic", "--noinput")
    bench.manage("import_lessons", "fixtures/lessons")
    bench.manage(
        "make_bench_data", "--lessons", str(LESSONS + 8), "--learners", "50", "--completions", "0"
    )
    server = subprocess.Popen(
        [bench.BIN / "gunicorn", "portal.wsgi", "--workers", "2", "--timeout", "30",
         "--bind", f"127.0.0.1:{bench.PORT}"],
        cwd=bench.ROOT, env=bench.ENV, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    acknowledged: list[tuple[str, str]] = []
    outcomes: list[tuple[float, int, float]] = []  # (started, status, seconds)
    ready: list[tuple[float, int]] = []
    start = time.monotonic()
    stop = threading.Event()
    try:
        bench.wait_until_ready()
        sessions = [bench.Session(f"bench{n}", "bench-password-1") for n in range(LEARNERS)]

        def learner(session: bench.Session, number: int) -> None:
            lesson = 0
            while not stop.is_set():
                slug = f"bench-{(number * 7 + lesson) % LESSONS}"
                began = time.monotonic()
                status = session.post(f"/lessons/{slug}/done/", {"done": "1"})
                outcomes.append((began - start, status, time.monotonic() - began))
                if status == 200:
                    acknowledged.append((session.username, slug))
                    lesson += 1

        def prober() -> None:
            while not stop.is_set():
                ready.append((time.monotonic() - start, bench.status_of("/readyz")))
                time.sleep(0.25)

        threads = [threading.Thread(target=prober)] + [
            threading.Thread(target=learner, args=(s, n)) for n, s in enumerate(sessions)
        ]
        for thread in threads:
            thread.start()
        time.sleep(OUTAGE_AT)
        outage_start = time.monotonic() - start
        pg("stop")
        time.sleep(OUTAGE_SECONDS)
        pg("start")
        outage_end = time.monotonic() - start
        time.sleep(LOAD_SECONDS - OUTAGE_AT - OUTAGE_SECONDS)
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=30)

    during = [o for o in outcomes if outage_start <= o[0] <= outage_end]
    recovered = min((o[0] for o in outcomes if o[0] > outage_end and o[1] == 200), default=None)
    stored = set(
        tuple(line.split("|"))
        for line in subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "portal_faults", "-tAc",
             "SELECT u.username, l.slug FROM lessons_completion c "
             "JOIN portal_user u ON u.id = c.user_id JOIN lessons_lesson l ON l.id = c.lesson_id"],
            capture_output=True, text=True, check=True,
        ).stdout.split()
    )  # fmt: skip
    missing = [pair for pair in acknowledged if pair not in stored]
    statuses: dict[int, int] = {}
    for _, status, _ in outcomes:
        statuses[status] = statuses.get(status, 0) + 1
    # PostgreSQL is surely down from a moment after the stop to the start; it may answer
    # before `pg_ctlcluster start` returns.
    ready_during = {s for t, s in ready if outage_start + 1 <= t <= outage_start + OUTAGE_SECONDS}
    print(f"requests: {len(outcomes)} by status {dict(sorted(statuses.items()))}")
    print(f"outage: PostgreSQL stopped at {outage_start:.1f}s, start returned at {outage_end:.1f}s")
    if during:
        slowest = max(o[2] for o in during)
        print(f"during the outage: {len(during)} requests, slowest answered in {slowest:.2f}s")
    print(f"/readyz during the outage answered {sorted(ready_during)}")
    if recovered is not None:
        print(f"first acknowledged write {recovered - outage_end:.2f}s after PostgreSQL was back")
    print(f"acknowledged writes: {len(acknowledged)}, missing from the database: {len(missing)}")
    return 1 if missing or recovered is None else 0


if __name__ == "__main__":
    sys.exit(main())
