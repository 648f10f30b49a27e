"""Categories and lessons: the content that study groups read."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from lessons.kernel.rendering import render_markdown
from lessons.kernel.search import SearchDocumentField
from lessons.models.progress import Completion, ReadingPosition


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("lessons:category", args=[self.slug])


def visible_now(prefix: str = "") -> models.Q:
    """The condition for a lesson learners may read now: published, and its scheduled
    time (if any) has come. Visibility is a query on the time, so a scheduled lesson
    appears at its time without any job running. `prefix` reaches a lesson through a
    relation, e.g. "lesson__" or "quiz__lesson__"."""
    scheduled = models.Q(**{f"{prefix}visible_from__isnull": True}) | models.Q(
        **{f"{prefix}visible_from__lte": timezone.now()}
    )
    return models.Q(**{f"{prefix}status": Lesson.Status.PUBLISHED}) & scheduled


class LessonQuerySet(models.QuerySet):
    def published(self) -> "LessonQuerySet":
        """Lessons learners may read now (see `visible_now`)."""
        return self.filter(visible_now())

    def visible_to(self, user) -> "LessonQuerySet":
        """Staff see drafts too; everyone else only published lessons."""
        return self if user.is_staff else self.published()

    def in_learning_order(self) -> "LessonQuerySet":
        return self.order_by("category__position", "category__name", "position", "id")

    def with_learner_state(self, user) -> "LessonQuerySet":
        """Annotate `is_done` and `reading_index` (how far the learner has read) in the
        same query that loads the lessons."""
        if not user.is_authenticated:
            return self.annotate(is_done=models.Value(False), reading_index=models.Value(0))
        mine = {"user": user, "lesson": models.OuterRef("pk")}
        position = ReadingPosition.objects.filter(**mine).values("section_index")[:1]
        return self.annotate(
            is_done=models.Exists(Completion.objects.filter(**mine)),
            reading_index=Coalesce(models.Subquery(position), 0),
        )

    def neighbours_of(self, lesson: "Lesson") -> tuple[dict | None, dict | None]:
        """The lessons before and after `lesson` in its category, among these."""
        siblings = self.filter(category_id=lesson.category_id).values("title", "slug")
        same_place = models.Q(position=lesson.position)
        before = siblings.filter(
            models.Q(position__lt=lesson.position) | same_place & models.Q(id__lt=lesson.id)
        ).order_by("-position", "-id")
        after = siblings.filter(
            models.Q(position__gt=lesson.position) | same_place & models.Q(id__gt=lesson.id)
        ).order_by("position", "id")
        return before.first(), after.first()


class Lesson(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="lessons"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=True)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(
        _("body (Markdown)"),
        validators=[MaxLengthValidator(settings.LESSON_BODY_MAX_CHARS)],
    )
    body_html = models.TextField(editable=False, default="")
    toc = models.JSONField(editable=False, default=list)
    reading_minutes = models.PositiveSmallIntegerField(
        _("reading minutes"), editable=False, default=1
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("originally published"), null=True, blank=True)
    visible_from = models.DateTimeField(
        _("visible from"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty to show the lesson as soon as it is published. A future time keeps "
            "a published lesson hidden from learners until then."
        ),
    )
    # Title, summary and body prepared for search at every save (see lessons/kernel/search.py);
    # a GIN index on PostgreSQL comes from a migration.
    search_document = SearchDocumentField()
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["category__position", "position", "id"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        indexes = [
            models.Index(fields=["category", "status", "position"]),
            # A category's lessons in order with what decides whether they show: the
            # pages' rankings, neighbours and bars read it alone, never the wide rows.
            models.Index(
                fields=["category", "position", "id", "status", "visible_from"],
                name="lesson_in_category_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lessons:lesson", args=[self.slug])

    @property
    def is_published(self) -> bool:
        """Learners may read it now (the same rule as `visible_now`)."""
        return self.status == self.Status.PUBLISHED and not self.is_scheduled

    @property
    def is_scheduled(self) -> bool:
        """Published, but its time to appear has not come yet."""
        return (
            self.status == self.Status.PUBLISHED
            and self.visible_from is not None
            and self.visible_from > timezone.now()
        )

    @cached_property
    def toc_html(self) -> SafeString:
        """The table of contents as a list of links, built once per page in Python
        (the lesson page shows it twice: folded on phones, in the sidebar on wide screens)."""
        items = format_html_join(
            "",
            '<li class="toc-level-{}"><a href="#{}">{}</a></li>',
            ((entry["level"], entry["id"], entry["name"]) for entry in self.toc),
        )
        return format_html("<ol>{}</ol>", items)

    def section_at(self, index: int) -> dict | None:
        """The table-of-contents entry at `index`, when it is past the first."""
        return self.toc[index] if 0 < index < len(self.toc) else None

    def render(self) -> None:
        """Render the body once, here, so that pages never re-render Markdown."""
        rendered = render_markdown(self.body)
        self.body_html = rendered.html
        self.toc = rendered.toc
        self.reading_minutes = rendered.reading_minutes

    def save(self, *args, update_fields=None, **kwargs) -> None:
        # Derived fields follow their sources: the rendered body follows the body, the
        # search document follows the title, summary and body. A save that leaves the
        # body alone (reordering, publishing) does not render it again.
        if update_fields is None or "body" in update_fields:
            self.render()
        if update_fields is not None:
            # Every save marks the lesson updated: page fragments are cached under the
            # time of its last save (templates/lessons/lesson_detail.html).
            update_fields = set(update_fields) | {"updated_at"}
            if "body" in update_fields:
                update_fields |= {"body_html", "toc", "reading_minutes"}
            if update_fields & {"title", "summary", "body"}:
                update_fields.add("search_document")
        super().save(*args, update_fields=update_fields, **kwargs)
