"""The lesson body's editor in the admin: the Markdown source beside a preview that is the
learner's own rendering (the same renderer and sanitizer, the learner's CSS inside an
iframe so no admin style reaches it), with image upload and a few keyboard shortcuts
(static/js/admin-preview.js)."""

from django import forms
from django.urls import reverse_lazy

IMAGE_TYPES = "image/png,image/jpeg,image/gif,image/webp"


class MarkdownEditor(forms.Textarea):
    template_name = "admin/lessons/widgets/markdown_editor.html"

    def __init__(self, attrs=None):
        defaults = {"rows": 30, "class": "markdown-source", "spellcheck": "false"}
        super().__init__({**defaults, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["editor"] = {
            "preview_url": reverse_lazy("admin:lessons_lesson_preview"),
            "upload_url": reverse_lazy("admin:lessons_lesson_image_upload"),
            "image_types": IMAGE_TYPES,
        }
        return context
