"""Each of a learner's groups this week: how many of the lessons due by the group's next
due date they have done, what is overdue, and which lesson comes next.

A group's plan (its lessons with a due date, in due order: `portal.groups.pace` decides
the dates) is the same for every member, so it is kept in the cache per group and day,
and a change to the group, its target dates or any lesson starts a new generation. A
learner's home then costs one query for their groups and one for their lessons done,
whatever the number of groups.
"""

from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

from lessons.models import Completion, Lesson
from portal.groups import pace
from portal.groups.scope import scope_lessons
from portal.models import LessonTarget, Membership, NotificationPreference, StudyGroup

PLAN_SECONDS = 600
# A learner's groups are kept for less time: with each process's own memory as the cache
# (no REDIS_URL), a join or a removal seen by another process shows within this.
GROUPS_SECONDS = 120
GENERATION_KEY = "today:plan-generation"


@dataclass(frozen=True)
class PlannedLesson:
    id: int
    title: str
    slug: str
    due_on: date


@dataclass(frozen=True)
class WeekGoal:
    """One group's goal for a learner: the lessons due by `deadline` (the group's next due
    date, today or later; the last one once the pace has ended)."""

    group: StudyGroup
    today: date
    deadline: date | None  # None: the group has no pace (nothing is ever due)
    due: tuple[PlannedLesson, ...]  # due by the deadline, in due order
    done_ids: frozenset[int]
    lesson_count: int  # every lesson of the plan

    @property
    def bar_key(self) -> str:
        return f"goal-{self.group.pk}"

    @property
    def done(self) -> int:
        return sum(1 for lesson in self.due if lesson.id in self.done_ids)

    @property
    def total(self) -> int:
        return len(self.due)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def to_do(self) -> list[PlannedLesson]:
        return [lesson for lesson in self.due if lesson.id not in self.done_ids]

    @property
    def overdue(self) -> list[PlannedLesson]:
        return [lesson for lesson in self.to_do if lesson.due_on < self.today]

    @property
    def days_left(self) -> int | None:
        return None if self.deadline is None else (self.deadline - self.today).days

    @property
    def met(self) -> bool:
        return self.total > 0 and not self.to_do

    @property
    def ended(self) -> bool:
        """Every due date has passed."""
        return self.deadline is not None and self.deadline < self.today


def learner_groups_of(user) -> tuple[list[StudyGroup], str | None]:
    """The groups `user` is a learner of, by name, and the time zone they chose (None:
    not chosen). Cached: most learners' home pages then ask the database nothing."""
    key = f"today:groups:{cache.get(GENERATION_KEY, 0)}:{user.pk}"
    found = cache.get(key)
    if found is None:
        groups = list(
            StudyGroup.objects.filter(
                memberships__user=user, memberships__role=Membership.Role.LEARNER
            )
            .order_by("name", "id")
            .only("id", "name", "pace", "pace_start", "lessons_per_week")
        )
        zone = None
        if groups:
            chosen = NotificationPreference.objects.filter(user=user).values_list("time_zone")
            zone = next(iter(chosen), (None,))[0]
        found = (groups, zone)
        cache.set(key, found, GROUPS_SECONDS)
    return found


def plan_of(group: StudyGroup, today: date) -> list[PlannedLesson]:
    """The group's lessons that have a due date, in due order (cached per group and day)."""
    return plans_of([group], today)[group.pk]


def plans_of(groups: list[StudyGroup], today: date) -> dict[int, list[PlannedLesson]]:
    generation = cache.get(GENERATION_KEY, 0)
    keys = {
        group.pk: f"today:plan:{generation}:{group.pk}:{group.pace}:{group.pace_start}:"
        f"{group.lessons_per_week}:{today.isoformat()}"
        for group in groups
    }
    found = cache.get_many(keys.values())
    plans, missing = {}, {}
    for group in groups:
        key = keys[group.pk]
        if key in found:
            plans[group.pk] = found[key]
        else:
            plans[group.pk] = missing[key] = _plan(group)
    if missing:
        cache.set_many(missing, PLAN_SECONDS)
    return plans


def _plan(group: StudyGroup) -> list[PlannedLesson]:
    if group.pace == StudyGroup.Pace.NONE:
        return []
    lessons = scope_lessons(group)
    due = pace.due_dates(group, lessons)
    planned = [
        PlannedLesson(lesson.id, lesson.title, lesson.slug, due[lesson.id])
        for lesson in lessons
        if lesson.id in due
    ]
    return sorted(planned, key=lambda lesson: lesson.due_on)  # stable: learning order kept


def week_goal(
    group: StudyGroup, plan: list[PlannedLesson], done_ids: set[int], today: date
) -> WeekGoal:
    if not plan:
        return WeekGoal(group, today, None, (), frozenset(), 0)
    upcoming = [lesson.due_on for lesson in plan if lesson.due_on >= today]
    deadline = min(upcoming) if upcoming else plan[-1].due_on
    due = tuple(lesson for lesson in plan if lesson.due_on <= deadline)
    mine = frozenset(done_ids & {lesson.id for lesson in due})
    return WeekGoal(group, today, deadline, due, mine, len(plan))


def done_among(user, lesson_ids: set[int]) -> set[int]:
    """Which of these lessons the learner has done: one query."""
    if not lesson_ids:
        return set()
    return set(
        Completion.objects.filter(user=user, lesson_id__in=lesson_ids).values_list(
            "lesson_id", flat=True
        )
    )


def _new_generation(**_kwargs) -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


# What a plan is made of: the group (pace, start, lessons a week), its categories, its
# target dates, and the lessons (published, moved, renamed); and who learns in it.
post_save.connect(_new_generation, sender=StudyGroup, dispatch_uid="today-plan-group")
post_delete.connect(_new_generation, sender=StudyGroup, dispatch_uid="today-plan-group-del")
post_save.connect(_new_generation, sender=Membership, dispatch_uid="today-groups-member")
post_delete.connect(_new_generation, sender=Membership, dispatch_uid="today-groups-member-del")
post_save.connect(_new_generation, sender=NotificationPreference, dispatch_uid="today-zone")
post_save.connect(_new_generation, sender=LessonTarget, dispatch_uid="today-plan-target")
post_delete.connect(_new_generation, sender=LessonTarget, dispatch_uid="today-plan-target-del")
post_save.connect(_new_generation, sender=Lesson, dispatch_uid="today-plan-lesson")
post_delete.connect(_new_generation, sender=Lesson, dispatch_uid="today-plan-lesson-del")
m2m_changed.connect(
    _new_generation, sender=StudyGroup.categories.through, dispatch_uid="today-plan-scope"
)
