"""Who may read what: the one place that hides drafts from everyone but staff."""

from django.shortcuts import get_object_or_404

from lessons.models import Lesson


def get_visible_lesson(user, slug: str) -> Lesson:
    """The lesson at `slug` with its category and quiz, or 404 when it does not exist
    or is a draft and the user is not staff."""
    return get_object_or_404(
        Lesson.objects.visible_to(user).select_related("category", "quiz"), slug=slug
    )
