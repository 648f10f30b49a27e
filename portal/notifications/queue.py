"""What the portal adds to the task queue (django-tasks-db) for production.

The backend stores tasks in the portal's database and its `db_worker` runs them; a task
that raises is marked failed with its traceback, and that is all. It has no retries and
nothing for a task whose worker died while running it (killed, out of memory, the machine
gone): such a task stays "running" for ever. Here:

- `enqueue_later` enqueues a task to run after a pause, where the backend can wait
  (the database backend); the mail tasks use it to try a failed send again.
- `recover_stale_tasks` gives a task that has been "running" longer than
  TASK_STALE_MINUTES back to the queue, for another worker; one that has already been
  taken TASK_MAX_CLAIMS times is marked failed instead ("abandoned"), with the workers
  that took it, so that a task which kills its worker does not loop for ever. Every task
  of the portal is safe to run again (a mail's row is checked before it is sent).
  `manage.py send_reminders` runs it first, every few minutes.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.tasks import Task, TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


class WorkerLost(Exception):
    """The workers that took the task stopped before finishing it."""


def enqueue_later(task: Task, args: list, delay: timedelta) -> None:
    backend = task.get_backend()
    if backend.supports_defer:
        task = task.using(run_after=timezone.now() + delay)
    task.enqueue(*args)


def recover_stale_tasks(
    now: datetime | None = None, stale_after: timedelta | None = None
) -> tuple[int, int]:
    """(tasks given back to the queue, tasks marked failed as abandoned)."""
    now = now or timezone.now()
    stale_after = (
        timedelta(minutes=settings.TASK_STALE_MINUTES) if stale_after is None else stale_after
    )
    requeued = abandoned = 0
    stale = DBTaskResult.objects.running().filter(started_at__lte=now - stale_after)
    for task in stale.only("id", "started_at", "worker_ids"):
        # Only while it is still the same run: a worker that finished it just now wins.
        same_run = DBTaskResult.objects.filter(
            pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at
        )
        if len(task.worker_ids) >= settings.TASK_MAX_CLAIMS:
            error = WorkerLost(
                f"abandoned after {len(task.worker_ids)} workers took it and none finished "
                f"it: {', '.join(task.worker_ids)}"
            )
            abandoned += same_run.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{__name__}.WorkerLost",
                traceback=f"{__name__}.WorkerLost: {error}\n",
            )
        else:
            requeued += same_run.update(status=TaskResultStatus.READY, started_at=None)
    return requeued, abandoned
