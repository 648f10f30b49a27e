"""A blog feed that `manage.py sync_feeds` keeps lessons in step with."""

from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lessons.models.content import Category


class FeedSource(models.Model):
    class Outcome(models.TextChoices):
        IMPORTED = "imported", _("Imported")
        NOT_MODIFIED = "not_modified", _("Not modified")
        FAILED = "failed", _("Failed")

    url = models.URLField(
        _("feed address"),
        max_length=500,
        unique=True,
        validators=[URLValidator(schemes=["http", "https"])],
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category for posts that name none"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    publish_new = models.BooleanField(_("publish new posts (else drafts)"), default=False)
    # What the server said last time, sent back for a conditional GET.
    etag = models.CharField(max_length=200, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_run_at = models.DateTimeField(_("last sync"), null=True, blank=True, editable=False)
    last_outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, blank=True, editable=False
    )
    last_created = models.PositiveIntegerField(_("created"), default=0, editable=False)
    last_updated = models.PositiveIntegerField(_("updated"), default=0, editable=False)
    last_skipped = models.PositiveIntegerField(_("skipped"), default=0, editable=False)
    last_error = models.TextField(_("error"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # How the last sync went: recorded together, shown together in the admin.
    LAST_SYNC_FIELDS = (
        "last_run_at", "last_outcome", "last_created", "last_updated", "last_skipped",
        "last_error",
    )  # fmt: skip

    class Meta:
        ordering = ["url"]
        verbose_name = _("feed source")
        verbose_name_plural = _("feed sources")

    def __str__(self) -> str:
        return self.url
