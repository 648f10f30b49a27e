"""`make cluster`: the portal as it runs on several machines, here on one. Two web nodes
(gunicorn) behind HAProxy, two task workers, a PostgreSQL primary with a streaming
replica, PgBouncer (transaction mode) in front of the primary, Redis for the shared
caches, an S3 server (moto) for uploads and an SMTP sink for the mail, each on a spare
port. Started and stopped by one command; Ctrl+C (or `make cluster-stop`) stops it all.

The web nodes and workers reach the primary through PgBouncer (DB_PREPARED_STATEMENTS
False), the replica directly (DATABASE_REPLICA_URL), Redis for the page fragments and
the cohorts' figures (REDIS_URL), the bucket for media (MEDIA_STORAGE_URL); sessions
stay in the database (README, "Deploying at scale")."""

import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.cluster.postgres import PrimaryAndReplica
from tests.cluster.processes import BIN, ROOT, chown_postgres, stop_all
from tests.cluster.s3 import CREDENTIALS, S3Server
from tests.cluster.seed import seed
from tests.cluster.services import Balancer, MailSink, PgBouncer, Redis, WebNode, Worker

DATABASE = "portal"
PID_FILE = Path(tempfile.gettempdir()) / "portal-cluster.pid"


class Cluster:
    def __init__(
        self,
        web_nodes: int = 2,
        workers: int = 2,
        groups: int = 4,
        learners_per_group: int = 25,
        pgbouncer: bool = True,
        balancer: bool = True,
        extra_env: dict | None = None,
        mail_delay: float = 0.0,
    ) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="portal-cluster-"))
        chown_postgres(self.folder)  # PgBouncer runs as postgres and keeps its files here
        self.web_node_count = web_nodes
        self.worker_count = workers
        self.groups = groups
        self.learners_per_group = learners_per_group
        self.use_pgbouncer = pgbouncer
        self.use_balancer = balancer
        self.extra_env = extra_env or {}
        self.postgres = PrimaryAndReplica()
        self.pgbouncer: PgBouncer | None = None
        self.redis = Redis()
        self.s3 = S3Server()
        self.mail = MailSink(mail_delay)
        self.nodes: list[WebNode] = []
        self.workers: list[Worker] = []
        self.balancer: Balancer | None = None
        self.group_ids: list[int] = []
        self.question_ids: list[int] = []

    @property
    def url(self) -> str:
        return self.balancer.url if self.balancer else self.nodes[0].url

    def env(self, database_url: str) -> dict:
        return {
            **os.environ,
            **CREDENTIALS,
            "DATABASE_URL": database_url,
            "DATABASE_REPLICA_URL": self.postgres.replica.url(DATABASE),
            "DB_PREPARED_STATEMENTS": "False" if self.use_pgbouncer else "True",
            "DB_CONN_MAX_AGE": "60",
            "REDIS_URL": self.redis.url,
            "MEDIA_STORAGE_URL": self.s3.storage_url,
            "DEBUG": "False",
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "STATIC_ROOT": str(self.folder / "static"),
            "SECURE_SSL_REDIRECT": "False",
            "SESSION_COOKIE_SECURE": "False",
            "CSRF_COOKIE_SECURE": "False",
            "SECURE_HSTS_SECONDS": "0",
            "TRUSTED_PROXY_COUNT": "1" if self.use_balancer else "0",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.mail.port),
            "EMAIL_USE_TLS": "False",
            "TASK_STALE_MINUTES": "1",
            "LOG_LEVEL": "ERROR",
            **self.extra_env,
        }

    def start(self) -> "Cluster":
        self.secret_key = secrets.token_urlsafe(50)
        self.redis.launch()  # these two boot while PostgreSQL is made
        self.s3.launch()
        self.postgres.start()
        self.postgres.create_database(DATABASE)
        self.redis.wait_until_ready()
        self.s3.wait_until_ready()
        self.mail.start()
        direct = self.env(self.postgres.primary.url(DATABASE))
        direct["DB_PREPARED_STATEMENTS"] = "True"
        # The static files need no database: collected while the tables are made.
        collecting = subprocess.Popen(
            [BIN / "python", "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=direct,
        )
        subprocess.run(
            [BIN / "python", "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=direct,
            check=True,
        )
        if collecting.wait() != 0:
            raise RuntimeError("collectstatic failed")
        if self.use_pgbouncer:
            self.pgbouncer = PgBouncer(self.postgres.primary.port, self.folder).start()
            env = self.env(self.pgbouncer.url(DATABASE))
        else:
            env = direct
        self.web_env = env
        self.nodes = [
            WebNode(f"web{n + 1}", env, self.folder / f"web{n + 1}.log")
            for n in range(self.web_node_count)
        ]
        # The web nodes load Django while the data is made (they need it only to answer).
        for node in self.nodes:
            node.launch()
        self.group_ids, self.question_ids = seed(direct, self.groups, self.learners_per_group)
        self.postgres.wait_for_replica(DATABASE)
        for node in self.nodes:
            node.wait_until_ready()
        if self.use_balancer:
            self.balancer = Balancer(self.nodes, self.folder).start()
        self.workers = [Worker(f"worker{n + 1}", env).start() for n in range(self.worker_count)]
        return self

    def manage(self, *args: str) -> str:
        """`manage.py args` as the nodes run it (through PgBouncer)."""
        return subprocess.run(
            [BIN / "python", "manage.py", *args],
            cwd=ROOT,
            env=self.web_env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def describe(self) -> str:
        lines = [
            f"portal (HAProxy)    {self.url}   (editor / teacher0 / remind0, "
            "password bench-password-1)",
            *(f"web node {node.name:11} {node.url}" for node in self.nodes),
            *(f"task worker         {worker.name}" for worker in self.workers),
            f"PostgreSQL primary  {self.postgres.primary.url(DATABASE)}",
            f"PostgreSQL replica  {self.postgres.replica.url(DATABASE)}",
        ]
        if self.pgbouncer:
            lines.append(f"PgBouncer           {self.pgbouncer.url(DATABASE)}")
        lines += [
            f"Redis               {self.redis.url}",
            f"S3 (moto)           {self.s3.endpoint}/{self.s3.bucket}",
            f"SMTP sink           127.0.0.1:{self.mail.port}",
        ]
        return "\n".join(lines)

    def stop(self) -> None:
        children = [*self.workers, self.balancer, *self.nodes, self.pgbouncer, self.s3, self.redis]
        stop_all([part.process for part in children if part is not None])
        for part in (self.mail, self.postgres):
            try:
                part.stop()
            except Exception as error:  # stop the rest whatever one did
                print(f"stopping {type(part).__name__}: {error!r}", file=sys.stderr)
        subprocess.run(["rm", "-rf", str(self.folder)], check=False)


def main() -> int:
    stopping = []
    for name in (signal.SIGTERM, signal.SIGHUP):  # `make cluster-stop`, a closed terminal
        signal.signal(name, lambda *_: stopping.append(True))
    cluster = Cluster()
    started = time.monotonic()
    try:
        cluster.start()
        PID_FILE.write_text(str(os.getpid()))
        print(f"Cluster up in {time.monotonic() - started:.0f} s:\n{cluster.describe()}")
        print("Ctrl+C (or `make cluster-stop`) stops everything.", flush=True)
        while not stopping:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        # A second Ctrl+C while stopping would leave PostgreSQL (a daemon of its own, out of
        # reach of the terminal's signals) running: the stop runs to its end.
        for name in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(name, signal.SIG_IGN)
        print("Stopping the cluster", flush=True)
        PID_FILE.unlink(missing_ok=True)
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
