"""`make soak`: learners and instructors through the load balancer of a whole cluster
(tests/cluster/cluster.py) while things break, one after the other:

1. a task worker is killed (SIGKILL) in the middle of a task of reminder mails, and
   another started in its place;
2. a web node is stopped (gracefully, as a deploy or a scale-in does) and started again;
3. the replica stops replaying (`pg_wal_replay_pause()`), so the instructors' reports
   fall behind, then catches up.

Learners mark lessons done, answer their group's question and read lessons; instructors
open the dashboard, the CSV and the exam readiness; an editor uploads images. Then it
checks that every acknowledged completion, answer and upload is there, that every
reminder went out once and only once (an SMTP sink counts them), and prints requests,
errors and 5xx per fault. SOAK_SECONDS sets the length of the load (default 240; the
test suite runs a 20-second form, tests/cluster/test_soak.py); the report is also written to
soak-results/soak.json."""

import io
import json
import os
import random
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from PIL import Image

from tests.cluster.browser import Browser
from tests.cluster.cluster import DATABASE, Cluster
from tests.cluster.processes import ROOT
from tests.cluster.seed import PASSWORD
from tests.cluster.services import Worker

LESSONS = [
    "kubernetes-orchestration-lab",
    "kubernetes-network",
    "kubernetes-security",
    "kubernetes-monitoring",
]
GROUPS = 4
LEARNERS_PER_GROUP = 50
# The evening the reminders are for: 20:05 in Seoul today, as `make bench` sends them.
EVENING = datetime.now(ZoneInfo("Asia/Seoul")).replace(hour=20, minute=5, second=0)
# A fault's 5xx count from its start until this long after it ends (the balancer's checks).
AFTER_FAULT = 5.0
OUT = ROOT / "soak-results"


@dataclass
class Fault:
    name: str
    start: float = 0.0
    end: float = 0.0


@dataclass
class Load:
    """Every request made, and every write the portal acknowledged."""

    started: float = field(default_factory=time.monotonic)
    requests: list[tuple[float, str, int]] = field(default_factory=list)
    completions: set[tuple[str, str]] = field(default_factory=set)
    answers: set[str] = field(default_factory=set)
    uploads: set[str] = field(default_factory=set)
    failures: Counter = field(default_factory=Counter)  # what each 5xx said, to tell whose
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind: str, status: int) -> None:
        with self.lock:
            self.requests.append((time.monotonic(), kind, status))


def call(load: Load, kind: str, request, *args, **kwargs) -> tuple[int, str]:
    try:
        status, body = request(*args, **kwargs)
    except OSError:
        status, body = 0, ""  # no answer at all: refused, reset or timed out
    load.note(kind, status)
    if status >= 500:
        with load.lock:
            load.failures[f"{status} {' '.join(body.split())[:120]}"] += 1
    return status, body


def learner_loop(load: Load, browser: Browser, username: str, question: str, until: float):
    rng = random.Random(username)
    n = 0
    while time.monotonic() < until:
        n += 1
        lesson = rng.choice(LESSONS)
        call(load, "lesson page", browser.get, f"/lessons/{lesson}/")
        status, _ = call(load, "mark done", browser.post, f"/lessons/{lesson}/done/", {"done": "1"})
        if status == 302:
            with load.lock:
                load.completions.add((username, lesson))
        if n % 3 == 0:
            body = f"soak answer {username} {n}"
            status, _ = call(load, "answer", browser.post, question, {"body": body})
            if status == 302:
                with load.lock:
                    load.answers.add(body)
        time.sleep(rng.uniform(0.1, 0.4))


def instructor_loop(load: Load, browser: Browser, group: int, until: float):
    rng = random.Random(group)
    pages = [
        ("dashboard", f"/groups/{group}/dashboard/"),
        ("dashboard csv", f"/groups/{group}/dashboard/export.csv"),
        ("readiness", f"/groups/{group}/readiness/"),
    ]
    while time.monotonic() < until:
        kind, path = rng.choice(pages)
        call(load, kind, browser.get, path)
        time.sleep(rng.uniform(0.3, 0.8))


