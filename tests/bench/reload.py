"""`make reload`: what a deploy does to requests in flight, `kill -HUP` against a restart.

Serves the portal with gunicorn as the README does, has 8 clients request /healthz and a
lesson without pause, and in the middle either sends HUP (gunicorn starts new workers
with the new code and lets the old ones finish; the listening socket stays open) or
restarts it (TERM, then a new server, as `systemctl restart` does). Prints, for each, the
requests that failed (0: refused or cut; -1: no answer within the clients' 10 s; or a 5xx),
for how long, and the longest a request that was answered waited. Exits non-zero if HUP
lost any.
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
TIMEOUT = 10
SECONDS_BEFORE, SECONDS_AFTER = 3, 6
PATHS = ["/healthz", "/"]


def one(path: str) -> int:
    try:
        with urllib.request.urlopen(f"{bench.BASE}{path}", timeout=TIMEOUT) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except TimeoutError:
        return -1  # accepted, or queued, but not answered in time
    except urllib.error.URLError as error:
        return -1 if isinstance(error.reason, TimeoutError) else 0
    except OSError:
        return 0


def under_load(change) -> tuple[int, dict[int, int], float, float]:
    """(requests, failed ones by status, seconds from the first failure to the last, the
    longest an answered request took)"""
    outcomes: list[tuple[float, int, float]] = []
    stop = threading.Event()

    def client(number: int) -> None:
        turn = number
        while not stop.is_set():
            began = time.monotonic()
            status = one(PATHS[turn % len(PATHS)])
            outcomes.append((began, status, time.monotonic() - began))
            turn += 1

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(SECONDS_BEFORE)
        change()
        time.sleep(SECONDS_AFTER)
    finally:
        stop.set()
    for thread in threads:
        thread.join()
    failed = [(t, status) for t, status, _ in outcomes if status <= 0 or status >= 500]
    span = (max(failed)[0] - min(failed)[0]) if failed else 0.0
    slowest = max((took for _, status, took in outcomes if 0 < status < 500), default=0.0)
    return len(outcomes), dict(Counter(status for _, status in failed)), span, slowest


def main() -> int:
    # One database per port: runs beside each other (BENCH_PORT) do not share one.
    database = Path(f"/tmp/portal-reload-{bench.PORT}.sqlite3")
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
            servers[0].wait(timeout=90)  # gunicorn waits up to its graceful timeout
            servers.append(subprocess.Popen(bench.gunicorn(), cwd=bench.ROOT, env=bench.ENV))

        term = under_load(restart)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    for name, (total, failed, span, slowest) in (("kill -HUP", hup), ("restart (TERM)", term)):
        print(
            f"{name:15} {total:6} requests, {sum(failed.values()):6} failed {failed}, "
            f"over {span:.1f}s; slowest answer {slowest:.2f}s"
        )
    return 1 if hup[1] else 0


if __name__ == "__main__":
    sys.exit(main())
