"""Template tags for the design system's shared components (static/css/portal.css)."""

from django import template

register = template.Library()


@register.inclusion_tag("_breadcrumb.html")
def breadcrumb(*trail: str) -> dict:
    """`{% breadcrumb _("Home") home_url category.name category_url lesson.title %}`:
    label and address pairs leading to the current page, whose label comes last."""
    *pairs, current = trail
    return {"links": list(zip(pairs[::2], pairs[1::2], strict=True)), "current": current}
