"""A real SMTP server for the mail tests (aiosmtpd on a free local port, what arrived read
back as parsed messages), Django's SMTP backend pointed at it, and the task worker run as
the README runs it (`manage.py db_worker`), in a subprocess against the test database."""

import asyncio
import email
import email.policy
import os
import socket
import subprocess
import sys
import threading
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd's handler: keeps every message accepted. `before_rcpt`, when set, is
    called (in the server's thread) at each RCPT TO, before the message is accepted; while
    `holding` is set, every RCPT TO waits, so no message in flight is accepted."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()
        self.before_rcpt = None
        self.delay = 0.0
        self.holding = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.before_rcpt:
            self.before_rcpt(address)
        while self.holding.is_set():
            await asyncio.sleep(0.01)
        if self.delay:
            await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def wait_for(self, count: int, timeout: float = 20) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


def parts(message: EmailMessage) -> tuple[str, str]:
    """(plain text, HTML) of a message."""
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


class LocalSmtp:
    """aiosmtpd on a free local port, keeping what arrives in `inbox`; each recipient is
    accepted after `delay` seconds (a busy relay)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self.inbox.delay = delay
        self.inbox.port = self.port
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def start(self) -> "LocalSmtp":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture
def smtp_server():
    server = LocalSmtp().start()
    try:
        yield server.inbox
    finally:
        server.stop()


@pytest.fixture
def smtp_mail(settings, smtp_server) -> Inbox:
    """Django's SMTP backend sending to the local server."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": "127.0.0.1",
                "port": smtp_server.port,
                "use_tls": False,
                "timeout": 10,
            },
        }
    }
    return smtp_server


@pytest.fixture
def database_tasks(immediate_tasks):
    """Tasks go to the database (django-tasks-db), as in production, for the worker;
    conftest's immediate_tasks puts the backend back afterwards."""
    from django.tasks import task_backends
    from django_tasks_db import DatabaseBackend

    task_backends["default"] = DatabaseBackend("default", {"QUEUES": ["default"]})


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def worker_env(smtp_port: int, **extra: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "False",
        "PORTAL_BASE_URL": "https://portal.example.com",
        "LOG_LEVEL": "ERROR",
        **extra,
    }


def start_worker(smtp_port: int, *args: str, **env: str) -> subprocess.Popen:
    """`manage.py db_worker` as the README runs it (here with --batch: it stops once the
    queue is empty)."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.1",
         "--no-startup-delay", "-v0", *args],
        cwd=ROOT,
        env=worker_env(smtp_port, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def run_worker(smtp_port: int, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    worker = start_worker(smtp_port, "--batch", *args)
    out, err = worker.communicate(timeout=timeout)
    assert worker.returncode == 0, err
    return subprocess.CompletedProcess(worker.args, worker.returncode, out, err)
