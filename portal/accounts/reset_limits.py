"""Password resets throttled per e-mail address and per client address, so that nobody
can flood an inbox with reset mails (20 requests sent 20 mails to one address before).

Counted in the database, which every web node shares (like the login lock-outs), over
the last PASSWORD_RESET_WINDOW_MINUTES. Every request counts the same whether or not an
account has the address, so the answer never tells whether it exists."""

from datetime import timedelta

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from portal.models import PasswordResetRequest


def email_digest(email: str) -> str:
    return salted_hmac("password-reset", email.strip().lower(), algorithm="sha256").hexdigest()


def check_and_count_reset(request: HttpRequest, email: str) -> bool:
    """Whether a reset mail may be sent for `email` from this client now; if so, it is
    counted."""
    since = timezone.now() - timedelta(minutes=settings.PASSWORD_RESET_WINDOW_MINUTES)
    digest = email_digest(email)
    ip_address = get_client_ip_address(request)
    recent = PasswordResetRequest.objects.filter(requested_at__gte=since)
    if recent.filter(email_digest=digest).count() >= settings.PASSWORD_RESET_EMAIL_LIMIT:
        return False
    if (
        ip_address
        and recent.filter(ip_address=ip_address).count() >= settings.PASSWORD_RESET_IP_LIMIT
    ):
        return False
    PasswordResetRequest.objects.filter(requested_at__lt=since).delete()
    PasswordResetRequest.objects.create(email_digest=digest, ip_address=ip_address)
    return True
