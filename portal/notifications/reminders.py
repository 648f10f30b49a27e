"""The evening reminder: what matters tonight for each learner of a batch, worked out with
a fixed number of queries for the whole batch (plus one per group of the batch).

What it says: the lessons due this week by each of their groups' paces that are not done
yet (overdue ones first), how many review questions are due, and a streak that ends
tonight unless they do something today. Nothing of that: no mail (the row is "quiet").
The link at the top goes straight to the next thing to do: the earliest lesson due, else
today's review.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from lessons.models import Completion, Lesson, ReviewItem
from lessons.progress import streak as streak_rules
from portal.groups import pace
from portal.groups.scope import scope_queryset
from portal.models import LessonTarget, NotificationPreference, SentMail, StudyGroup
from portal.notifications import mail, preferences

# A streak at risk is counted over this many days back at most ("60+ days").
STREAK_WINDOW_DAYS = 60
LESSONS_LISTED = 5


@dataclass(frozen=True)
class DueLesson:
    title: str
    url: str
    due_on: date
    overdue: bool


@dataclass
class GroupWeek:
    group: StudyGroup
    week_ends: date
    due: list[DueLesson] = field(default_factory=list)  # not done, due by the week's end

    @property
    def listed(self) -> list[DueLesson]:
        return self.due[:LESSONS_LISTED]

    @property
    def more(self) -> int:
        return max(0, len(self.due) - LESSONS_LISTED)


@dataclass(frozen=True)
class Tonight:
    today: date
    weeks: list[GroupWeek]
    reviews_due: int
    streak: int  # days in a row up to yesterday, when nothing is done yet today
    next_url: str

    @property
    def quiet(self) -> bool:
        return not any(week.due for week in self.weeks) and not self.reviews_due and not self.streak


@dataclass(frozen=True)
class LessonColumn:
    id: int
    title: str
    slug: str
    target: date | None  # the dates pace's target


def scope_lessons(group: StudyGroup) -> list[LessonColumn]:
    """The group's lessons in learning order with their target dates: one query."""
    target = LessonTarget.objects.filter(group_id=group.pk, lesson=OuterRef("pk"))
    rows = (
        scope_queryset(group)
        .in_learning_order()
        .annotate(target=Subquery(target.values("due_on")[:1]))
        .values_list("id", "title", "slug", "target")
    )
    return [LessonColumn(*row) for row in rows]


def end_of_week(day: date) -> date:
    """The Sunday that ends the week of `day` (weeks run Monday to Sunday)."""
    return day + timedelta(days=6 - day.weekday())


class GroupLessons:
    """Each group's lessons and due dates, read once per task however many learners, and
    its lessons by due date with their links (built once, not once per learner)."""

    def __init__(self) -> None:
        self._cache: dict[int, tuple[list[LessonColumn], dict[int, date]]] = {}
        self._planned: dict[int, list[tuple[date, int, str, str]]] = {}

    def of(self, group: StudyGroup) -> tuple[list[LessonColumn], dict[int, date]]:
        if group.pk not in self._cache:
            lessons = scope_lessons(group)
            self._cache[group.pk] = (lessons, pace.due_dates(group, lessons))
        return self._cache[group.pk]

    def planned(self, group: StudyGroup) -> list[tuple[date, int, str, str]]:
        """(due date, lesson id, title, link) of the lessons with a due date, soonest
        first."""
        if group.pk not in self._planned:
            columns, due = self.of(group)
            self._planned[group.pk] = sorted(
                (
                    due[column.id],
                    column.id,
                    column.title,
                    mail.absolute(reverse("lessons:lesson", args=[column.slug])),
                )
                for column in columns
                if due.get(column.id)
            )
        return self._planned[group.pk]


def group_week(group: StudyGroup, today: date, done: set[int], lessons: GroupLessons) -> GroupWeek:
    week = GroupWeek(group=group, week_ends=end_of_week(today))
    for due_on, lesson_id, title, url in lessons.planned(group):
        if due_on > week.week_ends:
            break
        if lesson_id not in done:
            week.due.append(DueLesson(title=title, url=url, due_on=due_on, overdue=due_on < today))
    return week


