"""Mail to learners and instructors: each person's choices, every mail the portal sends
(one row per person, kind and day or key: the record that keeps a mail from going twice),
and the nudges instructors send."""

import functools
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_TIME_ZONE = "Asia/Seoul"
DEFAULT_HOUR = 20
EVERY_DAY = 0b1111111  # Monday is bit 0, as date.weekday() counts


@functools.cache
def time_zone_names() -> frozenset[str]:
    """The IANA zone names this machine knows (read once: it walks the tz database)."""
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(name: str) -> None:
    if name not in time_zone_names():
        raise ValidationError(
            _("Choose a time zone by its name, such as Asia/Seoul or America/New_York."),
            code="unknown_zone",
        )


class NotificationPreference(models.Model):
    """What a person wants by mail. No row, or None in a choice, means "not chosen yet":
    reminders are then on for a learner of a group with a pace, the digest for anyone who
    runs a group (portal/notifications/preferences.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    reminders = models.BooleanField(_("evening reminders"), null=True, blank=True)
    hour = models.PositiveSmallIntegerField(_("hour"), default=DEFAULT_HOUR)
    weekdays = models.PositiveSmallIntegerField(_("days"), default=EVERY_DAY)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=DEFAULT_TIME_ZONE, validators=[validate_time_zone]
    )
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)
    digest = models.BooleanField(_("weekly digest"), null=True, blank=True)
    nudges = models.BooleanField(_("nudges from instructors"), default=True)
    # New answers and accepted answers on the group questions the person follows
    # (portal/discussions/mailing.py): at once, in one mail at their evening hour, or not.
    answers = models.CharField(
        _("answers to questions I follow"),
        max_length=8,
        choices=[
            ("now", _("At once")),
            ("evening", _("In one mail in the evening")),
            ("off", _("Never")),
        ],
        default="now",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hour__gte=0, hour__lte=23), name="notification_hour_of_day"
            ),
            models.CheckConstraint(
                condition=models.Q(weekdays__gte=0, weekdays__lte=EVERY_DAY),
                name="notification_weekdays_bits",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class SentMail(models.Model):
    """One mail to one person: claimed (queued) before it is sent, marked sent in the same
    transaction that sent it. Unique per person, kind and key (the local day of a reminder,
    the week of a digest), so a second run, a retried task or a second machine finds the
    row and sends nothing."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Evening reminder")
        DIGEST = "digest", _("Weekly digest")
        NUDGE = "nudge", _("Nudge")
        ANSWERS = "answers", _("Answers to questions you follow")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        QUIET = "quiet", _("Nothing to say")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="sent_mails",
    )
    kind = models.CharField(_("kind"), max_length=16)
    key = models.CharField(_("key"), max_length=64)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    # The message until it is sent (composed by whoever queued it; a reminder's is
    # composed by the worker at sending time). Cleared once sent.
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    to = models.EmailField(_("address"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Which run of the scheduler claimed the row: it enqueues the rows it claimed, and
    # only those.
    claim = models.CharField(max_length=32, blank=True, editable=False)

    class Meta:
        verbose_name = _("mail")
        verbose_name_plural = _("mails")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="one_mail_per_kind_key"),
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sent", "quiet", "failed"]),
                name="sent_mail_status_known",
            ),
        ]
        indexes = [models.Index(fields=["kind", "key"]), models.Index(fields=["claim"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} → {self.user_id}"

    @property
    def message_id(self) -> str:
        """The same Message-ID for every attempt at this mail, so a receiving system can
        tell a copy from a second mail."""
        return f"<mail-{self.pk}.{self.kind}@study-portal>"


class Nudge(models.Model):
    """An instructor's nudge to one learner of a group: at most one per learner a day."""

    group = models.ForeignKey("portal.StudyGroup", on_delete=models.CASCADE, related_name="nudges")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudges_received"
    )
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="nudges_sent",
    )
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    mail = models.OneToOneField(SentMail, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("nudge")
        verbose_name_plural = _("nudges")
        constraints = [
            models.UniqueConstraint(fields=["learner", "day"], name="one_nudge_per_learner_day")
        ]
