"""`make faults`: restart PostgreSQL under write load and check what users would notice.

Serves the portal with gunicorn on a fresh database `portal_faults` in a PostgreSQL server
of its own (a throw-away cluster in a temporary folder, on FAULTS_PG_PORT, so the machine's
server and whoever uses it are left alone), has 16 learners mark lessons done with htmx as
fast as they can while signed-in learners read pages and visitors browse, probes /readyz,
and stops PostgreSQL for a few seconds in the middle. Then it reports how requests fared
during the outage (every one must be a fast 503 with Retry-After, signed in or not,
reading or writing), how long the portal took to recover by itself, and whether every
write the portal acknowledged is in the database. Exits non-zero on any other answer
during the outage, a missing write, or no recovery.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # shares the server set-up of `make bench`

LEARNERS = 16
READERS = 4  # signed-in learners reading pages (no htmx)
VISITORS = 2
LESSONS = 60  # synthetic lessons bench-0 … bench-59, beside the 8 seed lessons
LOAD_SECONDS = 30
OUTAGE_AT, OUTAGE_SECONDS = 8, 5
PG_PORT = os.environ.get("FAULTS_PG_PORT", "5439")
PG_BIN = Path("/usr/lib/postgresql") / sorted(os.listdir("/usr/lib/postgresql"))[-1] / "bin"
DATA = Path(tempfile.mkdtemp(prefix="portal-faults-pg-"))


def as_postgres(*command: str) -> None:
    """PostgreSQL's tools refuse to run as root; as root, run them as `postgres`."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, stdout=subprocess.DEVNULL)


def pg(action: str) -> None:
    options = f"-p {PG_PORT} -k {DATA} -c listen_addresses=127.0.0.1"
    as_postgres(
        str(PG_BIN / "pg_ctl"), action, "-D", str(DATA), "-w", "-m", "fast",
        "-l", str(DATA / "server.log"), "-o", options,
    )  # fmt: skip


def create_cluster() -> None:
    if os.geteuid() == 0:
        shutil.chown(DATA, "postgres")
    as_postgres(str(PG_BIN / "initdb"), "-D", str(DATA), "-U", "postgres", "-A", "trust")
    pg("start")


def check_request(path: str, cookie: str = "") -> int:
    """GET `path` as a browser would; the status, 0 without an answer in 10 s, and -1 for
    a 503 without Retry-After."""
    request = urllib.request.Request(f"{bench.BASE}{path}")
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        if error.code == 503 and not error.headers.get("Retry-After"):
            return -1
        return error.code
    except OSError:
        return 0


