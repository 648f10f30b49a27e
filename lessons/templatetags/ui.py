"""Template tags for the design system's shared components (static/css/portal.css)."""

from django import template
from django.utils.translation import gettext_lazy as _

from lessons.kernel.particles import resolve_particles

register = template.Library()


@register.inclusion_tag("_breadcrumb.html")
def breadcrumb(*trail: str) -> dict:
    """`{% breadcrumb _("Home") home_url category.name category_url lesson.title %}`:
    label and address pairs leading to the current page, whose label comes last."""
    *pairs, current = trail
    return {"links": list(zip(pairs[::2], pairs[1::2], strict=True)), "current": current}


# A true/false question's two choices are stored as the Korean words the importer writes.
TRUE_FALSE_LABELS = {"참": _("True"), "거짓": _("False")}


@register.filter
def choice_label(text: str) -> str:
    """A choice's text as the learner reads it: 참 and 거짓 in the UI's language."""
    return TRUE_FALSE_LABELS.get(text, text)


@register.filter
def correct_labels(question) -> list[str]:
    """The labels of a question's correct choices (its choices must be prefetched)."""
    return [choice_label(choice.text) for choice in question.choices.all() if choice.is_correct]


@register.filter
def cards_key(lessons) -> str:
    """Everything a list of lesson cards shows, as part of a cache key: each lesson's last
    save and visibility, and the learner's mark on it. A cached list is then never another
    learner's nor out of date; learners whose marks match share one."""
    return ";".join(
        # is_published, not only the status: a scheduled lesson's chip goes at its time.
        f"{lesson.id}:{lesson.updated_at.timestamp()}:{lesson.status}:{lesson.is_published}:"
        f"{getattr(lesson, 'is_done', False)}:{getattr(lesson, 'best_score', None)}"
        for lesson in lessons
    )


@register.filter
def categories_key(categories) -> str:
    """The home page's category sections as part of a cache key: each category as its
    section shows it (name, description, the learner's bar) and its cards' key."""
    return repr(
        [
            (category.id, category.name, category.slug, category.description,
             category.bar.done, category.bar.total, cards_key(category.visible_lessons))
            for category in categories
        ]
    )  # fmt: skip


@register.filter(is_safe=True)
def particles(text: str) -> str:
    """A filled-in message with each Korean particle pair ("을(를)", "와(과)", …) in the
    form its word takes (lessons/kernel/particles.py)."""
    return resolve_particles(text)
