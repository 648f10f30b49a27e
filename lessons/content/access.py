"""Who may read what: the one place that hides drafts from everyone but staff."""

from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404

from lessons.models import Lesson
from lessons.models.exams import held_questions


def get_visible_lesson(
    user, slug: str, *, with_learner_state: bool = False, with_held: bool = False
) -> Lesson:
    """The lesson at `slug` with its category and quiz, or 404 when it does not exist
    or is a draft and the user is not staff. `with_learner_state` also loads whether
    the user has done it and how far they have read, in the same query; `with_held`
    whether the learner's open mock exam holds a question of its quiz (`held`)."""
    # Without the texts: the pages that ask for a lesson here show its title and links.
    lessons = (
        Lesson.objects.visible_to(user)
        .select_related("category", "quiz")
        .defer("body", "body_html", "search_document")
    )
    if with_learner_state:
        lessons = lessons.with_learner_state(user)
    if with_held and user.is_authenticated:
        # `held`: whether the learner's open mock exam holds one of its quiz's questions.
        held = held_questions(user).filter(question__quiz__lesson=OuterRef("pk"))
        lessons = lessons.annotate(held=Exists(held))
    return get_object_or_404(lessons, slug=slug)
