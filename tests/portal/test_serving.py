"""gunicorn as the README serves the portal (portal/serving.py): a graceful reload
(`kill -HUP`) keeps answering while the new workers load the new code; no request waits
for them."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.helpers.mail_fixtures import free_port

ROOT = Path(__file__).resolve().parents[2]


def answering_pid(port: int, timeout: float = 60) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=timeout) as response:
        return int(response.read())


def wait_for(condition, seconds: float = 60) -> None:
    give_up = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < give_up, "gave up waiting"
        time.sleep(0.05)


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A worker that has exited but is not yet reaped is a zombie; one reaped since the
    # signal above has no /proc entry left.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_a_reload_keeps_serving_while_the_new_workers_load(tmp_path):
    port = free_port()
    server = subprocess.Popen(
        [Path(sys.executable).with_name("gunicorn"), "--config", "python:portal.serving",
         "tests.helpers.slow_boot_app", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env={**os.environ, "SLOW_BOOT_FOLDER": str(tmp_path), "SLOW_BOOT_SECONDS": "4"},
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for(lambda: listening(port))
        answering_pid(port)
        old = {int(path.name) for path in tmp_path.iterdir()}
        assert len(old) == 2

        server.send_signal(signal.SIGHUP)
        wait_for(lambda: len(list(tmp_path.iterdir())) == 4)  # the new ones are loading
        time.sleep(0.3)  # and the master has told the old ones to stop
        new = {int(path.name) for path in tmp_path.iterdir()} - old

        # The new workers need seconds more: an old one answers at once.
        assert answering_pid(port) in old
        assert all(alive(pid) for pid in new | old)

        # Once the new workers have loaded, the old ones finish and leave.
        wait_for(lambda: not any(alive(pid) for pid in old))
        assert answering_pid(port, timeout=5) in new
    finally:
        server.terminate()
        server.wait(timeout=60)
