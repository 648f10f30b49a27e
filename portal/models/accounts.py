"""The portal's user: Django's user with the name other people see."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=60, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.username


class PasswordResetRequest(models.Model):
    """A password-reset mail asked for: counted per address and per client address to
    throttle resets (portal/accounts/reset_limits.py). The e-mail address is kept only as
    a keyed hash, whether or not an account has it."""

    email_digest = models.CharField(max_length=64)
    ip_address = models.GenericIPAddressField(null=True)
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["email_digest", "requested_at"], name="reset_by_email"),
            models.Index(fields=["ip_address", "requested_at"], name="reset_by_ip"),
        ]