def tonight_for(user_ids: list[int], zones: dict[int, object], at: datetime) -> dict[int, Tonight]:
    """What matters tonight for each learner, in their own zone: a fixed number of
    queries for the whole batch, and one per group (its lessons)."""
    todays = {user_id: at.astimezone(zones[user_id]).date() for user_id in user_ids}
    memberships = (
        preferences.paced_learner_memberships()
        .filter(user_id__in=user_ids)
        .select_related("group")
        .order_by("group__name", "group_id")
    )
    groups_of: dict[int, list[StudyGroup]] = {user_id: [] for user_id in user_ids}
    for membership in memberships:
        groups_of[membership.user_id].append(membership.group)
    lessons = GroupLessons()
    lesson_ids = {
        column.id
        for groups in groups_of.values()
        for group in groups
        for column in lessons.of(group)[0]
    }
    done: dict[int, set[int]] = {user_id: set() for user_id in user_ids}
    for user_id, lesson_id in Completion.objects.filter(
        user_id__in=user_ids, lesson_id__in=lesson_ids
    ).values_list("user_id", "lesson_id"):
        done[user_id].add(lesson_id)
    reviews = dict(
        ReviewItem.objects.filter(
            user_id__in=user_ids,
            retired_at__isnull=True,
            due_at__lte=at,
            question__quiz__lesson__in=Lesson.objects.published().values("id"),
        )
        .values("user_id")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    days = streak_rules.activity_days(
        user_ids, zones, max(todays.values(), default=at.date()), STREAK_WINDOW_DAYS
    )
    review_url = mail.absolute(reverse("lessons:review_today"))
    home_url = mail.absolute(reverse("lessons:home"))
    result = {}
    for user_id in user_ids:
        today = todays[user_id]
        weeks = [group_week(group, today, done[user_id], lessons) for group in groups_of[user_id]]
        active_today = today in days[user_id]
        streak = 0 if active_today else streak_rules.streak_from(days[user_id], today)
        reviews_due = reviews.get(user_id, 0)
        first_due = min(
            (lesson for week in weeks for lesson in week.due),
            key=lambda lesson: lesson.due_on,
            default=None,
        )
        if first_due:
            next_url = first_due.url
        elif reviews_due:
            next_url = review_url
        else:
            next_url = home_url
        result[user_id] = Tonight(today, weeks, reviews_due, streak, next_url)
    return result


def compose(mail_ids: list[int], at: datetime) -> None:
    """Write the subject and bodies of the batch's queued reminders that have none yet,
    or mark them quiet when nothing is due tonight."""
    rows = list(
        SentMail.objects.filter(
            pk__in=mail_ids, status=SentMail.Status.QUEUED, kind=SentMail.Kind.REMINDER, subject=""
        ).select_related("user__notification_preference")
    )
    if not rows:
        return
    chosen = {row.user_id: _preferences(row) for row in rows}
    tonight = tonight_for(
        [row.user_id for row in rows], {uid: p.zone for uid, p in chosen.items()}, at
    )
    quiet = []
    for row in rows:
        plan = tonight[row.user_id]
        if plan.quiet:
            row.status = SentMail.Status.QUIET
            quiet.append(row)
            continue
        rendered = mail.render_mail(
            "reminder",
            {"tonight": plan, "review_url": mail.absolute(reverse("lessons:review_today"))},
            row.user,
            SentMail.Kind.REMINDER,
            chosen[row.user_id].language,
        )
        row.subject, row.text, row.html = rendered.subject, rendered.text, rendered.html
    SentMail.objects.bulk_update(rows, ["status", "subject", "text", "html"], batch_size=500)


def _preferences(row: SentMail) -> preferences.Preferences:
    try:
        chosen = row.user.notification_preference
    except NotificationPreference.DoesNotExist:
        chosen = None
    # Only the zone and the language matter here: whether the learner wants it was
    # decided when the row was claimed.
    return preferences.effective(chosen, in_paced_group=True, instructs=False)


def tonight_of(user, at: datetime | None = None) -> Tonight:
    """One learner's evening, as the reminder would say it (for a preview or a nudge)."""
    at = at or timezone.now()
    zone = preferences.for_user(user).zone
    return tonight_for([user.pk], {user.pk: zone}, at)[user.pk]
