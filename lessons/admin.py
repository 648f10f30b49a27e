"""Editors' admin: categories and lessons with a live preview, quizzes with validation."""

import re
from functools import partial

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from lessons.authoring import quiz_admin  # noqa: F401  (registers the quiz admins)
from lessons.authoring.editor import MarkdownEditor
from lessons.authoring.error_summary import ErrorSummaryAdminMixin
from lessons.authoring.import_admin import LessonImport
from lessons.authoring.revision_admin import LessonRevisionAdmin
from lessons.content import kept
from lessons.content.image_views import upload_image
from lessons.exams import admin as exam_admin  # noqa: F401  (registers the exam admins)
from lessons.kernel.rendering import render_markdown
from lessons.kernel.web import BoundedPrefillAdminMixin
from lessons.models import Category, Lesson


@admin.register(Category)
class CategoryAdmin(BoundedPrefillAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


class LessonForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = [
            "category", "title", "slug", "summary", "status", "visible_from", "position",
            "source_url", "published_at", "body",
        ]  # fmt: skip
        # The source beside the learner's rendering, with image upload
        # (lessons/authoring/editor.py).
        widgets = {"body": MarkdownEditor()}


# Below the title and body on the lesson's page in the admin.
LESSON_DETAILS = [
    "category", "slug", "status", "visible_from", "summary", "position", "source_url",
    "published_at",
]  # fmt: skip


def details_line(lesson: Lesson) -> str:
    """The folded details' heading: the values an editor checks at a glance."""
    values = [str(lesson.category), lesson.get_status_display()]
    if lesson.visible_from:
        when = date_format(localtime(lesson.visible_from), "SHORT_DATETIME_FORMAT")
        values.append(gettext("shown from %(when)s") % {"when": when})
    values.append(gettext("position %(position)d") % {"position": lesson.position})
    return gettext("Details: %(values)s") % {"values": " · ".join(values)}


# A Markdown image with nothing (or only spaces) for its alt text.
UNDESCRIBED_IMAGE = re.compile(r"!\[\s*\]\(")


@admin.register(Lesson)
class LessonAdmin(
    ErrorSummaryAdminMixin, BoundedPrefillAdminMixin, LessonRevisionAdmin, admin.ModelAdmin
):
    form = LessonForm
    list_display = [
        "title", "category", "position", "status", "visible_from", "reading_minutes", "updated_at",
    ]  # fmt: skip
    list_editable = ["position"]
    list_filter = ["status", "category"]
    list_select_related = ["category"]
    search_fields = ["title", "slug", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["category__position", "position", "id"]
    actions = ["publish", "unpublish"]
    change_form_template = "admin/lessons/lesson/change_form.html"

    def get_fieldsets(self, request: HttpRequest, obj: Lesson | None = None) -> list:
        """The title and body first, where the editor works; the details after them,
        folded on a saved lesson under a line that says what they hold (a field with an
        error is never folded away: the admin opens such a fieldset)."""
        details = {"fields": LESSON_DETAILS}
        if obj is None:
            return [(None, {"fields": ["title", "body"]}), (_("Details"), details)]
        return [
            (None, {"fields": ["title", "body"]}),
            (details_line(obj), details | {"classes": ["collapse", "lesson-details"]}),
        ]

    def get_urls(self):
        preview = self.admin_site.admin_view(require_POST(self.preview))
        upload = self.admin_site.admin_view(require_POST(partial(upload_image, self)))
        return [
            path("preview/", preview, name="lessons_lesson_preview"),
            path("images/", upload, name="lessons_lesson_image_upload"),
            *LessonImport(self).urls(),
            *super().get_urls(),
        ]

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        undescribed = len(UNDESCRIBED_IMAGE.findall(obj.body))
        if undescribed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d image in the body has no description (alt text): write one "
                    "between ![ and ] so that screen readers can say what it shows.",
                    "%(count)d images in the body have no description (alt text): write one "
                    "between ![ and ] so that screen readers can say what they show.",
                    undescribed,
                )
                % {"count": undescribed},
                messages.WARNING,
            )

    def preview(self, request: HttpRequest) -> HttpResponse:
        """The body as the lesson page will show it: the same renderer and sanitizer."""
        if not self.has_change_permission(request) and not self.has_add_permission(request):
            raise PermissionDenied
        body = request.POST.get("body", "")
        if len(body) > settings.LESSON_BODY_MAX_CHARS:
            # Said in the preview itself, where the editor is looking.
            context = {"too_long": len(body), "limit": settings.LESSON_BODY_MAX_CHARS}
            return TemplateResponse(request, "admin/lessons/_preview.html", context)
        rendered = render_markdown(body)
        return TemplateResponse(request, "admin/lessons/_preview.html", {"rendered": rendered})

    @admin.action(description=_("Publish selected lessons"))
    def publish(self, request: HttpRequest, queryset) -> None:
        count = queryset.update(status=Lesson.Status.PUBLISHED)
        kept.catalog_changed()  # an update sends no save signal
        self.message_user(
            request, ngettext("%d lesson published.", "%d lessons published.", count) % count,
            messages.SUCCESS,
        )  # fmt: skip

    @admin.action(description=_("Unpublish selected lessons (back to draft)"))
    def unpublish(self, request: HttpRequest, queryset) -> None:
        count = queryset.update(status=Lesson.Status.DRAFT)
        kept.catalog_changed()  # an update sends no save signal
        self.message_user(
            request, ngettext("%d lesson unpublished.", "%d lessons unpublished.", count) % count,
            messages.SUCCESS,
        )  # fmt: skip
