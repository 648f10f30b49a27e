"""Hands-on tasks: a manifest the learner writes (or fixes) for a lesson, checked on the
server against the task's rules, and each learner's attempts at it."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lessons.kernel import numbers
from lessons.kernel.rendering import render_markdown


class Task(models.Model):
    lesson = models.ForeignKey(
        "lessons.Lesson", verbose_name=_("lesson"), on_delete=models.CASCADE, related_name="tasks"
    )
    domain = models.ForeignKey(
        "lessons.Domain",
        verbose_name=_("exam domain"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=200)
    section = models.CharField(_("section"), max_length=200, blank=True)
    kind = models.CharField(_("kind of object"), max_length=60)
    prompt = models.TextField(_("what to do (Markdown)"))
    prompt_html = models.TextField(editable=False, default="")
    starting = models.TextField(_("starting manifest"), blank=True)
    # [{path, equals|exists|matches|contains|within|selector_matches_template, feedback}]
    rules = models.JSONField(_("rules"), default=list)

    class Meta:
        ordering = ["lesson", "position", "id"]
        verbose_name = _("hands-on task")
        verbose_name_plural = _("hands-on tasks")
        constraints = [
            models.UniqueConstraint(fields=["lesson", "position"], name="one_task_per_place")
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.prompt_html = render_markdown(self.prompt).html
        if kwargs.get("update_fields") is not None and "prompt" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "prompt_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("lessons:task", args=[self.lesson.slug, self.position])


class TaskAttempt(models.Model):
    """One checked manifest: append-only, like quiz attempts."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="task_attempts"
    )
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="attempts")
    manifest = models.TextField()
    score = models.PositiveSmallIntegerField(default=0)
    max_score = models.PositiveSmallIntegerField(default=0)
    # The problem that stopped the check before the rules (YAML, kind, schema), if any.
    refused = models.TextField(blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["user", "task", "-submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__lte=models.F("max_score")),
                name="task_score_at_most_max",
            )
        ]

    @property
    def is_correct(self) -> bool:
        return self.max_score > 0 and self.score == self.max_score

    @property
    def percent(self) -> int:
        return numbers.percent(self.score, self.max_score)