def main() -> int:
    bench.DATABASE = "portal_faults"
    bench.ENV["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{PG_PORT}/portal_faults"
    create_cluster()
    try:
        return run()
    finally:
        pg("stop")
        shutil.rmtree(DATA, ignore_errors=True)


def run() -> int:
    as_postgres(
        str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres", "-qc",
        "CREATE DATABASE portal_faults",
    )  # fmt: skip
    bench.manage("migrate", "--noinput")
    bench.manage("collectstatic", "--noinput")
    bench.manage("import_lessons", "fixtures/lessons")
    bench.manage(
        "make_bench_data", "--lessons", str(LESSONS + 8), "--learners", "50", "--completions", "0"
    )
    server = subprocess.Popen(
        bench.gunicorn("--timeout", "30"), cwd=bench.ROOT, env=bench.ENV, stderr=subprocess.DEVNULL
    )
    acknowledged: list[tuple[str, str]] = []
    outcomes: list[tuple[str, float, int, float]] = []  # (who, started, status, seconds)
    ready: list[tuple[float, int]] = []
    start = time.monotonic()
    stop = threading.Event()

    def record(who: str, began: float, status: int) -> None:
        outcomes.append((who, began - start, status, time.monotonic() - began))

    try:
        bench.wait_until_ready()
        sessions = [bench.Session(f"bench{n}", bench.seed.PASSWORD) for n in range(LEARNERS)]
        readers = [
            bench.Session(f"bench{n}", bench.seed.PASSWORD)
            for n in range(LEARNERS, LEARNERS + READERS)
        ]

        def learner(session: bench.Session, number: int) -> None:
            lesson = 0
            while not stop.is_set():
                slug = f"bench-{(number * 7 + lesson) % LESSONS}"
                began = time.monotonic()
                status = session.post(f"/lessons/{slug}/done/", {"done": "1"})
                record("signed-in htmx write", began, status)
                if status == 200:
                    acknowledged.append((session.username, slug))
                    lesson += 1

        def reader(cookie: str, who: str, number: int) -> None:
            pages = [
                "/",
                f"/lessons/bench-{number}/",
                "/progress/" if cookie else "/categories/bench/",
            ]
            turn = 0
            while not stop.is_set():
                began = time.monotonic()
                record(who, began, check_request(pages[turn % len(pages)], cookie))
                turn += 1
                time.sleep(0.05)

        def prober() -> None:
            while not stop.is_set():
                ready.append((time.monotonic() - start, bench.status_of("/readyz")))
                time.sleep(0.25)

        threads = (
            [threading.Thread(target=prober)]
            + [threading.Thread(target=learner, args=(s, n)) for n, s in enumerate(sessions)]
            + [
                threading.Thread(target=reader, args=(s.cookie, "signed-in read", n))
                for n, s in enumerate(readers)
            ]
            + [
                threading.Thread(target=reader, args=("", "visitor read", n))
                for n in range(VISITORS)
            ]
        )
        for thread in threads:
            thread.start()
        time.sleep(OUTAGE_AT)
        outage_start = time.monotonic() - start
        pg("stop")
        down_from = time.monotonic() - start
        time.sleep(OUTAGE_SECONDS)
        down_until = time.monotonic() - start
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

    recovered = min(
        (o[1] for o in outcomes if o[1] > outage_end and o[2] == 200 and "write" in o[0]),
        default=None,
    )
    stored = set(
        tuple(line.split("|"))
        for line in subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres", "-d", "portal_faults",
             "-tAc", "SELECT u.username, l.slug FROM lessons_completion c "
             "JOIN portal_user u ON u.id = c.user_id JOIN lessons_lesson l ON l.id = c.lesson_id"],
            capture_output=True, text=True, check=True,
        ).stdout.split()
    )  # fmt: skip
    missing = [pair for pair in acknowledged if pair not in stored]
    statuses: dict[int, int] = {}
    for _, _, status, _ in outcomes:
        statuses[status] = statuses.get(status, 0) + 1
    print(f"requests: {len(outcomes)} by status {dict(sorted(statuses.items()))}")
    print(f"outage: PostgreSQL stopped at {outage_start:.1f}s, start returned at {outage_end:.1f}s")
    # PostgreSQL is surely down from the moment `pg_ctl stop` returns until `start` is
    # called: every request that began and ended in between must be a 503 with Retry-After.
    during = [o for o in outcomes if down_from <= o[1] and o[1] + o[3] <= down_until]
    wrong = 0
    for who in ("signed-in htmx write", "signed-in read", "visitor read"):
        mine = [o for o in during if o[0] == who]
        other = Counter(o[2] for o in mine if o[2] != 503)
        wrong += other.total() + (not mine)
        slowest = max((o[3] for o in mine), default=0)
        print(
            f"during the outage, {who}: {len(mine)} requests, {len(mine) - other.total()} × 503, "
            f"other answers {dict(other)}, slowest {slowest:.2f}s"
        )
    ready_during = {s for t, s in ready if down_from <= t <= down_until}
    print(f"/readyz during the outage answered {sorted(ready_during)}")
    if recovered is not None:
        print(f"first acknowledged write {recovered - outage_end:.2f}s after PostgreSQL was back")
    print(f"acknowledged writes: {len(acknowledged)}, missing from the database: {len(missing)}")
    return 1 if missing or recovered is None or wrong else 0


if __name__ == "__main__":
    sys.exit(main())
