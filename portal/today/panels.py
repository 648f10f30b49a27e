"""What the portal adds to the lessons pages (lessons/kernel/panels.py): on home, the one
next step (the lesson due soonest in the learner's groups) with the streak, and each
group's week; on a lesson, when it is due for each of the learner's groups.

A learner's home costs two queries here, whatever the number of groups: their lessons
done among the groups' plans and their activity days for the streak. Their groups and
the groups' plans come from the cache (week.py); someone in no group costs nothing once
that is cached, on home and on the lesson page.
"""

from dataclasses import dataclass
from datetime import date, tzinfo

from django.http import HttpRequest
from django.utils import timezone

from lessons.kernel.panels import Panel
from lessons.progress.streak import days_active, streak_from
from portal.models import StudyGroup
from portal.today.week import (
    PlannedLesson,
    WeekGoal,
    done_among,
    learner_groups_of,
    plans_of,
    week_goal,
)
from portal.today.zone import learner_zone


@dataclass(frozen=True)
class DueStep:
    """The next step when a group has a lesson due: the soonest, or the one being read."""

    lesson: PlannedLesson
    group: StudyGroup
    overdue: bool
    section: dict | None  # where the learner stopped reading it, past its first section


@dataclass(frozen=True)
class Streak:
    days: int
    active_today: bool

    @property
    def at_risk(self) -> bool:
        return self.days > 0 and not self.active_today


@dataclass(frozen=True)
class LearnerGroups:
    zone: tzinfo
    today: date
    groups: list[StudyGroup]
    plans: dict[int, list[PlannedLesson]]


def learner_groups(request: HttpRequest) -> LearnerGroups | None:
    """The signed-in learner's groups (as a learner) and their plans, once per request."""
    if hasattr(request, "_today_groups"):
        return request._today_groups
    found = None
    user = request.user
    if user.is_authenticated:
        groups, time_zone = learner_groups_of(user)
        if groups:
            zone = learner_zone(time_zone)
            today = timezone.now().astimezone(zone).date()
            found = LearnerGroups(zone, today, groups, plans_of(groups, today))
    request._today_groups = found
    return found


def week_goals(request: HttpRequest) -> list[WeekGoal] | None:
    if hasattr(request, "_today_goals"):
        return request._today_goals
    goals = None
    mine = learner_groups(request)
    if mine is not None:
        planned = {lesson.id for plan in mine.plans.values() for lesson in plan}
        done = done_among(request.user, planned)
        goals = [week_goal(g, mine.plans[g.pk], done, mine.today) for g in mine.groups]
    request._today_goals = goals
    return goals


def streak_of(user, zone: tzinfo, today: date) -> Streak:
    days = days_active(user.pk, zone, today)
    return Streak(streak_from(days, today), today in days)


def due_step(goals: list[WeekGoal], next_step) -> DueStep | None:
    """The soonest lesson due and not done in any group; the lesson the learner is reading
    when it is one of those."""
    due = sorted(
        ((lesson, goal) for goal in goals for lesson in goal.to_do),
        key=lambda pair: pair[0].due_on,
    )
    if not due:
        return None
    reading = getattr(getattr(next_step, "lesson", None), "id", None)
    for lesson, goal in due:
        if lesson.id == reading:
            return DueStep(lesson, goal.group, lesson.due_on < goal.today, next_step.section)
    lesson, goal = due[0]
    return DueStep(lesson, goal.group, lesson.due_on < goal.today, None)


def home_next_step(request: HttpRequest, next_step=None, **_page) -> Panel | None:
    """In place of "continue learning": the group's lesson due soonest, and the streak."""
    goals = week_goals(request)
    if goals is None:
        return None
    mine = learner_groups(request)
    return Panel(
        "today/_next_step.html",
        {
            "step": due_step(goals, next_step),
            "next_step": next_step,
            "streak": streak_of(request.user, mine.zone, mine.today),
            "today": mine.today,
        },
    )


def home_weeks(request: HttpRequest, **_page) -> Panel | None:
    goals = week_goals(request)
    if not goals:
        return None
    return Panel("today/_weeks.html", {"goals": goals})


def lesson_due(request: HttpRequest, lesson=None, is_done: bool = False, **_page) -> Panel | None:
    """When this lesson is due in each of the learner's groups that plans it."""
    mine = learner_groups(request)
    if mine is None or lesson is None:
        return None
    dues = [
        (group, planned.due_on)
        for group in mine.groups
        for planned in mine.plans[group.pk]
        if planned.id == lesson.id
    ]
    if not dues:
        return None
    return Panel("today/_lesson_due.html", {"dues": dues, "is_done": is_done, "today": mine.today})
