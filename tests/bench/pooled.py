"""`make bench`'s rows through PgBouncer (transaction mode, as in `make cluster`): the same
pages served by a second gunicorn whose connections go through the pooler, with
DB_PREPARED_STATEMENTS=False as PgBouncer 1.18 needs."""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from tests/bench/
    sys.path.insert(0, str(ROOT))

from tests.cluster.processes import chown_postgres  # noqa: E402
from tests.cluster.services import PgBouncer  # noqa: E402


def pooled_rows(
    env: dict, database: str, gunicorn: list, port: int, rows: list, run_wrk, wait_until_ready
) -> dict:
    """`rows` (name, path, session, method, body) measured through PgBouncer in front of the
    bench's PostgreSQL, by `gunicorn` (its command) on `port`, with bench.py's `run_wrk`
    and `wait_until_ready`."""
    if not shutil.which("pgbouncer"):
        print("PgBouncer is not installed: no pooled rows", flush=True)
        return {}
    folder = Path(tempfile.mkdtemp(prefix="portal-bench-pool-"))
    chown_postgres(folder)
    bouncer = PgBouncer(5432, folder).start()
    base = f"http://127.0.0.1:{port}"
    pooled_env = env | {
        "DATABASE_URL": bouncer.url(database),
        "DB_PREPARED_STATEMENTS": "False",
    }
    command = [str(part) for part in gunicorn]
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    server = subprocess.Popen(command, cwd=ROOT, env=pooled_env)
    results = {}
    try:
        wait_until_ready(base)
        for name, path, session, method, body in rows:
            row = f"{name}, PgBouncer"
            results[row] = run_wrk(path, session, method, body, base=base) | {"path": path}
            r = results[row]
            print(
                f"{row:30} {r['rps']:8.1f} req/s  p50 {r['p50_ms']:7.1f} ms  "
                f"p95 {r['p95_ms']:7.1f} ms  p99 {r['p99_ms']:7.1f} ms  "
                f"errors {r['status_errors'] + r['socket_errors']}",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        bouncer.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return results
