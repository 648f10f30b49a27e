"""How gunicorn serves the portal: its configuration (`gunicorn -c python:portal.serving
portal.wsgi ...`, as the README and `make bench` run it) and a threaded worker that hands
over to its replacements on a graceful reload.

On `kill -HUP` gunicorn starts new workers, which load the portal's new code, and at once
tells the old ones to stop; an old worker stops accepting connections straight away. Until
a new worker has loaded Django and the portal (a second of CPU, far longer on a busy
machine: 10 to 20 s were measured on a loaded two-core box), no process accepts, and
every request waits in the listening socket's queue: clients with a shorter timeout give
up. Here an old worker whose replacements are still loading keeps accepting and serving
until they are ready (at most `graceful_timeout`), and only then stops as usual, finishing
the requests it holds.

This module is loaded by gunicorn's master process: it must not import Django or the
portal's own code, which the workers load (so that a reload runs the new code).
"""

import ctypes
import multiprocessing
import threading
import time

from gunicorn.workers.gthread import ThreadWorker

# The settings the README's production command relies on (the command line adds
# --workers and --bind, and may override any of these).
worker_class = "portal.serving.HandoverWorker"
threads = 8
graceful_timeout = 30

# Handover state (see on_starting): the reload generation, the workers a reload asked
# for, how many of that generation have loaded the app, and how many failed to boot or
# were told to stop (the server is shutting down): then the old workers need not wait.
GENERATION, WANTED, READY, STOPPED = range(4)


def on_starting(server) -> None:
    """Shared memory for the master and every worker it forks, created once (a reload
    reads this module again but keeps the master's attributes)."""
    server.handover = multiprocessing.Array(ctypes.c_long, 4)


def on_reload(server) -> None:
    """A new generation of workers is about to be started."""
    state = server.handover
    with state.get_lock():
        state[GENERATION] += 1
        state[WANTED] = server.cfg.workers
        state[READY] = state[STOPPED] = 0


def post_fork(server, worker) -> None:
    worker.handover = server.handover
    worker.generation = server.handover[GENERATION]


def post_worker_init(worker) -> None:
    """The app is loaded: resolve the URLs once (importing every view), so that the
    first request is not the one to pay for it, then count this worker as ready."""
    from django.conf import settings
    from django.urls import get_resolver

    if settings.configured:
        get_resolver().url_patterns  # noqa: B018 (imports the views)
    _report(worker, READY)


def worker_exit(server, worker) -> None:
    if not worker.booted:  # the new code failed to load: the old workers need not wait
        _report(worker, STOPPED)


def _report(worker, slot: int) -> None:
    state = getattr(worker, "handover", None)
    if state is None:
        return
    with state.get_lock():
        if state[GENERATION] == worker.generation:
            state[slot] += 1


class HandoverWorker(ThreadWorker):
    """gunicorn's threaded worker that, told to stop because a reload replaced it, serves
    on until its replacements are ready."""

    handing_over = False

    def handle_exit(self, sig, frame) -> None:
        state = getattr(self, "handover", None)
        replaced = state is not None and state[GENERATION] > self.generation
        if not replaced:
            _report(self, STOPPED)  # a shutdown: workers handing over to this one stop too
            super().handle_exit(sig, frame)
        elif not self.handing_over:  # the master repeats SIGTERM until the worker is gone
            self.handing_over = True
            threading.Thread(
                target=self._stop_when_replaced, args=(sig, frame), daemon=True
            ).start()

    def _stop_when_replaced(self, sig, frame) -> None:
        state = self.handover
        give_up = time.monotonic() + self.cfg.graceful_timeout
        while time.monotonic() < give_up and self.alive:
            if state[STOPPED] or state[READY] >= state[WANTED]:
                break
            time.sleep(0.05)
        super().handle_exit(sig, frame)
