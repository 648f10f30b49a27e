"""A study group's questions on its lessons, their answers, and who follows each."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lessons.kernel.rendering import render_post
from portal.models.groups import StudyGroup

TITLE_MAX = 150
BODY_MAX = 5000
HIDDEN_REASON_MAX = 300


class Post(models.Model):
    """What a question and an answer share: an author, Markdown rendered once when saved,
    and the states an instructor or the author may put it in."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    body = models.TextField(_("text"), max_length=BODY_MAX)
    body_html = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("posted"), auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    # Deleted by its author but kept in its place ("삭제된 글") because others replied.
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_reason = models.CharField(_("reason"), max_length=HIDDEN_REASON_MAX, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.body_html = render_post(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class GroupQuestion(Post):
    group = models.ForeignKey(
        StudyGroup, verbose_name=_("study group"), on_delete=models.CASCADE,
        related_name="questions",
    )  # fmt: skip
    lesson = models.ForeignKey(
        "lessons.Lesson", verbose_name=_("lesson"), on_delete=models.CASCADE,
        related_name="group_questions",
    )  # fmt: skip
    # The anchor of a heading in the lesson's table of contents, or empty for the lesson.
    section = models.CharField(_("section"), max_length=200, blank=True)
    quiz_question = models.ForeignKey(
        "lessons.Question", verbose_name=_("quiz question"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="group_questions",
    )  # fmt: skip
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    accepted_answer = models.OneToOneField(
        "portal.GroupAnswer", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="accepted_for",
    )  # fmt: skip
    # Kept by the code that adds and removes answers, so that lists need no count per row.
    answer_count = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("group question")
        verbose_name_plural = _("group questions")
        indexes = [
            models.Index(fields=["group", "lesson", "section"]),
            models.Index(fields=["lesson", "group"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(title=""), name="group_question_titled"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("groups:question", args=[self.group_id, self.pk])

    @property
    def is_answered(self) -> bool:
        return self.accepted_answer_id is not None


class GroupAnswer(Post):
    question = models.ForeignKey(
        GroupQuestion, verbose_name=_("question"), on_delete=models.CASCADE,
        related_name="answers",
    )  # fmt: skip

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.question}: {self.body[:40]}"


class QuestionFollow(models.Model):
    question = models.ForeignKey(GroupQuestion, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("followed question")
        verbose_name_plural = _("followed questions")
        constraints = [
            models.UniqueConstraint(fields=["question", "user"], name="one_follow_per_question"),
        ]
