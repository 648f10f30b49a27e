"""A group's pace: the date by which each lesson should be done, and what that means for
a given day."""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import LessonTarget, StudyGroup

# Study groups plan in years, not millennia: dates outside this range are typing slips.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2099, 12, 31)


def validate_pace_date(day: date) -> None:
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            _("Choose a date from %(earliest)s to %(latest)s.")
            % {"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
            code="out_of_range",
        )


def _days_after(start: date, days: int) -> date:
    # A start stored before dates were bounded (or set in the admin) must not break every
    # page of the group: a due date past the calendar's end is simply the last day.
    try:
        return start + timedelta(days=days)
    except OverflowError:
        return date.max


def due_dates(group: StudyGroup, lessons: Sequence) -> dict[int, date]:
    """The due date of each lesson (objects with `.id` and `.target`, in learning order).

    Weekly pace: the first `lessons_per_week` lessons are due at the end of the first week
    (six days after the start), the next ones a week later, and so on. Dates pace: each
    lesson's own target date; a lesson without one has no due date.
    """
    if group.pace == StudyGroup.Pace.WEEKLY and group.pace_start and group.lessons_per_week:
        per_week = group.lessons_per_week
        return {
            lesson.id: _days_after(group.pace_start, 7 * (index // per_week) + 6)
            for index, lesson in enumerate(lessons)
        }
    if group.pace == StudyGroup.Pace.DATES:
        return {lesson.id: lesson.target for lesson in lessons if lesson.target}
    return {}


def expected_done(due: Iterable[date], today: date) -> int:
    """How many lessons should be done by now: those whose due date is already past."""
    return sum(1 for day in due if day < today)


@transaction.atomic
def set_target_dates(group: StudyGroup, dates: dict[int, date | None]) -> None:
    """Give lessons (by id) their target dates, None to clear one, and switch the group
    to the dates pace."""
    LessonTarget.objects.filter(group=group).exclude(
        lesson_id__in=[lesson_id for lesson_id, day in dates.items() if day]
    ).delete()
    for lesson_id, day in dates.items():
        if day:
            LessonTarget.objects.update_or_create(
                group=group, lesson_id=lesson_id, defaults={"due_on": day}
            )
    if group.pace != StudyGroup.Pace.DATES:
        group.pace = StudyGroup.Pace.DATES
        group.save(update_fields=["pace"])
