"""The learners of a dashboard: who they are and when they last did something on the
group's lessons, and how the instructor's search and sort pick and order them."""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import OuterRef, Subquery

from lessons.models import ReadingPosition
from lessons.progress.tracking import from_db_datetime, plain_rows
from portal.groups.scope import LessonColumn, learner_memberships
from portal.models import StudyGroup


@dataclass(frozen=True)
class Learner:
    user_id: int
    username: str
    name: str
    joined_at: datetime
    last_active: datetime | None  # on the group's lessons


@dataclass(frozen=True)
class Filters:
    search: str = ""
    category: int | None = None
    sort: str = "name"
    attention_only: bool = False
    section: str = ""  # the opened section of a cohort's dashboard (sections.Section.key)


def scope_categories(lessons: list[LessonColumn]) -> list[tuple[int, str]]:
    """The categories of the scope, in learning order: the category filter's choices."""
    return list(dict.fromkeys((lesson.category_id, lesson.category_name) for lesson in lessons))


def group_learners(group: StudyGroup, lessons: list[LessonColumn]) -> list[Learner]:
    """Every learner of the group, with when they last read one of its `lessons` (the
    matrix's cells add their completions and quiz attempts), in one query."""
    last_reading = (
        ReadingPosition.objects.filter(
            user=OuterRef("user_id"), lesson_id__in=[lesson.id for lesson in lessons]
        )
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    rows = (
        learner_memberships(group)
        .annotate(last_reading=Subquery(last_reading))
        .order_by("user_id")
        .values_list("user_id", "user__username", "user__display_name", "joined_at", "last_reading")
    )
    # Straight from the cursor: a cohort's thousand rows cost more in Django's per-row
    # handling than in the database. The moments are read as the ORM would.
    return [
        Learner(
            user_id,
            username,
            display_name or username,
            from_db_datetime(joined_at),
            from_db_datetime(last_reading),
        )
        for user_id, username, display_name, joined_at, last_reading in plain_rows(rows)
    ]


def learners_with_activity(
    learners: list[Learner], last_active: dict[int, datetime]
) -> list[Learner]:
    """`learners` with their last activity: the latest of their reading (already on them)
    and `last_active` (completions and quiz attempts)."""
    # Built directly: dataclasses.replace costs several times more, a thousand times over.
    return [
        Learner(
            learner.user_id,
            learner.username,
            learner.name,
            learner.joined_at,
            _latest(learner.last_active, last_active.get(learner.user_id)),
        )
        for learner in learners
    ]


def _latest(first: datetime | None, second: datetime | None) -> datetime | None:
    if first is None or (second is not None and second > first):
        return second
    return first


def matches(learner: Learner, search: str) -> bool:
    needle = search.casefold()
    return needle in learner.name.casefold() or needle in learner.username.casefold()


def sort_rows(rows: list, sort: str) -> list:
    """Rows (or anything with `learner`, `percent_done` and `average_best`) in `sort`'s
    order; ties by name."""
    rows = sorted(rows, key=_name_key)
    descending = sort.startswith("-")
    field = sort.removeprefix("-")
    if field == "progress":
        return sorted(rows, key=_progress_key, reverse=descending)
    if field == "last_active":
        return sorted(rows, key=_last_active_key, reverse=descending)
    return list(reversed(rows)) if descending else rows


def _name_key(row) -> tuple[str, str]:
    learner = row.learner
    return learner.name.casefold(), learner.username


def _progress_key(row) -> tuple[int, int]:
    return row.percent_done, -1 if row.average_best is None else row.average_best


def _last_active_key(row) -> datetime:
    # Never active sorts as the longest inactive.
    return row.learner.last_active or datetime.min.replace(tzinfo=UTC)
