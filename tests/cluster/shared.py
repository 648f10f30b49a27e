"""One cluster for a whole test run, however many pytest-xdist workers run it.

The first worker that needs the cluster builds it, under a file lock, and writes where it
is to a file in a folder of the run's own (named by PYTEST_XDIST_TESTRUNUID); the others
attach to it. Its tests take turns (another file lock: one test pauses the replica while
another reads from it). The worker that built it stops it only once every other worker
has finished: each holds a shared lock on a file of its own from its start to its end,
and the kernel drops the lock of a worker that dies."""

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.cluster.postgres import PrimaryAndReplica

_alive = None  # this worker's file, locked shared while it runs


def run_folder() -> Path | None:
    """This run's folder, shared by its workers; None outside pytest-xdist."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if not run or not os.environ.get("PYTEST_XDIST_WORKER"):
        return None
    folder = Path(tempfile.gettempdir()) / f"portal-tests-{run}"
    folder.mkdir(exist_ok=True)
    return folder


def worker_started() -> None:
    global _alive
    folder = run_folder()
    if folder is not None:
        _alive = (folder / f"alive-{os.environ['PYTEST_XDIST_WORKER']}").open("w")
        fcntl.flock(_alive, fcntl.LOCK_SH)


def worker_finished() -> None:
    global _alive
    if _alive is not None:
        Path(_alive.name).unlink(missing_ok=True)
        _alive.close()
        _alive = None


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    with path.open("a") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


@dataclass
class Node:
    name: str
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Attached:
    """What a test reads of a cluster another worker started (tests/cluster/cluster.py)."""

    folder: Path
    postgres: PrimaryAndReplica
    nodes: list[Node]
    group_ids: list[int]
    question_ids: list[int]
    web_env: dict


def whereabouts(cluster) -> dict:
    return {
        "folder": str(cluster.folder),
        "postgres": str(cluster.postgres.folder),
        "primary": cluster.postgres.primary.port,
        "replica": cluster.postgres.replica.port,
        "nodes": [[node.name, node.port] for node in cluster.nodes],
        "group_ids": cluster.group_ids,
        "question_ids": cluster.question_ids,
        "web_env": cluster.web_env,
    }


def attach(where: dict) -> Attached:
    return Attached(
        folder=Path(where["folder"]),
        postgres=PrimaryAndReplica.at(Path(where["postgres"]), where["primary"], where["replica"]),
        nodes=[Node(name, port) for name, port in where["nodes"]],
        group_ids=where["group_ids"],
        question_ids=where["question_ids"],
        web_env=where["web_env"],
    )


@contextlib.contextmanager
def one_per_run(build: Callable[[], object]) -> Iterator[object]:
    """The run's cluster: `build()` (which starts one and returns it) on the first worker
    to ask, the same cluster attached on the others; stopped once all have finished."""
    folder = run_folder()
    if folder is None:
        cluster = build()
        try:
            yield cluster
        finally:
            cluster.stop()
        return
    state = folder / "cluster.json"
    built = None
    with locked(folder / "cluster.lock"):
        if state.exists():
            cluster = attach(json.loads(state.read_text()))
        else:
            cluster = built = build()
            state.write_text(json.dumps(whereabouts(built)))
    try:
        yield cluster
    finally:
        if built is not None:
            _wait_for_the_other_workers(folder)
            built.stop()
            state.unlink(missing_ok=True)


@contextlib.contextmanager
def turn() -> Iterator[None]:
    """One cluster test at a time across the workers."""
    folder = run_folder()
    if folder is None:
        yield
        return
    with locked(folder / "turn.lock"):
        yield


def _wait_for_the_other_workers(folder: Path, timeout: float = 1800) -> None:
    me = f"alive-{os.environ['PYTEST_XDIST_WORKER']}"
    deadline = time.monotonic() + timeout
    for path in folder.glob("alive-*"):
        if path.name == me:
            continue
        with contextlib.suppress(FileNotFoundError), path.open() as other:
            while time.monotonic() < deadline:
                try:
                    fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    time.sleep(0.2)


def remove_run_folder() -> None:
    """The last worker out removes the run's folder (the others' files are gone by then)."""
    folder = run_folder()
    if folder is not None and not any(folder.glob("alive-*")):
        shutil.rmtree(folder, ignore_errors=True)
