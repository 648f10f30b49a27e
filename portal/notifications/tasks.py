"""The portal's background tasks (run by `manage.py db_worker`): sending queued mails,
and composing then sending a batch of reminders, digests or nudges."""

from django.tasks import task
from django.utils.dateparse import parse_datetime

from portal.notifications import mail, queue


def _send(mail_ids: list[int]) -> dict[str, int]:
    outcome = mail.deliver(mail_ids)
    for mail_id in outcome["retry"]:
        attempts = mail.attempts_of(mail_id)
        queue.enqueue_later(deliver_mails, [[mail_id]], mail.retry_delay(attempts))
    return {state: len(ids) for state, ids in outcome.items()}


@task
def deliver_mails(mail_ids: list[int]) -> dict[str, int]:
    """Send mails already composed (enqueue_mail, and a retry of any mail)."""
    return _send(mail_ids)


@task
def send_reminders(mail_ids: list[int], at: str) -> dict[str, int]:
    """Compose the evening reminders of a batch as of `at` (ISO 8601), then send them;
    the quiet ones (nothing due tonight) are marked so and not sent."""
    from portal.notifications import reminders

    reminders.compose(mail_ids, parse_datetime(at))
    return _send(mail_ids)


@task
def send_digests(mail_ids: list[int], at: str) -> dict[str, int]:
    """Compose the instructors' weekly digests of a batch as of `at`, then send them."""
    from portal.notifications import digest

    digest.compose(mail_ids, parse_datetime(at))
    return _send(mail_ids)


@task
def send_nudges(mail_ids: list[int]) -> dict[str, int]:
    """Write the instructors' nudges of a batch, then send them."""
    from portal.notifications import nudges

    nudges.compose(mail_ids)
    return _send(mail_ids)
