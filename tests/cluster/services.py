"""The cluster's servers other than PostgreSQL and S3, each a child process on a spare port:
PgBouncer, Redis, HAProxy, the web nodes (gunicorn) and the task workers (db_worker)."""

import asyncio
import shutil
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

from aiosmtpd.controller import Controller

from tests.cluster.processes import (
    BIN,
    ROOT,
    as_postgres,
    chown_postgres,
    free_port,
    stop,
    wait_for_port,
)

PGBOUNCER_INI = """\
[databases]
* = host=127.0.0.1 port={primary_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir = {folder}
auth_type = trust
auth_file = {folder}/users.txt
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 40
ignore_startup_parameters = extra_float_digits,options
server_check_delay = 1
logfile = {folder}/pgbouncer.log
"""

HAPROXY_CFG = """\
global
    maxconn 4000

defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # A node that refuses the connection (stopped, restarting) is tried again on another.
    retries 3
    option redispatch
    retry-on conn-failure empty-response
    option forwardfor

frontend portal
    bind 127.0.0.1:{port}
    default_backend web

backend web
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1
    # A node stopped is out within about two seconds; a busy one is not taken for dead.
    timeout check 5s
    default-server inter 1s fall 2 rise 2
{servers}
"""


class PgBouncer:
    """In transaction mode in front of the primary: a connection is the server's only for
    the length of a transaction."""

    def __init__(self, primary_port: int, folder: Path) -> None:
        self.primary_port = primary_port
        self.folder = folder / "pgbouncer"
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> "PgBouncer":
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "users.txt").write_text('"postgres" ""\n')
        ini = self.folder / "pgbouncer.ini"
        ini.write_text(
            PGBOUNCER_INI.format(primary_port=self.primary_port, port=self.port, folder=self.folder)
        )
        for path in (self.folder, ini, self.folder / "users.txt"):
            chown_postgres(path)
        self.process = subprocess.Popen(
            [*as_postgres(), shutil.which("pgbouncer") or "/usr/sbin/pgbouncer", ini],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, process=self.process)
        return self

    def stop(self) -> None:
        stop(self.process)


class Redis:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Redis":
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "/usr/bin/redis-server",
             "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port, process=self.process)
        return self

    def stop(self) -> None:
        stop(self.process)


class WebNode:
    """One machine's gunicorn: a few processes of a few threads each."""

    def __init__(self, name: str, env: dict, log: Path, workers: int = 2, threads: int = 4) -> None:
        self.name = name
        self.log = log
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.threads = threads
        self.process: subprocess.Popen | None = None

    def start(self) -> "WebNode":
        self.process = subprocess.Popen(
            [BIN / "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers), "--worker-class", "gthread",
             "--threads", str(self.threads), "--graceful-timeout", "20"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("a"),
        )  # fmt: skip
        wait_for_port(self.port, timeout=60, process=self.process)
        wait_for_answer(f"{self.url}/healthz", process=self.process)
        return self

    def stop(self) -> None:
        """Graceful: requests in flight are answered first."""
        stop(self.process, timeout=30)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


def wait_for_answer(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    """Until `url` answers 200: gunicorn listens before its workers have loaded Django."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=30).read()
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


class Balancer:
    """HAProxy: round robin over the web nodes, each checked twice a second."""

    def __init__(self, nodes: list[WebNode], folder: Path) -> None:
        self.nodes = nodes
        self.config = folder / "haproxy.cfg"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Balancer":
        servers = "\n".join(
            f"    server {node.name} 127.0.0.1:{node.port} check" for node in self.nodes
        )
        self.config.write_text(HAPROXY_CFG.format(port=self.port, servers=servers))
        self.process = subprocess.Popen(
            [shutil.which("haproxy") or "/usr/sbin/haproxy", "-db", "-f", self.config],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, process=self.process)
        return self

    def stop(self) -> None:
        stop(self.process)


class Worker:
    """`manage.py db_worker`, as the README runs it."""

    def __init__(self, name: str, env: dict) -> None:
        self.name = name
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self) -> "Worker":
        self.process = subprocess.Popen(
            [BIN / "python", "manage.py", "db_worker", "--no-startup-delay", "--no-reload",
             "--interval", "0.5", "--worker-id", self.name, "-v0"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        return self

    def kill(self) -> None:
        """As a machine that dies: no chance to finish or clean up."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        stop(self.process)


class MailSink:
    """An SMTP server that keeps every mail's recipient and subject (aiosmtpd). Each
    recipient takes `delay` seconds to be accepted, as a busy relay does, so that a task of
    a hundred mails runs for a few seconds (long enough to kill its worker midway)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.port = free_port()
        self.received: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.delay:
            await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import email
        import email.policy

        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append((str(message["To"]), str(message["Subject"])))
        return "250 OK"

    def start(self) -> "MailSink":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
