"""Exams an editor describes (weighted domains), and learners' timed mock-exam sittings."""

import secrets
from datetime import timedelta
from fractions import Fraction

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lessons.kernel import numbers

WEIGHTS_TOTAL = 100
# Answers that left the learner's browser just before a mock exam's deadline still count.
GRACE = timedelta(seconds=30)


class Exam(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=120, validators=[MinValueValidator(1)]
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=66, validators=[MaxValueValidator(100)]
    )
    questions_per_sitting = models.PositiveSmallIntegerField(
        _("questions per mock exam"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
    )
    sittings_per_day = models.PositiveSmallIntegerField(
        _("mock exams per learner per day"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("How many mock exams of this exam a learner may start in one day."),
    )
    kubernetes_version = models.CharField(
        _("Kubernetes version"),
        max_length=10,
        default="1.34",
        help_text=_("The version whose schemas hands-on tasks are checked against."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("exam")
        verbose_name_plural = _("exams")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark__lte=100), name="exam_pass_mark_at_most_100"
            ),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1, questions_per_sitting__gte=1),
                name="exam_has_time_and_questions",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("lessons:exam", args=[self.slug])

    def passes(self, score: int, max_score: int) -> bool:
        return max_score > 0 and numbers.passes(100 * score / max_score, self.pass_mark)


def weight_problem(weights: list[int]) -> str | None:
    """Why a set of domain weights cannot describe an exam, or None. One rule for the
    admin, the importer and the mock exam (which refuses to start on a broken exam)."""
    total = sum(weights)
    if total != WEIGHTS_TOTAL:
        return str(
            _("The domain weights add up to %(total)d; they must add up to %(needed)d.")
            % {"total": total, "needed": WEIGHTS_TOTAL}
        )
    return None


class Domain(models.Model):
    """A weighted part of an exam; quiz questions are tagged with one."""

    exam = models.ForeignKey(
        Exam, verbose_name=_("exam"), on_delete=models.CASCADE, related_name="domains"
    )
    name = models.CharField(_("name"), max_length=200)
    # Unique across exams, so that a question's front matter can name it alone.
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=1, weight__lte=100),
                name="domain_weight_from_1_to_100",
            )
        ]

    def __str__(self) -> str:
        return self.name


def new_salt() -> str:
    return secrets.token_hex(16)


class MockSitting(models.Model):
    """One timed mock exam. Its questions are drawn when it starts; the deadline is
    stored then, and the server refuses answers that come later (after a short grace).
    `salt` is a secret of the sitting's: with the server's key it orders the choices."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mock_sittings"
    )
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="sittings")
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set once, when the sitting finishes (derived from its answers, never changed after):
    # a point per item, a hands-on task earning the share of its checks that passed, kept
    # to hundredths (the pass mark is compared with the exact sum).
    score = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    max_score = models.PositiveSmallIntegerField(default=0)
    passed = models.BooleanField(default=False)
    timed_out = models.BooleanField(default=False)
    salt = models.CharField(max_length=32, default=new_salt, editable=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            # One open sitting per learner, whatever the exam: a double click on "start"
            # makes one, and a second tab cannot sit two exams at once.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(finished_at__isnull=True),
                name="one_open_sitting_per_learner",
            ),
            models.CheckConstraint(
                condition=models.Q(score__lte=models.F("max_score")),
                name="sitting_score_at_most_max",
            ),
        ]
        indexes = [models.Index(fields=["user", "exam", "-started_at"])]

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def percent(self) -> int:
        return numbers.percent(float(self.score), self.max_score)

    @property
    def points(self) -> str:
        """The score as people write it: 14, 14.5, 14.75."""
        return numbers.points(self.score)


class SittingQuestion(models.Model):
    """An item drawn for a sitting, in its place: a quiz question or a hands-on task, with
    the learner's latest answer (saved as they go; `is_correct` is None while unanswered).
    A task's manifest is checked when saved: `rule_results` holds whether each of its
    rules passed then, `refused` why it could not be checked at all."""

    sitting = models.ForeignKey(MockSitting, on_delete=models.CASCADE, related_name="questions")
    question = models.ForeignKey(
        "lessons.Question",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sitting_questions",
    )
    task = models.ForeignKey(
        "lessons.Task", null=True, blank=True, on_delete=models.CASCADE, related_name="sittings"
    )
    # The domain it was drawn for, so a result reads the same after a question is re-tagged.
    domain = models.ForeignKey(Domain, null=True, on_delete=models.SET_NULL, related_name="+")
    position = models.PositiveSmallIntegerField()
    choice_ids = models.JSONField(default=list)
    text = models.CharField(max_length=200, blank=True)
    is_correct = models.BooleanField(null=True)
    answered_at = models.DateTimeField(null=True)
    # The learner's own mark, "come back to this" (the real exam has one too).
    flagged = models.BooleanField(default=False)
    manifest = models.TextField(blank=True)
    rule_results = models.JSONField(default=list, blank=True)
    refused = models.TextField(blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["sitting", "question"], name="question_once_per_sitting"
            ),
            models.UniqueConstraint(fields=["sitting", "task"], name="task_once_per_sitting"),
            models.CheckConstraint(
                condition=models.Q(question__isnull=False, task__isnull=True)
                | models.Q(question__isnull=True, task__isnull=False),
                name="sitting_item_is_a_question_or_a_task",
            ),
            models.UniqueConstraint(
                fields=["sitting", "position"], name="one_question_per_place_in_sitting"
            ),
        ]
        indexes = [models.Index(fields=["question", "answered_at"])]

    @property
    def is_answered(self) -> bool:
        return self.is_correct is not None

    @property
    def credit(self) -> Fraction:
        """What the item earns: a question 1 or 0, a task the share of its checks that
        passed (0 when unanswered or refused)."""
        if self.task_id is None:
            return Fraction(bool(self.is_correct))
        return task_credit(self.rule_results)

    @property
    def checks_passed(self) -> int:
        return sum(bool(passed) for passed in self.rule_results)


def task_credit(rule_results: list) -> Fraction:
    return (
        Fraction(sum(bool(p) for p in rule_results), len(rule_results))
        if rule_results
        else Fraction(0)
    )


def held_questions(user) -> models.QuerySet:
    """Ids of the questions drawn into the learner's open mock exam (a subquery): until
    it ends, no quiz, attempt or review takes an answer to them or shows their key."""
    if not user.is_authenticated:
        return SittingQuestion.objects.none().values("question_id")
    return _held_items(user).filter(question__isnull=False).values("question_id")


def held_tasks(user) -> models.QuerySet:
    """Ids of the hands-on tasks drawn into the learner's open mock exam (a subquery):
    until it ends, the task's own page checks no manifest and shows no earlier one."""
    if not user.is_authenticated:
        return SittingQuestion.objects.none().values("task_id")
    return _held_items(user).filter(task__isnull=False).values("task_id")


def _held_items(user) -> models.QuerySet:
    return SittingQuestion.objects.filter(
        sitting__user=user,
        sitting__finished_at__isnull=True,
        sitting__deadline__gte=timezone.now() - GRACE,
    )
