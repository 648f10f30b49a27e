"""A cohort's sections: the weeks of its pace, or its categories in parts of at most
SECTION_SIZE lessons, and the group's figures per section and per lesson of one."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from portal.groups.scope import LessonColumn
from portal.models import StudyGroup

SECTION_SIZE = 20  # lessons; a larger category is split into parts


@dataclass(frozen=True)
class Section:
    key: str  # stable across filters: "w3" (week 3 of the pace), "c12-1" (category 12, part 1)
    title: str
    lessons: tuple[LessonColumn, ...]
    due: date | None  # by when all its lessons are due; None: no pace or not all dated


def sections_of(group: StudyGroup, lessons: list[LessonColumn], due: dict) -> list[Section]:
    """`lessons` (in learning order) in sections: the weeks of a weekly pace, otherwise
    the categories, split in parts of SECTION_SIZE lessons."""
    if group.pace == StudyGroup.Pace.WEEKLY and due and group.pace_start:
        weeks: dict[date, list[LessonColumn]] = {}
        for lesson in lessons:
            weeks.setdefault(due[lesson.id], []).append(lesson)
        return [
            Section(
                f"w{(day - group.pace_start).days // 7 + 1}",
                _("Week %(n)d") % {"n": (day - group.pace_start).days // 7 + 1},
                tuple(members),
                day,
            )
            for day, members in weeks.items()
        ]
    categories: dict[tuple[int, str], list[LessonColumn]] = {}
    for lesson in lessons:
        categories.setdefault((lesson.category_id, lesson.category_name), []).append(lesson)
    sections = []
    for (category_id, name), members in categories.items():
        parts = [members[n : n + SECTION_SIZE] for n in range(0, len(members), SECTION_SIZE)]
        for number, part in enumerate(parts, 1):
            first = (number - 1) * SECTION_SIZE + 1
            title = (
                name
                if len(parts) == 1
                else _("%(category)s, lessons %(first)d–%(last)d")
                % {"category": name, "first": first, "last": first + len(part) - 1}
            )
            dates = [due.get(lesson.id) for lesson in part]
            sections.append(
                Section(
                    f"c{category_id}-{number}",
                    title,
                    tuple(part),
                    max(dates) if dates and all(dates) else None,
                )
            )
    return sections


@dataclass(frozen=True)
class SectionTotal:
    section: Section
    completion_rate: int
    average_best: int | None
    finished: int  # learners who did every lesson of it
    overdue: bool


@dataclass(frozen=True)
class LessonTotal:
    lesson: LessonColumn
    completion_rate: int
    attempted: int
    average_best: int | None
