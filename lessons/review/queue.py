"""Spaced review of missed questions: the Leitner rules, the queue, and what is due.

The rules:
- A question missed anywhere (a quiz, a mock exam, the review itself) goes to box 1, due
  from the start of the next day (local time). Missing it again, in whatever box, sends it
  back to box 1; missing a retired question brings it back into the queue.
- A right answer in the review moves a due item one box up, due from the start of the day
  that box's interval (1, 3, 7, 14, 30 days) lies ahead. A right answer in the top box
  retires the item: it has been learnt and leaves the queue.
- A right answer outside the review (a quiz, a mock exam) changes nothing: a question
  answered rightly that is not in the queue does not enter it, and one that is keeps its
  place, since only the review's schedule spaces the repetitions.
- Questions of lessons that are not published never appear and are never counted; they
  come back, in the box they were in, if the lesson is published again.
- Reviewing ahead (nothing due, the learner wants more): the questions not due yet, the
  soonest first, each once a day. A right answer there leaves the question's box and due
  day as they were (the spacing is what makes it stick); a wrong one is a miss like any
  other and sends it back to box 1.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import F, QuerySet
from django.dispatch import receiver
from django.utils import timezone

from lessons.kernel.signals import questions_answered
from lessons.models import Lesson, ReviewItem
from lessons.models.exams import held_questions
from lessons.models.review import BOX_INTERVAL_DAYS, TOP_BOX
from lessons.sql import misses as misses_sql
from lessons.sql import review as review_sql


class StaleAnswer(Exception):
    """The item moved since the form was shown (a double submit, another tab)."""


@dataclass(frozen=True)
class Today:
    """Where the learner's review stands now."""

    due: int  # items due now
    done: int  # items answered in the review since the start of today
    next_due_at: datetime | None  # when the next item that is not due yet becomes due
    ahead: int = 0  # items not due that may be reviewed ahead (not answered today)

    @property
    def total(self) -> int:
        return self.done + self.due


def due_from(now: datetime, days: int) -> datetime:
    """The start of the local day `days` after the day of `now`."""
    zone = timezone.get_default_timezone()
    day = timezone.localtime(now, zone).date() + timedelta(days=days)
    return datetime.combine(day, time.min, tzinfo=zone)


def start_of_day(now: datetime) -> datetime:
    return due_from(now, 0)


def queue(user) -> QuerySet[ReviewItem]:
    """The learner's items whose question belongs to a published lesson (whatever makes
    a lesson published: the lessons' own rule, as a subquery)."""
    published = Lesson.objects.published().values("id")
    # A question drawn into the learner's open mock exam waits until the sitting ends.
    return ReviewItem.objects.filter(user=user, question__quiz__lesson__in=published).exclude(
        question__in=held_questions(user)
    )


def due_items(user, now: datetime) -> QuerySet[ReviewItem]:
    """Items due now, the longest waiting first."""
    return queue(user).filter(retired_at__isnull=True, due_at__lte=now).order_by("due_at", "id")


def due_count(user) -> int:
    """How many review items are due for the learner now: one query, none for a visitor."""
    if not user.is_authenticated:
        return 0
    return due_items(user, timezone.now()).count()


def waiting_count(user) -> int:
    """How many questions are in the learner's review queue, due or not."""
    return queue(user).filter(retired_at__isnull=True).count()


@dataclass(frozen=True)
class Standing:
    """The learner's queue as one statement read it (lessons/sql/review.py)."""

    rows: list[review_sql.QueueRow]

    def today(self, now: datetime) -> Today:
        start = start_of_day(now)
        active = [row for row in self.rows if row.retired_at is None]
        reviewed = [row.last_reviewed_at for row in self.rows if row.last_reviewed_at]
        return Today(
            due=sum(1 for row in active if row.due_at <= now),
            done=sum(1 for moment in reviewed if moment >= start),
            next_due_at=min((row.due_at for row in active if row.due_at > now), default=None),
            ahead=len(self._ahead(now)),
        )

    def next_id(self, now: datetime) -> int | None:
        """The due item that has waited longest."""
        due = ((row.due_at, row.id) for row in self.rows if row.retired_at is None)
        first = min((key for key in due if key[0] <= now), default=None)
        return first[1] if first else None

    def next_ahead_id(self, now: datetime) -> int | None:
        """The item to review ahead: not due, not answered today, the soonest due."""
        first = min(self._ahead(now), default=None)
        return first[1] if first else None

    def _ahead(self, now: datetime) -> list[tuple[datetime, int]]:
        start = start_of_day(now)
        return [
            (row.due_at, row.id)
            for row in self.rows
            if row.retired_at is None
            and row.due_at > now
            and (row.last_reviewed_at is None or row.last_reviewed_at < start)
        ]

    def holds(self, item_id: int) -> bool:
        return any(row.id == item_id for row in self.rows)

    def after(self, item: ReviewItem) -> "Standing":
        """The queue once `item` moved (as `answer` left it)."""
        moved = review_sql.QueueRow(item.pk, item.due_at, item.retired_at, item.last_reviewed_at)
        return Standing([moved if row.id == item.pk else row for row in self.rows])


