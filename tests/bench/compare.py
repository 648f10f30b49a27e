"""`make bench-compare OLD=<commit>`: the code at OLD and this checkout served side by
side, each on its own bench database, every row of `make bench` measured on both in
alternating order for BENCH_ROUNDS rounds (at least three). A row is worse when the median
of its rounds' new/old ratios (requests per second) is below WORSE_BELOW.

The old code is checked out with `git worktree add` under /tmp (sharing this checkout's
virtualenv). The databases hold the same data: built once by the new code (with the
cohort's 1,000 x 200 group up front, since both sides see it) and copied for the old side
when the new code's migrations only add to the old's (the old code keeps running on the
new schema, as a rolling deploy needs), else built again by the old code.

Each round starts both sides from the same data (a copy of each database as the rows were
set up, taken again and the servers restarted, then each page asked once per worker), reads
first and writes last. Each row is measured old then new in one round and new then old in
the next, so that the machine's drift within a run falls on both, for BENCH_SECONDS (5)
or long enough for ENOUGH_ANSWERS. A row whose median is below WORSE_BELOW after its
rounds is measured for AGAIN times as many and judged on all of them. Beside requests per
second, each measurement reads the CPU time the server spent per request, which the
scheduling of the two cores moves less.

Prints a table and writes bench-results/compare.json; exits 1 when a row is worse.
BENCH_ROWS=home,category measures only the rows whose names contain one of those;
BENCH_KEEP=1 keeps both databases and the old checkout, to look into a row.
"""

import json
import math
import os
import re
import resource
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import bench
from bench import BIN, ROOT, Session, manage, median, psql, run_wrk

ROUNDS = max(3, int(os.environ.get("BENCH_ROUNDS", "3")))
# wrk's connections stay with the gunicorn worker that accepted them, and a gthread worker
# accepts all it can: with make bench's four on one listening socket, one worker often had
# them all and a core stood idle (a third of the machine, identical code read 0.6 to 1.7).
# Each worker listens on its own socket (--reuse-port), the kernel spreads the connections,
# and sixteen of them leave neither worker without work. A row that names its own number
# (one person's, or a page too heavy for sixteen at once within wrk's timeout) keeps it.
CONNECTIONS = 16
# A row below WORSE_BELOW after ROUNDS is measured for AGAIN x ROUNDS more: one round of
# identical code reads 0.8 to 1.2 here, and fifteen put a median within about 0.03.
AGAIN = 4
# Each measurement has at least this many answers: the CSV answers one or two a second,
# and one answer more or less in five seconds moved its rate by a sixth.
ENOUGH_ANSWERS = 100
WORSE_BELOW = 0.95
if "BENCH_SECONDS" not in os.environ:
    bench.DURATION = "5"  # per row, side and round: about twenty minutes in all


@dataclass
class Side:
    name: str
    root: Path
    database: str
    port: int
    rows: list[tuple] = field(default_factory=list)
    server: subprocess.Popen | None = None

    @property
    def env(self) -> dict:
        return {**bench.ENV, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{self.database}"}

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str) -> str:
        return manage(*args, root=self.root, env=self.env)

    def serve(self) -> None:
        self.server = subprocess.Popen(
            [BIN / "gunicorn", "portal.wsgi", "--workers", bench.WORKERS,
             "--bind", f"127.0.0.1:{self.port}", "--reuse-port", *bench.WORKER_OPTIONS],
            cwd=self.root,
            env=self.env,
        )  # fmt: skip
        bench.wait_until_ready(self.base)

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)
            self.server = None

    def keep_start(self) -> None:
        """Copy the database as the rounds start from it (signed in, rows set up)."""
        self.stop()
        copy_database(self.database, f"{self.database}_start")
        self.serve()

    def restart(self) -> None:
        """Back to the start: the rows that write (attempts, answers, posts) would otherwise
        leave more behind on the faster side, for every later row to read through."""
        self.stop()
        copy_database(f"{self.database}_start", self.database)
        self.serve()
        # Each page once per worker before it is timed, as a server that has run a while.
        for _name, path, session, method, *_ in self.rows * int(bench.WORKERS):
            if method != "GET":
                continue
            if session is None:
                bench.status_of(path, self.base)
            else:
                session.get(path)


def copy_database(source: str, target: str) -> None:
    """`target` made again as a copy of `source` (no one may be connected to either)."""
    psql(f"DROP DATABASE IF EXISTS {target}")
    psql(f"CREATE DATABASE {target} TEMPLATE {source} STRATEGY FILE_COPY")


def checkout(commit: str) -> Path:
    path = Path(f"/tmp/bench-old-{commit[:12]}")
    if not path.exists():
        git = ["git", "worktree", "add", "--detach", str(path), commit]
        subprocess.run(git, cwd=ROOT, check=True, capture_output=True)
    if not (path / ".venv").exists():
        (path / ".venv").symlink_to(ROOT / ".venv")
    return path


