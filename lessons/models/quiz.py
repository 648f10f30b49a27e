"""Quizzes: one per lesson, its questions and choices, and learners' attempts."""

import unicodedata

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lessons.kernel import numbers
from lessons.kernel.rendering import render_inline


def normalize_answer(text: str) -> str:
    """Compare short answers ignoring case, full/half width and surrounding or inner
    runs of white space: 'ＣｏｒｅＤＮＳ ' matches 'coredns'."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.split())


class Quiz(models.Model):
    lesson = models.OneToOneField(
        "lessons.Lesson", verbose_name=_("lesson"), on_delete=models.CASCADE, related_name="quiz"
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MaxValueValidator(100)]
    )
    marks_done = models.BooleanField(_("passing marks the lesson done"), default=True)

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark__lte=100), name="quiz_pass_mark_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return str(self.lesson)

    def passes(self, score: int, max_score: int) -> bool:
        """At or above the pass mark as the score is shown (rounded half up), so that a
        score shown at the pass mark has passed."""
        return max_score > 0 and numbers.passes(100 * score / max_score, self.pass_mark)


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TRUE_FALSE = "true_false", _("True or false")
        SHORT = "short", _("Short answer")

    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="questions"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    prompt = models.TextField(_("prompt (Markdown)"), max_length=5000)
    prompt_html = models.TextField(editable=False, default="")
    explanation = models.TextField(_("explanation (Markdown)"), max_length=5000, blank=True)
    explanation_html = models.TextField(editable=False, default="")
    section = models.CharField(
        _("lesson section (anchor)"),
        max_length=200,
        blank=True,
        help_text=_("The heading anchor of the section this question tests."),
    )
    accepted_answers = models.TextField(
        _("accepted answers"),
        blank=True,
        help_text=_("Short answer only: one accepted answer per line."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    domain = models.ForeignKey(
        "lessons.Domain",
        verbose_name=_("exam domain"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.prompt[:60]

    @property
    def has_choices(self) -> bool:
        return self.kind != self.Kind.SHORT

    def accepted_answer_list(self) -> list[str]:
        return [line.strip() for line in self.accepted_answers.splitlines() if line.strip()]

    def save(self, *args, **kwargs) -> None:
        self.prompt_html = render_inline(self.prompt)
        self.explanation_html = render_inline(self.explanation) if self.explanation else ""
        super().save(*args, **kwargs)


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("text"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self) -> str:
        return self.text


class QuizAttempt(models.Model):
    """One submitted quiz. Append-only: best and latest scores are derived from these."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    score = models.PositiveIntegerField()
    max_score = models.PositiveIntegerField()
    passed = models.BooleanField()
    # The random token of the form that was submitted: a repeated post of the same form
    # finds the attempt it already made instead of adding another.
    form_token = models.CharField(max_length=64)
    submitted_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "form_token"], name="attempt_once_per_form"),
            models.CheckConstraint(
                condition=models.Q(score__lte=models.F("max_score")),
                name="attempt_score_at_most_max",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "quiz", "-score"]),
            # "Your attempts": the newest few of a long history, and how many in all.
            models.Index(fields=["user", "quiz", "-submitted_at", "-id"], name="attempt_newest"),
        ]

    @property
    def percent(self) -> int:
        return numbers.percent(self.score, self.max_score)


class AttemptAnswer(models.Model):
    """The answer given to one question in one attempt (or one review)."""

    attempt = models.ForeignKey(
        QuizAttempt, on_delete=models.CASCADE, related_name="answers", null=True
    )
    review = models.ForeignKey(
        "lessons.Review", on_delete=models.CASCADE, related_name="answers", null=True
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choices = models.ManyToManyField(Choice, blank=True, related_name="answers")
    text = models.CharField(max_length=200, blank=True)
    is_correct = models.BooleanField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(attempt__isnull=False, review__isnull=True)
                | models.Q(attempt__isnull=True, review__isnull=False),
                name="answer_belongs_to_attempt_or_review",
            ),
            models.UniqueConstraint(
                fields=["attempt", "question"], name="one_answer_per_question_per_attempt"
            ),
            models.UniqueConstraint(
                fields=["review", "question"], name="one_answer_per_question_per_review"
            ),
        ]


class Review(models.Model):
    """A learner re-answering questions they missed. Kept apart from quiz attempts so
    that a review never changes a quiz score."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    form_token = models.CharField(max_length=64)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "form_token"], name="review_once_per_form")
        ]