def standing(user, now: datetime) -> Standing:
    """The learner's queue now: one statement, whatever its size."""
    return Standing(review_sql.queue_rows(user, now))


def today(user, now: datetime) -> Today:
    """Due now, done today, the next due time and how many may be reviewed ahead, in one
    query."""
    return standing(user, now).today(now)


def is_due(item: ReviewItem, now: datetime) -> bool:
    return item.retired_at is None and item.due_at <= now


def section_of(question) -> dict | None:
    """The lesson section a question tests, as its table-of-contents entry (`id`, `name`;
    the name is empty when the heading has gone), or None when it names none."""
    if not question.section:
        return None
    toc = question.quiz.lesson.toc
    entry = next((e for e in toc if e.get("id") == question.section), None)
    return entry or {"id": question.section, "name": ""}


def with_question(items: QuerySet[ReviewItem]) -> QuerySet[ReviewItem]:
    """Items with what a review card shows: the question, its choices, its lesson."""
    lesson = "question__quiz__lesson__"
    return (
        items.select_related("question__quiz__lesson")
        .defer(f"{lesson}body", f"{lesson}body_html", f"{lesson}search_document")
        .prefetch_related("question__choices")
    )


def next_item(user, now: datetime) -> ReviewItem | None:
    """The due item that has waited longest, with its question."""
    return item_with_question(user, standing(user, now).next_id(now))


def item_with_question(user, item_id: int | None) -> ReviewItem | None:
    """The learner's item `item_id` (one their `standing` holds) with its question."""
    if item_id is None:
        return None
    return with_question(ReviewItem.objects.filter(user=user, pk=item_id)).first()


def record_misses(user, results, now: datetime | None = None) -> None:
    """Put the missed questions of `results` ((question id, correct) pairs) in box 1,
    due tomorrow, whatever their place before: one statement however many there are
    (lessons/sql/misses.py)."""
    now = now or timezone.now()
    missed = sorted({question_id for question_id, correct in results if not correct})
    if not missed:
        return
    misses_sql.record_misses(user.pk, missed, due_from(now, BOX_INTERVAL_DAYS[1]), now)


def answer(user, item: ReviewItem, correct: bool, now: datetime) -> ReviewItem:
    """Move `user`'s item after their review answer (see the rules above; an item not due
    is being reviewed ahead); return it as it is now. Raises StaleAnswer, moving nothing,
    when the item is no longer as it was loaded: the same answer posted twice moves it
    once."""
    if correct and not is_due(item, now):
        changes = {}  # reviewed ahead: the spacing stays
    elif correct and item.box == TOP_BOX:
        changes = {"retired_at": now, "due_at": now}
    else:
        box = min(item.box + 1, TOP_BOX) if correct else 1
        changes = {"box": box, "due_at": due_from(now, BOX_INTERVAL_DAYS[box])}
    changes |= {"last_reviewed_at": now, "last_review_correct": correct}
    with transaction.atomic(savepoint=False):
        moved = ReviewItem.objects.filter(
            pk=item.pk,
            box=item.box,
            due_at=item.due_at,
            last_reviewed_at=item.last_reviewed_at,
            retired_at__isnull=True,
        ).update(times_reviewed=F("times_reviewed") + 1, **changes)
        if moved:
            questions_answered.send(
                sender=ReviewItem, user=user, results=[(item.question_id, correct)]
            )
    if not moved:
        raise StaleAnswer
    for field, value in changes.items():
        setattr(item, field, value)
    item.times_reviewed += 1
    return item


@receiver(questions_answered, dispatch_uid="lessons.review.queue.record_misses")
def _queue_misses(sender, user, results, **kwargs) -> None:
    # The review moves its own items (answer() above), a wrong answer there included.
    if sender is ReviewItem:
        return
    record_misses(user, results)
