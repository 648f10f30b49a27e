"""The group questions' background tasks (run by `manage.py db_worker`)."""

from django.tasks import task

from portal.discussions import mailing
from portal.notifications import tasks as notification_tasks


@task
def notify_followers(question_id: int, answer_id: int, event: str, actor_id: int) -> int:
    """Queue the mails of a new or accepted answer to the question's followers."""
    return mailing.notify(question_id, answer_id, event, actor_id)


@task
def send_evening_answers(mail_ids: list[int]) -> dict[str, int]:
    """Compose a follower's evening mail of the day's answers, then send it."""
    mailing.compose_evening(mail_ids)
    return notification_tasks.deliver_mails.call(mail_ids)
