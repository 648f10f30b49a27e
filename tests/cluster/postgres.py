"""A PostgreSQL 15 primary and its streaming replica, each a throw-away cluster of its own
on a spare port (initdb, then pg_basebackup of the primary), never the server on 5432."""

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from tests.cluster.processes import as_postgres, chown_postgres, free_port

BINARIES = Path("/usr/lib/postgresql/15/bin")
# Fast and throw-away: nothing here outlives the machine. UTC, so that Django never needs
# to set a time zone per connection (it would not last behind PgBouncer).
SERVER_SETTINGS = {
    "fsync": "off",
    "full_page_writes": "off",
    "timezone": "UTC",
    "max_connections": "200",
    "shared_buffers": "64MB",
    "wal_level": "replica",
    "hot_standby_feedback": "on",
    "max_standby_streaming_delay": "5s",
    "log_min_messages": "fatal",
}


def available() -> bool:
    return all((BINARIES / name).exists() for name in ("initdb", "pg_ctl", "pg_basebackup"))


class Server:
    def __init__(self, data: Path, port: int) -> None:
        self.data = data
        self.port = port

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres", **options) -> psycopg.Connection:
        return psycopg.connect(self.url(database), autocommit=True, **options)

    def start(self) -> None:
        options = " ".join(f"-c {k}={v}" for k, v in SERVER_SETTINGS.items())
        subprocess.run(
            [
                *as_postgres(),
                BINARIES / "pg_ctl",
                "-D",
                self.data,
                "-l",
                self.data / "server.log",
                "-w",
                "-o",
                f"-p {self.port} -k {self.data.parent} -c listen_addresses=127.0.0.1 {options}",
                "start",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        subprocess.run(
            [*as_postgres(), BINARIES / "pg_ctl", "-D", self.data, "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


class PrimaryAndReplica:
    """`start()` makes both (about two seconds), `stop()` removes them."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="portal-pg-"))
        chown_postgres(self.folder)
        self.primary = Server(self.folder / "primary", free_port())
        self.replica = Server(self.folder / "replica", free_port())

    @classmethod
    def at(cls, folder: Path, primary_port: int, replica_port: int) -> "PrimaryAndReplica":
        """The pair another process started (tests/cluster/shared.py)."""
        pair = cls.__new__(cls)
        pair.folder = folder
        pair.primary = Server(folder / "primary", primary_port)
        pair.replica = Server(folder / "replica", replica_port)
        return pair

    def start(self) -> "PrimaryAndReplica":
        subprocess.run(
            [
                *as_postgres(),
                BINARIES / "initdb",
                "-D",
                self.primary.data,
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.primary.start()
        subprocess.run(
            [
                *as_postgres(),
                BINARIES / "pg_basebackup",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.primary.port),
                "-U",
                "postgres",
                "-D",
                self.replica.data,
                "-R",  # a standby that streams from the primary
                "-X",
                "stream",
                "--no-sync",
            ],
            check=True,
        )
        self.replica.start()
        return self

    def create_database(self, name: str) -> None:
        with self.primary.connect() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
        self.wait_for_replica(name)

    def wait_for_replica(self, database: str = "postgres", timeout: float = 10) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        with self.primary.connect() as primary:
            target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with self.replica.connect(database) as replica:
                    (caught_up,) = replica.execute(
                        "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]
                    ).fetchone()
                if caught_up:
                    return
            except psycopg.OperationalError:
                pass  # the database itself is not there yet
            time.sleep(0.05)
        raise TimeoutError("the replica did not catch up")

    def pause_replay(self) -> None:
        with self.replica.connect() as replica:
            replica.execute("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        with self.replica.connect() as replica:
            replica.execute("SELECT pg_wal_replay_resume()")

    def stop(self) -> None:
        self.replica.stop()
        self.primary.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
