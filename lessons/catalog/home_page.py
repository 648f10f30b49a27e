"""What the home page shows, in one statement (lessons/sql/home.py): the categories, the
first lessons of each with the learner's marks on them (done, best quiz score), the
progress bars, the next step and how many review questions are due.

Profiled, the home page spent most of its time having the ORM build six small queries,
not running them (as the lesson page did); they are sent as one written-out statement.
"""

import operator
from dataclasses import dataclass

from lessons.models import Category, Lesson
from lessons.sql import bars, home
from lessons.sql.bars import Bar


@dataclass(frozen=True)
class NextStep:
    lesson: Lesson
    section: dict | None  # the section to resume at, when it is past the first


@dataclass(frozen=True)
class HomePage:
    categories: list[Category]  # those with lessons to show, each with .visible_lessons, .bar
    overall: Bar
    next_step: NextStep | None
    review_due: int
    review_waiting: int  # questions in the review queue, due or not: "review ahead"


def home_page(user, per_category: int) -> HomePage:
    """The home page for `user`: the first `per_category` lessons of every category (as
    lesson cards, with `is_done` and `best_score`), and the rest, in one query."""
    found = home.fetch(user, per_category)
    by_category, overall = bars.read(found.bar_rows)
    next_step = None
    if found.next_lesson is not None:
        lesson, section = found.next_lesson, found.next_section
        next_step = NextStep(lesson, None if section is None else lesson.section_at(section))
    first = operator.itemgetter(0)
    shown = []
    for _place, category in sorted(found.categories, key=first):
        lessons = found.cards.get(category.id)
        if lessons:
            category.visible_lessons = [lesson for _place, lesson in sorted(lessons, key=first)]
            category.bar = by_category[category.id]
            shown.append(category)
    return HomePage(shown, overall, next_step, found.review_due, found.review_waiting)