def build(side: Side) -> dict:
    """The bench database of `side`, by its own code, with the cohort's group."""
    setup = bench.prepare_database(side.database, side.root, side.env)
    made = side.manage(
        "make_synthetic_group", "--learners", "1000", "--lessons", "200", "--seed", "2"
    )
    psql("VACUUM ANALYZE", side.database)
    return setup | {"cohort": made}


def connections_of(more: list) -> int | str | None:
    """A bench row's own number of connections, None where it has none: a row that passes
    `make bench`'s default (the very object bench.CONNECTIONS) does so only to name its
    bodies after it, and is measured with this comparison's CONNECTIONS like the rest."""
    if not more or more[0] is bench.CONNECTIONS:
        return None
    return more[0]


def rows_of(side: Side, setup: dict) -> list[tuple]:
    """`make bench`'s rows, signed in on `side`'s server: (name, path, session, method,
    body, connections, bodies, timeout)."""
    learner = Session("bench1", bench.seed.PASSWORD, side.base)
    instructor = Session(*setup["instructor"], side.base)
    mid_course = Session(bench.MID_COURSE_LEARNER, bench.seed.PASSWORD, side.base)
    bodies = bench.quiz_bodies(out=ROOT / "bench-results" / f"quiz-bodies-{side.name}.txt",
                               env=side.env)  # fmt: skip
    rows = [
        (name, path, session, method, body, connections_of(more), (more[1:] + [None])[0], "2s")
        for name, path, session, method, body, *more in bench.rows_of(
            setup, learner, instructor, mid_course, bodies, side.env
        )
    ]
    login = re.search(r"Instructor login: (\S+) / (\S+)", setup["cohort"])
    cohort = re.search(r"(/groups/\d+/dashboard/)", setup["cohort"])[1]
    teacher = Session(login[1], login[2], side.base)
    dashboard = setup["dashboard"]
    return rows + [
        ("dashboard 200 x 100, week 3", f"{dashboard}?section=w3", instructor, "GET", "", 4,
         None, "2s"),
        ("dashboard 1,000 x 200", cohort, teacher, "GET", "", 4, None, "2s"),
        ("dashboard 1,000 x 200, week 3", f"{cohort}?section=w3", teacher, "GET", "", 4, None,
         "2s"),
        # A download is one person's: one connection; it may take longer than 2 s.
        ("CSV 1,000 x 200", cohort + "export.csv", teacher, "GET", "", 1, None, "30s"),
    ]  # fmt: skip


def busy_seconds() -> float:
    """CPU time the machine has spent busy, all cores together (/proc/stat)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]
    user, nice, system, _idle, _iowait, irq, softirq = map(int, fields)
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def children_seconds() -> float:
    """CPU time of this process's finished children (each wrk run)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(side: Side, row: tuple, seconds: str | None = None) -> dict:
    """One round of `row` on `side`: requests per second, the CPU time the server spent
    per request (gunicorn and PostgreSQL: the machine's busy time less wrk's own), and the
    answers that were not successes (HTTP 400 and over, and socket errors), since a page
    that answers an error fast would otherwise read as a faster page."""
    _name, path, session, method, body, connections, bodies, timeout = row
    connections = connections or CONNECTIONS
    busy, wrk = busy_seconds(), children_seconds()
    result = run_wrk(path, session, method, body, connections, bodies, timeout, side.base, seconds)
    server = (busy_seconds() - busy) - (children_seconds() - wrk)
    cpu_ms = round(1000 * server / max(result["requests"], 1), 3)
    errors = result["status_errors"] + result["socket_errors"]
    if errors:
        print(f"  {side.name}: {result['status_errors']} status and "
              f"{result['socket_errors']} socket errors", flush=True)  # fmt: skip
    return {"rps": result["rps"], "cpu_ms": cpu_ms, "errors": errors}


def seconds_for(side: Side, row: tuple) -> str:
    """wrk's duration for `row`: bench.DURATION, or longer for a row too slow to give
    ENOUGH_ANSWERS in it (its rate read once, for a second), up to half a minute."""
    rate = measure(side, row, "1")["rps"]
    return str(min(30, max(int(bench.DURATION), math.ceil(ENOUGH_ANSWERS / max(rate, 0.1)))))


def ratios_of(runs: dict, key: str) -> list[float]:
    """new/old per round of a row's `key`, turned so that above 1 is better: requests per
    second as they are, CPU time per request upside down."""
    pairs = zip(runs["old"], runs["new"], strict=True)
    if key == "cpu_ms":
        return [round(old[key] / new[key], 3) if new[key] > 0 else 0.0 for old, new in pairs]
    return [round(new[key] / old[key], 3) if old[key] else 0.0 for old, new in pairs]


