"""`make bench`'s rows through PgBouncer (transaction mode, as in `make cluster`): the same
pages served by a second gunicorn whose connections go through the pooler, with
DB_PREPARED_STATEMENTS=False as PgBouncer 1.18 needs.

`make bench-pooled` measures only these rows, each beside the same page served without
PgBouncer, in alternating rounds (this machine's speed drifts within a run)."""

import contextlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from tests/bench/
    sys.path.insert(0, str(ROOT))

from tests.cluster.processes import chown_postgres  # noqa: E402
from tests.cluster.services import PgBouncer  # noqa: E402

ROUNDS = 3


@contextlib.contextmanager
def pooled_server(
    env: dict, database: str, gunicorn: list, port: int, wait_until_ready
) -> Iterator[str | None]:
    """`gunicorn` (its command) on `port`, its connections through PgBouncer in front of the
    bench's PostgreSQL; yields its address (None where PgBouncer is not installed)."""
    if not shutil.which("pgbouncer"):
        print("PgBouncer is not installed: no pooled rows", flush=True)
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="portal-bench-pool-"))
    chown_postgres(folder)
    bouncer = PgBouncer(5432, folder).start()
    base = f"http://127.0.0.1:{port}"
    pooled_env = env | {"DATABASE_URL": bouncer.url(database), "DB_PREPARED_STATEMENTS": "False"}
    command = [str(part) for part in gunicorn]
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    server = subprocess.Popen(command, cwd=ROOT, env=pooled_env)
    try:
        wait_until_ready(base)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        bouncer.stop()
        shutil.rmtree(folder, ignore_errors=True)


def pooled_rows(
    env: dict, database: str, gunicorn: list, port: int, rows: list, run_wrk, wait_until_ready
) -> dict:
    """`rows` (name, path, session, method, body) measured through PgBouncer in front of the
    bench's PostgreSQL, by `gunicorn` (its command) on `port`, with bench.py's `run_wrk`
    and `wait_until_ready`."""
    results = {}
    with pooled_server(env, database, gunicorn, port, wait_until_ready) as base:
        if base is None:
            return results
        for name, path, session, method, body in rows:
            row = f"{name}, PgBouncer"
            results[row] = run_wrk(path, session, method, body, base=base) | {"path": path}
            print_row(row, results[row])
    return results


def print_row(name: str, r: dict) -> None:
    print(
        f"{name:30} {r['rps']:8.1f} req/s  p50 {r['p50_ms']:7.1f} ms  "
        f"p95 {r['p95_ms']:7.1f} ms  p99 {r['p99_ms']:7.1f} ms  "
        f"errors {r['status_errors'] + r['socket_errors']}",
        flush=True,
    )


def main() -> int:
    """Only the pooled rows, each beside the same page without PgBouncer."""
    import json

    import bench  # tests/bench/bench.py, beside this file (it imports this one)

    print("Building the benchmark database (this takes a minute)…", flush=True)
    bench.prepare_database()
    direct = subprocess.Popen(bench.gunicorn(), cwd=ROOT, env=bench.ENV)
    results: dict[str, list] = {}
    try:
        bench.wait_until_ready()
        learner = bench.Session("bench1", bench.seed.PASSWORD)
        lesson = f"/lessons/{bench.LESSON}/"
        rows = [
            ("lesson page (signed in)", lesson, "GET", ""),
            ("mark done", f"{lesson}done/", "POST", "done=1"),
        ]
        with pooled_server(
            bench.ENV, bench.DATABASE, bench.gunicorn(), bench.PORT + 5, bench.wait_until_ready
        ) as pooled:
            if pooled is None:
                return 1
            for _ in range(ROUNDS):
                for name, path, method, body in rows:
                    for label, base in ((name, bench.BASE), (f"{name}, PgBouncer", pooled)):
                        r = bench.run_wrk(path, learner, method, body, base=base)
                        results.setdefault(label, []).append(r)
                        print_row(label, r)
    finally:
        direct.terminate()
        direct.wait(timeout=30)
    summary = {
        label: {
            key: bench.median([r[key] for r in runs])
            for key in ("rps", "p50_ms", "p95_ms", "p99_ms")
        }
        | {"errors": sum(r["status_errors"] + r["socket_errors"] for r in runs)}
        for label, runs in results.items()
    }
    print(f"Medians of {ROUNDS} rounds:")
    for label, r in summary.items():
        print(
            f"{label:30} {r['rps']:8.1f} req/s  p50 {r['p50_ms']:7.1f} ms  "
            f"p95 {r['p95_ms']:7.1f} ms  p99 {r['p99_ms']:7.1f} ms  errors {r['errors']}"
        )
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "pooled.json").write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
