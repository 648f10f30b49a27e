"""`make bench-compare OLD=<commit>`: the code at OLD and this checkout served side by
side, each on its own bench database, every row of `make bench` measured on both in
alternating order for BENCH_ROUNDS rounds (at least three). A row is worse when the median
of its rounds' new/old ratios (requests per second) is below WORSE_BELOW.

The old code is checked out with `git worktree add` under /tmp (sharing this checkout's
virtualenv). The databases hold the same data: built once by the new code (with the
cohort's 1,000 x 200 group up front, since both sides see it) and copied for the old side
when the new code's migrations only add to the old's (the old code keeps running on the
new schema, as a rolling deploy needs), else built again by the old code. Each row is measured
old then new in one round and new then old in the next, so that the machine's drift within
a run falls on both; a row whose median is below WORSE_BELOW after its rounds is measured
for as many rounds again and judged on all of them. Prints a table and writes
bench-results/compare.json; exits 1 when a row is worse. BENCH_ROWS=home,category measures
only the rows whose names contain one of those; BENCH_KEEP=1 keeps both databases and the
old checkout, to look into a row.
"""

import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import bench
from bench import BIN, ROOT, Session, manage, median, psql, run_wrk

ROUNDS = max(3, int(os.environ.get("BENCH_ROUNDS", "3")))
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
             "--bind", f"127.0.0.1:{self.port}", *bench.WORKER_OPTIONS],
            cwd=self.root,
            env=self.env,
        )  # fmt: skip
        bench.wait_until_ready(self.base)


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


def rows_of(side: Side, setup: dict) -> list[tuple]:
    """`make bench`'s rows, signed in on `side`'s server: (name, path, session, method,
    body, connections, bodies, timeout)."""
    learner = Session("bench1", bench.seed.PASSWORD, side.base)
    instructor = Session(*setup["instructor"], side.base)
    mid_course = Session(bench.MID_COURSE_LEARNER, bench.seed.PASSWORD, side.base)
    bodies = bench.quiz_bodies(out=ROOT / "bench-results" / f"quiz-bodies-{side.name}.txt",
                               env=side.env)  # fmt: skip
    rows = [
        (name, path, session, method, body, (more + [None])[0], (more[1:] + [None])[0], "2s")
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


def measure(side: Side, row: tuple) -> dict:
    """One round of `row` on `side`: requests per second and the answers that were not
    successes (HTTP 400 and over, and socket errors), since a page that answers an error
    fast would otherwise read as a faster page."""
    _name, path, session, method, body, connections, bodies, timeout = row
    result = run_wrk(path, session, method, body, connections, bodies, timeout, side.base)
    errors = result["status_errors"] + result["socket_errors"]
    if errors:
        print(f"  {side.name}: {result['status_errors']} status and "
              f"{result['socket_errors']} socket errors", flush=True)  # fmt: skip
    return {"rps": result["rps"], "errors": errors}


def ratios_of(measured: dict) -> list[float]:
    """new/old per round, from a row's requests per second on each side."""
    pairs = zip(measured["old"], measured["new"], strict=True)
    return [round(new / old, 3) if old else 0.0 for old, new in pairs]


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
        psql(f"DROP DATABASE IF EXISTS {old_side.database}")
        psql(f"CREATE DATABASE {old_side.database} TEMPLATE {new_side.database}")
        old_side.manage("collectstatic", "--noinput")
        old_setup = new_setup
    else:
        old_setup = build(old_side)
    sides = (old_side, new_side)
    try:
        for side, setup in ((old_side, old_setup), (new_side, new_setup)):
            side.serve()
            side.rows = rows_of(side, setup)
        # BENCH_ROWS: only the rows whose names contain one of these (comma-separated).
        wanted = [w for w in os.environ.get("BENCH_ROWS", "").split(",") if w]
        names = [row[0] for row in new_side.rows if not wanted or any(w in row[0] for w in wanted)]
        rps = {name: {"old": [], "new": []} for name in names}
        errors = {name: {"old": [], "new": []} for name in names}

        def rounds(these: list[str], first: int) -> None:
            for number in range(first, first + ROUNDS):
                for index, name in enumerate(these):
                    order = sides if (number + index) % 2 == 0 else sides[::-1]
                    for side in order:
                        row = next(row for row in side.rows if row[0] == name)
                        measured = measure(side, row)
                        rps[name][side.name].append(measured["rps"])
                        errors[name][side.name].append(measured["errors"])
                    print(f"round {number + 1}, {name}: old {rps[name]['old'][-1]} req/s, "
                          f"new {rps[name]['new'][-1]} req/s", flush=True)  # fmt: skip

        rounds(names, 0)
        # Identical code can read 0.6 or 1.5 in a round on a shared machine.
        again = [name for name in names if median(ratios_of(rps[name])) < WORSE_BELOW]
        if again:
            print(f"Measured again (median below {WORSE_BELOW}): {again}", flush=True)
            rounds(again, ROUNDS)
    finally:
        for side in sides:
            if side.server is not None:
                side.server.terminate()
                side.server.wait(timeout=30)
    results = {}
    print(f"\n{'row':32} {'old req/s':>10} {'new req/s':>10}  new/old per round   median")
    for name, measured in rps.items():
        ratios = ratios_of(measured)
        results[name] = measured | {
            "ratios": ratios,
            "median_ratio": median(ratios),
            "errors": errors[name],
        }
        verdict = "WORSE" if median(ratios) < WORSE_BELOW else ""
        failed = {side: sum(counts) for side, counts in errors[name].items() if sum(counts)}
        verdict += f" errors {failed}" if failed else ""
        print(f"{name:32} {median(measured['old']):10.1f} {median(measured['new']):10.1f}  "
              f"{ratios}  {median(ratios):.3f} {verdict}")  # fmt: skip
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
    subprocess.run(["git", "worktree", "remove", "--force", str(old_side.root)], cwd=ROOT)
    return 1 if worse else 0
