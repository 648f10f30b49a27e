"""`make reload`: what a deploy does to requests in flight, `kill -HUP` against a restart.

Serves the portal with gunicorn as the README does, has 8 clients request /healthz and a
lesson without pause, and in the middle either sends HUP (gunicorn starts new workers
with the new code and lets the old ones finish; the listening socket stays open) or
restarts it (TERM, then a new server, as `systemctl restart` does). Prints, for each, the
requests that failed (refused, cut or 5xx) and for how long. Exits non-zero if HUP lost
any.
"""

import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # the README's gunicorn command and the server's settings

CLIENTS = 8
SECONDS_BEFORE, SECONDS_AFTER = 3, 6
PATHS = ["/healthz", "/"]


def one(path: str) -> int:
    try:
        with urllib.request.urlopen(f"{bench.BASE}{path}", timeout=10) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def under_load(change) -> tuple[int, dict[int, int], float]:
    """(requests, failed ones by status (0: refused or cut), seconds from the first
    failure to the last)"""
    outcomes: list[tuple[float, int]] = []
    stop = threading.Event()

    def client(number: int) -> None:
        turn = number
        while not stop.is_set():
            outcomes.append((time.monotonic(), one(PATHS[turn % len(PATHS)])))
            turn += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(SECONDS_BEFORE)
    change()
    time.sleep(SECONDS_AFTER)
    stop.set()
    for thread in threads:
        thread.join()
    failed = [(t, status) for t, status in outcomes if status == 0 or status >= 500]
    span = (max(failed)[0] - min(failed)[0]) if failed else 0.0
    return len(outcomes), dict(Counter(status for _, status in failed)), span


def main() -> int:
    database = Path("/tmp/portal-reload.sqlite3")
    database.unlink(missing_ok=True)
    bench.ENV["DATABASE_URL"] = f"sqlite:///{database}"
    bench.manage("migrate", "--noinput")
    bench.manage("collectstatic", "--noinput")
    bench.manage("import_lessons", "fixtures/lessons")
    servers = [subprocess.Popen(bench.gunicorn(), cwd=bench.ROOT, env=bench.ENV)]
    try:
        bench.wait_until_ready()
        hup = under_load(lambda: servers[0].send_signal(1))

        def restart() -> None:
            servers[0].terminate()
            servers[0].wait(timeout=30)
            servers.append(subprocess.Popen(bench.gunicorn(), cwd=bench.ROOT, env=bench.ENV))

        term = under_load(restart)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    for name, (total, failed, span) in (("kill -HUP", hup), ("restart (TERM)", term)):
        print(
            f"{name:15} {total:6} requests, {sum(failed.values()):6} failed {failed}, "
            f"over {span:.1f}s"
        )
    return 1 if hup[1] else 0


if __name__ == "__main__":
    sys.exit(main())
