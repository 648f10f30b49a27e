"""Study groups: who runs them, who belongs, what they study and at what pace."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# No 0/O or 1/I: a code read aloud or copied from a slide is typed right the first time.
INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
INVITE_CODE_LENGTH = 10


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_CODE_LENGTH))


class StudyGroup(models.Model):
    class Pace(models.TextChoices):
        NONE = "none", _("No pace")
        WEEKLY = "weekly", _("A number of lessons per week")
        DATES = "dates", _("A target date per lesson")

    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    invite_code = models.CharField(
        _("invite code"), max_length=32, unique=True, default=new_invite_code
    )
    categories = models.ManyToManyField(
        "lessons.Category",
        verbose_name=_("categories studied"),
        blank=True,
        related_name="study_groups",
        help_text=_("The group studies the published lessons of these categories; none: all."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="portal.Membership",
        related_name="study_groups",
        verbose_name=_("members"),
    )
    pace = models.CharField(_("pace"), max_length=10, choices=Pace.choices, default=Pace.NONE)
    pace_start = models.DateField(_("pace starts on"), null=True, blank=True)
    lessons_per_week = models.PositiveSmallIntegerField(
        _("lessons per week"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The one-time token of the form that created the group: a double submit or a
    # retried POST of that form finds this group instead of making a second one.
    creation_token = models.CharField(max_length=64, unique=True, null=True, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("study group")
        verbose_name_plural = _("study groups")
        # Seeing every group's dashboards and CSV is a role (the "operators" group holds
        # it, see portal/groups/access.py), not a side effect of admin access.
        permissions = [("view_every_group", _("Can view every study group's dashboards"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pace__in=["none", "weekly", "dates"]),
                name="study_group_pace_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(pace="weekly")
                | models.Q(pace_start__isnull=False, lessons_per_week__gte=1),
                name="study_group_weekly_pace_complete",
            ),
            models.CheckConstraint(
                condition=~models.Q(invite_code=""), name="study_group_invite_code_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("groups:detail", args=[self.pk])

    def rotate_invite_code(self) -> None:
        """Give the group a new invite code; links with the old one stop working."""
        self.invite_code = new_invite_code()
        self.save(update_fields=["invite_code"])


class Membership(models.Model):
    class Role(models.TextChoices):
        LEARNER = "learner", _("Learner")
        INSTRUCTOR = "instructor", _("Instructor")

    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.LEARNER)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="one_membership_per_group"),
            models.CheckConstraint(
                condition=models.Q(role__in=["learner", "instructor"]),
                name="membership_role_known",
            ),
        ]
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class LessonTarget(models.Model):
    """The date by which a group's pace expects a lesson done (the "dates" pace)."""

    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="lesson_targets")
    lesson = models.ForeignKey(
        "lessons.Lesson",
        verbose_name=_("lesson"),
        on_delete=models.CASCADE,
        related_name="group_targets",
    )
    due_on = models.DateField(_("due on"))

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("lesson target date")
        verbose_name_plural = _("lesson target dates")
        constraints = [
            models.UniqueConstraint(fields=["group", "lesson"], name="one_target_per_group_lesson")
        ]
