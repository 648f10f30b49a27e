"""Template tags for exam pages that other areas include (an instructor's drill-down)."""

from django import template

from lessons.models import MockSitting

register = template.Library()

# As many as a learner's own history shows.
SITTINGS_SHOWN = 20


@register.simple_tag
def mock_sittings_of(user) -> list[MockSitting]:
    """The learner's latest mock exam sittings, newest first (one query)."""
    return list(MockSitting.objects.filter(user=user).select_related("exam")[:SITTINGS_SHOWN])
