"""The language of a person's mails follows the portal's: set at their first log-in,
then each time they switch the portal's language (views.set_language) or choose it on the
account page."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import get_language

from portal.models import NotificationPreference


@receiver(user_logged_in)
def remember_language(sender, request, user, **kwargs) -> None:
    language = getattr(request, "LANGUAGE_CODE", None) or get_language()
    NotificationPreference.objects.get_or_create(user=user, defaults={"language": language})
