"""The spaced review queue: one item per learner and missed question, in a Leitner box."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Days until the next review for an item in each box (lessons/review/queue.py keeps the rules).
BOX_INTERVAL_DAYS = {1: 1, 2: 3, 3: 7, 4: 14, 5: 30}
TOP_BOX = max(BOX_INTERVAL_DAYS)


class ReviewItem(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_items"
    )
    question = models.ForeignKey(
        "lessons.Question", on_delete=models.CASCADE, related_name="review_items"
    )
    box = models.PositiveSmallIntegerField(_("box"), default=1)
    due_at = models.DateTimeField(_("due"))
    # Set when a right answer in the top box takes the item out of the queue; a new miss
    # brings it back.
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    times_missed = models.PositiveIntegerField(_("times missed"), default=0)
    times_reviewed = models.PositiveIntegerField(_("times reviewed"), default=0)
    last_missed_at = models.DateTimeField(_("last missed"), null=True, blank=True)
    last_reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    last_review_correct = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review item")
        verbose_name_plural = _("review items")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "question"], name="one_review_item_per_question"
            ),
            models.CheckConstraint(
                condition=models.Q(box__gte=1, box__lte=TOP_BOX), name="review_box_in_range"
            ),
        ]
        indexes = [
            # "What is due for this learner": the items still in the queue, by due time.
            models.Index(
                fields=["user", "due_at"],
                condition=models.Q(retired_at__isnull=True),
                name="review_item_due_for_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.question} (box {self.box})"

    @property
    def interval_days(self) -> int:
        return BOX_INTERVAL_DAYS[self.box]

    @property
    def stamp(self) -> str:
        """The item's state as a form saw it: an answer posted from an older form (a
        double submit, a second tab) no longer matches and moves nothing."""
        return f"{self.box}:{self.due_at.timestamp():.6f}"
