"""The cluster's servers other than PostgreSQL and S3, each a child process on a spare port:
PgBouncer, Redis, HAProxy, the web nodes (gunicorn) and the task workers (db_worker)."""

import csv
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.cluster.processes import (
    BIN,
    ROOT,
    as_postgres,
    chown_postgres,
    free_port,
    stop,
    wait_for_port,
)
from tests.helpers.mail_fixtures import LocalSmtp

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
    # The runtime API: a node is taken out of rotation before it is stopped (a deploy).
    stats socket {admin} mode 600 level admin

defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # A node that refuses the connection (stopped, restarting) is tried again on another;
    # so is a read it closed without answering. A POST it closed came back as a 502 in
    # the soak (it may have been carried out): hence `Balancer.drain` before a stop.
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


class Service:
    """A server run as a child process on a spare port: `command()` says how; `start()`
    returns once it accepts connections, `stop()` asks it to finish (SIGTERM)."""

    stop_timeout = 10.0

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def command(self) -> list:
        raise NotImplementedError

    def popen(self) -> subprocess.Popen:
        quiet = subprocess.DEVNULL
        return subprocess.Popen(self.command(), stdout=quiet, stderr=quiet)

    def start(self):
        self.launch()
        self.wait_until_ready()
        return self

    def launch(self) -> None:
        """Started, not yet waited for (several start side by side)."""
        self.process = self.popen()

    def wait_until_ready(self) -> None:
        wait_for_port(self.port, timeout=60, process=self.process)

    def stop(self) -> None:
        stop(self.process, timeout=self.stop_timeout)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


class PgBouncer(Service):
    """In transaction mode in front of the primary: a connection is the server's only for
    the length of a transaction."""

    def __init__(self, primary_port: int, folder: Path) -> None:
        super().__init__()
        self.primary_port = primary_port
        self.folder = folder / "pgbouncer"

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def command(self) -> list:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "users.txt").write_text('"postgres" ""\n')
        ini = self.folder / "pgbouncer.ini"
        ini.write_text(
            PGBOUNCER_INI.format(primary_port=self.primary_port, port=self.port, folder=self.folder)
        )
        for path in (self.folder, ini, self.folder / "users.txt"):
            chown_postgres(path)
        return [*as_postgres(), shutil.which("pgbouncer") or "/usr/sbin/pgbouncer", ini]


class Redis(Service):
    def __init__(self) -> None:
        super().__init__()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def command(self) -> list:
        return [shutil.which("redis-server") or "/usr/bin/redis-server",
                "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no"]  # fmt: skip


class WebNode(Service):
    """One machine's gunicorn: a few processes of a few threads each."""

    stop_timeout = 30.0  # graceful: requests in flight are answered first

    def __init__(self, name: str, env: dict, log: Path, workers: int = 2, threads: int = 4) -> None:
        super().__init__()
        self.name = name
        self.log = log
        self.env = env
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.threads = threads

    def command(self) -> list:
        return [BIN / "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(self.workers), "--worker-class", "gthread",
                "--threads", str(self.threads), "--graceful-timeout", "20"]  # fmt: skip

    def popen(self) -> subprocess.Popen:
        log = self.log.open("a")
        return subprocess.Popen(
            self.command(), cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=log
        )

    def wait_until_ready(self) -> None:
        super().wait_until_ready()
        wait_for_answer(f"{self.url}/healthz", process=self.process)


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


class Balancer(Service):
    """HAProxy: round robin over the web nodes, each checked every second."""

    def __init__(self, nodes: list[WebNode], folder: Path) -> None:
        super().__init__()
        self.nodes = nodes
        self.config = folder / "haproxy.cfg"
        self.admin = folder / "haproxy.sock"
        self.url = f"http://127.0.0.1:{self.port}"

    def command(self) -> list:
        servers = "\n".join(
            f"    server {node.name} 127.0.0.1:{node.port} check" for node in self.nodes
        )
        self.config.write_text(
            HAPROXY_CFG.format(port=self.port, servers=servers, admin=self.admin)
        )
        return [shutil.which("haproxy") or "/usr/sbin/haproxy", "-db", "-f", self.config]

    def ask(self, command: str) -> str:
        """One command to HAProxy's runtime API."""
        with socket.socket(socket.AF_UNIX) as admin:
            admin.connect(str(self.admin))
            admin.sendall(f"{command}\n".encode())
            answer = b""
            while chunk := admin.recv(65536):
                answer += chunk
        return answer.decode()

    def drain(self, node: WebNode, timeout: float = 30) -> None:
        """Sends `node` no new request and waits for those it is answering: stopped after
        this, it refuses nothing HAProxy has sent it. Without it, a stopping gunicorn's
        workers keep the port open while they finish, the kernel takes connections no one
        will answer, and a POST sent on one was a 502 in the soak (a read is retried on
        the other node; a POST may have been carried out)."""
        self.ask(f"set server web/{node.name} state maint")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.in_flight(node):
            time.sleep(0.1)

    def ready(self, node: WebNode) -> None:
        """Back in rotation once its health checks pass."""
        self.ask(f"set server web/{node.name} state ready")

    def in_flight(self, node: WebNode) -> int:
        """Requests `node` is answering (HAProxy's `scur`)."""
        header, *rows = self.ask("show stat").splitlines()
        columns = header.lstrip("# ").split(",")
        for row in csv.reader(rows):
            if row[:2] == ["web", node.name]:
                return int(row[columns.index("scur")] or 0)
        return 0


class Worker:
    """`manage.py db_worker`, as the README runs it (it listens on no port)."""

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


class MailSink(LocalSmtp):
    """The mail tests' SMTP server (tests/helpers/mail_fixtures.py). Each recipient takes
    `delay` seconds to be accepted, as a busy relay does, so that a task of a hundred
    mails runs for a few seconds (long enough to kill its worker midway)."""

    @property
    def received(self) -> list[tuple[str, str]]:
        """Each mail's recipient and subject."""
        with self.inbox.lock:
            return [(str(m["To"]), str(m["Subject"])) for m in self.inbox.messages]
