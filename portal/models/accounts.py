"""The portal's user: Django's user with the name other people see."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=60, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.username