def editor_loop(load: Load, browser: Browser, until: float):
    n = 0
    while time.monotonic() < until:
        n += 1
        buffer = io.BytesIO()
        Image.new("RGB", (16, 16), (n % 256, (n // 256) % 256, 77)).save(buffer, "PNG")
        files = {"image": (f"soak-{n}.png", buffer.getvalue(), "image/png")}
        status, body = call(
            load, "upload", browser.post, "/admin/lessons/lesson/images/", {}, files=files
        )
        if status == 200:
            with load.lock:
                load.uploads.add(json.loads(body)["url"])
        time.sleep(1.0)


def running_tasks(cluster: Cluster) -> list[tuple[int, list]]:
    with cluster.postgres.primary.connect(DATABASE) as db:
        return db.execute(
            "SELECT id, worker_ids FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
        ).fetchall()


# A mail accepted by the SMTP server and committed as sent well within this (a few ms).
SETTLED = 0.3


def kill_a_worker_mid_task(cluster: Cluster, fault: Fault, until: float) -> None:
    """Wait for a worker to be sending the reminders, then kill it with a mail in flight:
    the server holds every recipient while it dies, so that mail is not yet accepted. (A
    kill in the instant between the server's "accepted" and the worker's commit would send
    that one mail again, with its Message-ID, portal/notifications/mail.py: no sender can
    close that instant, so the soak does not aim at it by chance.)"""
    while time.monotonic() < until:
        for _, worker_ids in running_tasks(cluster):
            victim = next((w for w in cluster.workers if w.name == worker_ids[-1]), None)
            if victim is not None and victim.process.poll() is None:
                time.sleep(0.5)  # a few mails into its task
                fault.start = time.monotonic()
                cluster.mail.inbox.holding.set()
                try:
                    time.sleep(SETTLED)
                    victim.kill()
                    victim.process.wait(timeout=10)
                finally:
                    cluster.mail.inbox.holding.clear()
                cluster.workers.remove(victim)
                replacement = Worker(f"{victim.name}-again", cluster.web_env).start()
                cluster.workers.append(replacement)
                fault.end = time.monotonic()
                return
        time.sleep(0.1)


def stop_and_restart_a_node(cluster: Cluster, fault: Fault, down: float) -> None:
    """As a deploy does: out of HAProxy's rotation, stopped (gracefully), started again."""
    node = cluster.nodes[0]
    fault.start = time.monotonic()
    cluster.balancer.drain(node)
    node.stop()
    time.sleep(down)
    node.start()
    cluster.balancer.ready(node)
    fault.end = time.monotonic()


def pause_the_replica(cluster: Cluster, fault: Fault, paused: float) -> None:
    fault.start = time.monotonic()
    cluster.postgres.pause_replay()
    time.sleep(paused)
    cluster.postgres.resume_replay()
    cluster.postgres.wait_for_replica(DATABASE, timeout=60)
    fault.end = time.monotonic()


def _at(moment: float, act, args) -> None:
    time.sleep(max(moment - time.monotonic(), 0))
    act(*args)


RECOVER = """
from datetime import timedelta
from portal.notifications.queue import recover_stale_tasks
recover_stale_tasks(stale_after=timedelta(seconds={seconds}))
"""


def cron(cluster: Cluster, stale_seconds: float | None) -> None:
    """What cron runs every few minutes: `send_reminders`, which first gives back a task
    whose worker died once it is TASK_STALE_MINUTES old. The short form gives it back
    after `stale_seconds` instead (the same function), so as not to wait a minute."""
    if stale_seconds is not None:
        cluster.manage("shell", "--no-imports", "-c", RECOVER.format(seconds=stale_seconds))
    cluster.manage("send_reminders", "--at", EVENING.isoformat(), "-v0")


def scheduler_loop(cluster: Cluster, stop: threading.Event, stale_seconds: float | None) -> None:
    """`cron` every few seconds, as the load runs."""
    while not stop.wait(10):
        cron(cluster, stale_seconds)


def drain(cluster: Cluster, timeout: float, stale_seconds: float | None) -> None:
    """Until no mail is waiting and no task is left to run."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with cluster.postgres.primary.connect(DATABASE) as db:
            (left,) = db.execute(
                "SELECT (SELECT COUNT(*) FROM portal_sentmail WHERE status = 'queued') + "
                "(SELECT COUNT(*) FROM django_tasks_database_dbtaskresult "
                " WHERE status IN ('READY', 'RUNNING'))"
            ).fetchone()
        if not left:
            return
        cron(cluster, stale_seconds)
        time.sleep(1 if stale_seconds is not None else 3)


def check(cluster: Cluster, load: Load) -> dict:
    """What the portal acknowledged and does not have, and the mail sent twice."""
    with cluster.postgres.primary.connect(DATABASE) as db:
        done = set(
            db.execute(
                "SELECT u.username, l.slug FROM lessons_completion c "
                "JOIN portal_user u ON u.id = c.user_id JOIN lessons_lesson l ON l.id = c.lesson_id"
            ).fetchall()
        )
        answers = {row[0] for row in db.execute("SELECT body FROM portal_groupanswer")}
        mails = dict(
            db.execute("SELECT status, COUNT(*) FROM portal_sentmail GROUP BY status").fetchall()
        )
    keys = set(cluster.s3.keys())
    uploads_missing = [url for url in load.uploads if url.removeprefix("/media/") not in keys]
    served = Browser(cluster.url)
    for url in sorted(load.uploads)[:5]:  # and a few served through the balancer
        status, _ = served.get(url)
        if status != 200:
            uploads_missing.append(url)
    received = Counter(cluster.mail.received)
    return {
        "completions acknowledged": len(load.completions),
        "completions lost": len(load.completions - done),
        "answers acknowledged": len(load.answers),
        "answers lost": len(load.answers - answers),
        "uploads acknowledged": len(load.uploads),
        "uploads lost": len(uploads_missing),
        "mails by status": mails,
        "mails received": sum(received.values()),
        "mails received twice or more": sum(1 for n in received.values() if n > 1),
        "mails sent but not received": max(mails.get("sent", 0) - len(received), 0),
    }


def summarize(load: Load, faults: list[Fault]) -> dict:
    def tally(rows) -> dict:
        bad = [(t, status) for t, _, status in rows if status == 0 or status >= 500]
        return {
            "requests": len(rows),
            "errors": sum(1 for _, _, s in rows if s == 0 or s >= 400),
            "5xx": sum(1 for _, s in bad if s >= 500),
            "no answer": sum(1 for _, s in bad if s == 0),
            "5xx seconds": len({int(t) for t, _ in bad}),
        }

    report = {"whole run": tally(load.requests)}
    for fault in faults:
        inside = [r for r in load.requests if fault.start <= r[0] <= fault.end + AFTER_FAULT]
        report[fault.name] = tally(inside) | {
            "happened": fault.start > 0,
            "lasted s": round(fault.end - fault.start, 1),
        }
    per_kind = Counter((kind, status) for _, kind, status in load.requests)
    report["5xx said"] = dict(load.failures.most_common(5))
    report["by kind"] = {f"{kind} {status}": n for (kind, status), n in sorted(per_kind.items())}
    return report


def run(
    seconds: float,
    learners: int = 12,
    instructors: int = GROUPS,
    groups: int = GROUPS,
    learners_per_group: int = LEARNERS_PER_GROUP,
    mail_delay: float = 0.05,
    stale_seconds: float | None = None,
) -> dict:
    """`seconds` of load; `stale_seconds` (the short form) gives a dead worker's task back
    after that long instead of TASK_STALE_MINUTES."""
    cluster = Cluster(
        groups=groups,
        learners_per_group=learners_per_group,
        mail_delay=mail_delay,
        extra_env={"DISCUSSION_POSTS_PER_WINDOW": "100000"},
    )
    started = time.monotonic()
    try:
        cluster.start()
        setup = time.monotonic() - started
        base = cluster.url
        questions = [
            f"/groups/{group}/questions/{question}/answers/"
            for group, question in zip(cluster.group_ids, cluster.question_ids, strict=True)
        ]
        accounts = [
            # Spread over the groups: learner n of the seed is in group n // learners_per_group.
            (
                "learner",
                f"remind{(n % groups) * learners_per_group + n // groups}",
                questions[n % groups],
            )
            for n in range(learners)
        ]
        accounts += [
            ("instructor", f"teacher{n}", cluster.group_ids[n]) for n in range(instructors)
        ]
        accounts.append(("editor", "editor", None))

        def sign_in(username: str) -> Browser:
            browser = Browser(base)
            assert browser.log_in(username, PASSWORD) == 302, username
            return browser

        with ThreadPoolExecutor(8) as pool:  # side by side: each sign-in takes a moment
            browsers = list(pool.map(sign_in, [username for _, username, _ in accounts]))
        people = [
            (role, username if role == "learner" else where, browser, where)
            for (role, username, where), browser in zip(accounts, browsers, strict=True)
            if role != "editor"
        ]
        editor = browsers[-1]
        signed_in = time.monotonic() - started - setup

        # The evening's reminders, queued as the load starts: the workers send them during it.
        cluster.manage("send_reminders", "--at", EVENING.isoformat(), "-v0")
        load = Load()
        until = time.monotonic() + seconds
        threads = [
            threading.Thread(target=learner_loop, args=(load, b, who, q, until))
            if role == "learner"
            else threading.Thread(target=instructor_loop, args=(load, b, who, until))
            for role, who, b, q in people
        ]
        threads.append(threading.Thread(target=editor_loop, args=(load, editor, until)))
        stop_scheduler = threading.Event()
        threads.append(
            threading.Thread(target=scheduler_loop, args=(cluster, stop_scheduler, stale_seconds))
        )
        for thread in threads:
            thread.start()

        faults = [
            Fault("worker killed mid-task"),
            Fault("web node stopped"),
            Fault("replica paused"),
        ]
        plan = [
            (0.0, kill_a_worker_mid_task, (cluster, faults[0], until)),
            (0.1, stop_and_restart_a_node, (cluster, faults[1], seconds * 0.2)),
            (0.55, pause_the_replica, (cluster, faults[2], seconds * 0.2)),
        ]
        breakers = [
            threading.Thread(target=_at, args=(load.started + seconds * share, act, args))
            for share, act, args in plan
        ]
        for thread in breakers:
            thread.start()
        for thread in [*threads[:-1], *breakers]:
            thread.join()
        stop_scheduler.set()
        threads[-1].join()
        drained = time.monotonic()
        broken = drained - load.started
        drain(cluster, timeout=150, stale_seconds=stale_seconds)
        drained = time.monotonic() - drained
        report = {
            "seconds of load": seconds,
            "setup s": round(setup, 1),
            "sign-in s": round(signed_in, 1),
            "faults s": round(broken, 1),
            "drain s": round(drained, 1),
            "learners": learners,
            "instructors": instructors,
        }
        report |= summarize(load, faults)
        report["writes"] = check(cluster, load)
        return report
    finally:
        OUT.mkdir(exist_ok=True)
        for node in cluster.nodes:
            if node.log.exists():
                (OUT / node.log.name).write_text(node.log.read_text()[-200_000:])
        cluster.stop()


def print_report(report: dict) -> None:
    print(
        f"Soak: {report['seconds of load']} s of load, {report['learners']} learners, "
        f"{report['instructors']} instructors, an editor; cluster up in {report['setup s']} s, "
        f"signed in in {report['sign-in s']} s, load and faults over in {report['faults s']} s, "
        f"mail drained in {report['drain s']} s"
    )
    print(f"{'':26} {'requests':>9} {'errors':>7} {'5xx':>5} {'no answer':>10} {'5xx s':>6} "
          f"{'lasted s':>9}")  # fmt: skip
    for name in ("whole run", "worker killed mid-task", "web node stopped", "replica paused"):
        row = report[name]
        lasted = row.get("lasted s", "")
        print(f"{name:26} {row['requests']:9} {row['errors']:7} {row['5xx']:5} "
              f"{row['no answer']:10} {row['5xx seconds']:6} {lasted:>9}")  # fmt: skip
    if report["5xx said"]:
        print("5xx said:", report["5xx said"])
    for name, value in report["writes"].items():
        print(f"{name:30} {value}")


def main() -> int:
    seconds = float(os.environ.get("SOAK_SECONDS", "240"))
    report = run(seconds)
    OUT.mkdir(exist_ok=True)
    (OUT / "soak.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print_report(report)
    writes = report["writes"]
    lost = writes["completions lost"] + writes["answers lost"] + writes["uploads lost"]
    return 1 if lost or writes["mails received twice or more"] else 0


if __name__ == "__main__":
    sys.exit(main())
