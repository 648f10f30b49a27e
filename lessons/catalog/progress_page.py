"""My progress: the bars are read each time (one statement); the rest (readiness for
each exam, mock exams, lessons done per day, every lesson done) is kept rendered under
the learner's footprint (lessons/progress/footprints.py), so that a learner with a long
record reads it with one statement once nothing has changed."""

from django.template.loader import render_to_string
from django.utils import timezone

from lessons.content import kept
from lessons.exams import learner_pages
from lessons.kernel import charts
from lessons.models import Category
from lessons.progress import tracking as progress
from lessons.progress.footprints import kept_for_learner
from lessons.sql import footprint


def _categories(ids) -> list[Category]:
    """The categories with lessons a learner may read, in their order: the same for
    everyone, kept with the catalog."""
    ids = sorted(ids)

    def read() -> tuple[list[Category], None]:
        return list(Category.objects.filter(id__in=ids)), None

    return kept.kept("progress-categories", read, ",".join(map(str, ids)))


def _done(user):
    """The chart of lessons done per day and the list of every lesson done."""
    series = progress.completions_by_day(user)
    completions = (
        progress.visible_completions(user)
        .select_related("lesson")
        .only("completed_at", "lesson__title", "lesson__slug")
        .order_by("-completed_at")
    )
    context = {
        "chart": charts.column_chart(charts.days(series)),
        "series_total": sum(count for _, count in series),
        "completions": completions,
    }
    return render_to_string("lessons/_progress_done.html", context)


def progress_page(user) -> dict:
    """The page's context for the signed-in learner."""
    bars, overall, mark = footprint.progress(user)
    categories = _categories(bars)
    for category in categories:
        category.bar = bars[category.id]
    exams_html, has_exams = learner_pages.exam_panels(user, mark)
    # The chart's last day is today: a new day draws another chart.
    today = timezone.localdate().isoformat()
    return {
        "categories": categories,
        "overall": overall,
        "exams": has_exams,
        "exams_html": exams_html,
        "sittings_html": learner_pages.sitting_history(user, mark, "sittings-heading")
        if has_exams
        else "",
        "done_html": kept_for_learner("done", user, mark, mark.done, lambda: _done(user), today),
    }
