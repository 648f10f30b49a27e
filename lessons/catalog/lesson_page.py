"""What the lesson page reads, in two statements (lessons/sql/lesson.py): the lesson (with
its category and quiz), then around it its neighbours, the learner's state on it, and the
progress bars.

The lesson page is the portal's busiest. Profiled, two thirds of its time went to the ORM
compiling its queries (the lesson, neighbours twice, the bars, the learner's state), not
to running them; they are sent written out.
"""

from dataclasses import dataclass

from django.http import Http404

from lessons.models import Lesson
from lessons.sql import bars
from lessons.sql import lesson as statements
from lessons.sql.bars import Bar, Bars


@dataclass(frozen=True)
class LessonPage:
    previous: dict | None
    next: dict | None
    is_done: bool
    reading_index: int
    bars: Bars
    overall: Bar


def lesson_page(user, lesson: Lesson) -> LessonPage:
    """`lesson`'s neighbours as `user` may see them, whether `user` has done it and how
    far they have read, and the bars of published lessons done per category."""
    found = statements.fetch_around(user, lesson)
    by_category, overall = bars.read(found.bar_rows)
    return LessonPage(
        found.neighbours["previous"],
        found.neighbours["next"],
        found.is_done,
        found.reading_index,
        by_category,
        overall,
    )


def visible_lesson(user, slug: str) -> Lesson:
    """The lesson at `slug` with its category and quiz (access.get_visible_lesson's rule:
    drafts and lessons not yet visible only for staff), or 404."""
    lesson = statements.fetch_lesson(user, slug)
    if lesson is None:
        raise Http404("No such lesson")
    return lesson
