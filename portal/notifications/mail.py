"""Queueing a mail and sending it: the record that keeps each mail to one copy, the
headers every mail carries, and the sending loop the worker runs.

A mail is a `SentMail` row, unique per person, kind and key. Queueing inserts the row and
enqueues its task in one transaction (the tasks live in the same database), so a mail
is never queued without its task nor its task without the row. Sending locks the row,
sends, and marks it sent in one transaction: a second run of the task, or a task enqueued
twice, finds it sent and sends nothing. Only a worker killed in the instant between the
SMTP server's "accepted" and that commit would send it again, with the same Message-ID.
"""

import email.policy
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import mail as django_mail
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from portal.models import SentMail, User
from portal.notifications import preferences

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "portal.notifications.unsubscribe"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def absolute(path: str) -> str:
    """A link for a mail: the portal's public address and the path."""
    return f"{settings.PORTAL_BASE_URL}{path}"


def unsubscribe_token(user_id: int, kind: str) -> str:
    """The person and the kind of mail, signed with SECRET_KEY. It does not expire: the
    link in a mail from last year must still work."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object([user_id, kind])


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """The person and kind a token was made for; BadSignature for anything else."""
    value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], int)
        or value[1] not in SentMail.Kind.values
    ):
        raise signing.BadSignature("not an unsubscribe token")
    return value[0], value[1]


def unsubscribe_url(user_id: int, kind: str) -> str:
    return absolute(reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id, kind)]))


def render_mail(name: str, context: dict, user: User, kind: str, language: str) -> Rendered:
    """`templates/notifications/mail/NAME_subject.txt`, `NAME.txt` and `NAME.html` in
    `language`, with the links every mail's footer shows."""
    context = {
        **context,
        "recipient": user,
        "base_url": settings.PORTAL_BASE_URL,
        "preferences_url": absolute(reverse("account")),
        "unsubscribe_url": unsubscribe_url(user.pk, kind),
        "kind": kind,
    }
    with translation.override(language):
        subject = render_to_string(f"notifications/mail/{name}_subject.txt", context)
        text = render_to_string(f"notifications/mail/{name}.txt", context)
        html = render_to_string(f"notifications/mail/{name}.html", context)
    return Rendered(" ".join(subject.split())[:200], text, html)


def enqueue_mail(
    user: User, kind: str, key: str, *, subject: str, text: str, html: str = ""
) -> SentMail | None:
    """Queue one mail; None when this person already has a mail of this kind and key."""
    from portal.notifications.tasks import deliver_mails

    with transaction.atomic():
        try:
            with transaction.atomic():
                row = SentMail.objects.create(
                    user=user, kind=kind, key=key, subject=subject[:200], text=text, html=html
                )
        except IntegrityError:
            return None
        deliver_mails.enqueue([row.pk])
    return row


class PortalMail(EmailMultiAlternatives):
    def message(self, *, policy=email.policy.default):
        # The one-click unsubscribe address is one long word: folded at 78 characters
        # the email package would turn it into an RFC 2047 encoded word, which mail
        # providers do not read as a URL. RFC 5322 allows lines of 998.
        return super().message(policy=policy.clone(max_line_length=998))


def build_message(row: SentMail) -> EmailMultiAlternatives:
    user = row.user
    unsubscribe = unsubscribe_url(user.pk, row.kind)
    message = PortalMail(
        subject=row.subject,
        body=row.text,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Message-ID": row.message_id,
            "Auto-Submitted": "auto-generated",
        },
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    return message


def retry_delay(attempts: int) -> timedelta:
    """After the first failure a minute, then 5, 25, then an hour at most."""
    return timedelta(minutes=min(60, 5 ** (attempts - 1)))


def deliver(mail_ids: list[int]) -> dict[str, list[int]]:
    """Send the queued mails among `mail_ids` over one connection; what became of each.
    A failed send is counted on its row; below MAIL_MAX_ATTEMPTS it stays queued (the
    caller enqueues it again), at the limit it is marked failed with the error."""
    outcome: dict[str, list[int]] = {"sent": [], "retry": [], "failed": [], "skipped": []}
    connection = django_mail.mailers.default
    try:
        for mail_id in mail_ids:
            outcome[_deliver_one(connection, mail_id)].append(mail_id)
    finally:
        connection.close()
    return outcome


def _deliver_one(connection, mail_id: int) -> str:
    with transaction.atomic():
        row = (
            SentMail.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=mail_id, status=SentMail.Status.QUEUED)
            .first()
        )
        if row is None:
            return "skipped"  # sent, quiet or failed already: a task run twice
        if not row.user.email or not row.user.is_active:
            return _failed(row, "the person has no active account with an address", final=True)
        try:
            connection.send_messages([build_message(row)])
        except Exception as error:  # SMTP refusals, network and timeouts alike
            connection.close()
            logger.warning("mail %s not sent: %r", row.pk, error)
            row.attempts += 1
            return _failed(row, repr(error), final=row.attempts >= settings.MAIL_MAX_ATTEMPTS)
        row.status = SentMail.Status.SENT
        row.sent_at = timezone.now()
        row.attempts += 1
        row.text = row.html = ""
        row.last_error = ""
        row.save(update_fields=["status", "sent_at", "attempts", "text", "html", "last_error"])
        return "sent"


def _failed(row: SentMail, error: str, *, final: bool) -> str:
    row.last_error = error[:2000]
    if final:
        row.status = SentMail.Status.FAILED
    row.save(update_fields=["status", "attempts", "last_error"])
    return "failed" if final else "retry"


def wants(user: User, kind: str) -> bool:
    """Whether this person takes mail of this kind (their choice, or the default)."""
    return preferences.for_user(user).wants(kind)


def attempts_of(mail_id: int) -> int:
    return SentMail.objects.filter(pk=mail_id).values_list("attempts", flat=True).first() or 1