def compare(old: str) -> int:
    commit = subprocess.run(
        ["git", "rev-parse", old], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    port = bench.PORT
    new_side = Side("new", ROOT, f"{bench.DATABASE}_new", port + 1)
    old_side = Side("old", checkout(commit), f"{bench.DATABASE}_old", port + 2)
    print(f"Old: {commit[:12]} at {old_side.root}; new: this checkout", flush=True)
    print("Building the bench databases (a few minutes)…", flush=True)
    new_setup = build(new_side)
    # The new code's migrations only add to the old's (as a rolling deploy needs, the old
    # code keeps running on the new schema): the old side gets a copy of the same data.
    only_added = not subprocess.run(
        ["git", "diff", "--quiet", "--diff-filter=DMR", commit, "--", "*/migrations/*"],
        cwd=ROOT,
    ).returncode
    if only_added:
        copy_database(new_side.database, old_side.database)
        old_side.manage("collectstatic", "--noinput")
        old_setup = new_setup
    else:
        old_setup = build(old_side)
    sides = (old_side, new_side)
    try:
        for side, setup in ((old_side, old_setup), (new_side, new_setup)):
            side.serve()
            side.rows = rows_of(side, setup)
            side.keep_start()
        # BENCH_ROWS: only the rows whose names contain one of these (comma-separated).
        wanted = [w for w in os.environ.get("BENCH_ROWS", "").split(",") if w]
        names = [row[0] for row in new_side.rows if not wanted or any(w in row[0] for w in wanted)]
        # In each round the pages that only read come first, on the data of the start.
        writes = {row[0] for row in new_side.rows if row[3] == "POST"}
        names.sort(key=lambda name: name in writes)
        # Each row's rounds on each side: measure()'s answers, in order.
        runs = {name: {"old": [], "new": []} for name in names}
        row_of = {(side.name, row[0]): row for side in sides for row in side.rows}
        seconds = {name: seconds_for(new_side, row_of["new", name]) for name in names}

        def rounds(these: list[str], first: int, count: int) -> None:
            for number in range(first, first + count):
                for side in sides:
                    side.restart()
                for index, name in enumerate(these):
                    order = sides if (number + index) % 2 == 0 else sides[::-1]
                    for side in order:
                        row = row_of[side.name, name]
                        runs[name][side.name].append(measure(side, row, seconds[name]))
                    old, new = runs[name]["old"][-1], runs[name]["new"][-1]
                    print(f"round {number + 1}, {name}: old {old['rps']} req/s "
                          f"{old['cpu_ms']} ms CPU, new {new['rps']} req/s "
                          f"{new['cpu_ms']} ms CPU", flush=True)  # fmt: skip

        rounds(names, 0, ROUNDS)
        again = [name for name in names if median(ratios_of(runs[name], "rps")) < WORSE_BELOW]
        if again:
            print(f"Measured again (median below {WORSE_BELOW}): {again}", flush=True)
            rounds(again, ROUNDS, AGAIN * ROUNDS)
    finally:
        for side in sides:
            side.stop()
    results = {}
    print(f"\n{'row':32} {'old req/s':>10} {'new req/s':>10}  new/old per round   median"
          f"   CPU ms old  new  old/new median")  # fmt: skip
    for name, measured in runs.items():
        ratios = ratios_of(measured, "rps")
        cpu_ratios = ratios_of(measured, "cpu_ms")
        results[name] = {
            side: {key: [run[key] for run in measured[side]] for key in ("rps", "cpu_ms", "errors")}
            for side in ("old", "new")
        } | {"ratios": ratios, "median_ratio": median(ratios), "cpu_ratios": cpu_ratios,
             "median_cpu_ratio": median(cpu_ratios)}  # fmt: skip
        verdict = "WORSE" if median(ratios) < WORSE_BELOW else ""
        failed = {side: sum(results[name][side]["errors"]) for side in ("old", "new")}
        verdict += f" errors {failed}" if any(failed.values()) else ""
        old, new = results[name]["old"], results[name]["new"]
        print(f"{name:32} {median(old['rps']):10.1f} {median(new['rps']):10.1f}  "
              f"{ratios}  {median(ratios):.3f}   {median(old['cpu_ms']):6.2f} "
              f"{median(new['cpu_ms']):6.2f}  {median(cpu_ratios):.3f} {verdict}")  # fmt: skip
    worse = [name for name, r in results.items() if r["median_ratio"] < WORSE_BELOW]
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "compare.json").write_text(json.dumps(
        {"old": commit, "rounds": ROUNDS, "seconds": bench.DURATION, "rows": results,
         "worse": worse}, indent=2))  # fmt: skip
    print(f"Rows worse (median new/old below {WORSE_BELOW}): {worse or 'none'}")
    if os.environ.get("BENCH_KEEP"):  # to look into a row: both databases and the old code
        print(f"Kept: {old_side.database}, {new_side.database} and {old_side.root}")
        return 1 if worse else 0
    for side in sides:
        psql(f"DROP DATABASE IF EXISTS {side.database}")
        psql(f"DROP DATABASE IF EXISTS {side.database}_start")
    subprocess.run(["git", "worktree", "remove", "--force", str(old_side.root)], cwd=ROOT)
    return 1 if worse else 0
