"""Each learner's record of reading: lessons marked done and how far they have read."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Completion(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="completions"
    )
    lesson = models.ForeignKey(
        "lessons.Lesson", on_delete=models.CASCADE, related_name="completions"
    )
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="one_completion_per_lesson")
        ]
        # The lesson as a third key column lets the dashboard's grouped queries (done,
        # last active, completions per day) read the index alone, never the table.
        indexes = [models.Index(fields=["user", "-completed_at", "lesson"])]


class ReadingPosition(models.Model):
    """The furthest section of a lesson a learner has reached, and when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_positions"
    )
    lesson = models.ForeignKey(
        "lessons.Lesson", on_delete=models.CASCADE, related_name="reading_positions"
    )
    section_index = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="one_position_per_lesson")
        ]
        indexes = [models.Index(fields=["user", "-updated_at"])]
