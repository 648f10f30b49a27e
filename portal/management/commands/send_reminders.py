"""Enqueue every reminder and digest due now (or at --at), for cron or a systemd timer.

First gives back to the queue any task a dead worker left running
(portal/notifications/queue.py), then claims and enqueues what is due
(portal/notifications/schedule.py). Running it twice, or on two machines at once, sends
nothing twice.
"""

from datetime import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.notifications import queue, schedule


def moment(value: str) -> datetime:
    try:
        at = datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            f"--at must be an ISO 8601 date-time such as 2026-12-07T20:05+09:00, not {value!r}"
        ) from error
    if timezone.is_naive(at):
        at = timezone.make_aware(at, timezone.get_default_timezone())
    return at


class Command(BaseCommand):
    help = "Enqueue the evening reminders and weekly digests due now (or at --at)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--at",
            help="the moment to act as of, ISO 8601 (default: now; without an offset, "
            f"{settings.TIME_ZONE})",
        )

    def handle(self, *args, at: str | None = None, **options) -> None:
        now = moment(at) if at else timezone.now()
        requeued, abandoned = queue.recover_stale_tasks()
        result = schedule.enqueue_due(now)
        if options["verbosity"] == 0:
            return
        self.stdout.write(
            f"{now.isoformat()}: {result.reminders} reminders and {result.digests} digests "
            f"enqueued in {result.tasks} tasks; {requeued} stale tasks requeued, "
            f"{abandoned} abandoned"
        )
