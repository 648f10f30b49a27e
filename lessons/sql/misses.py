"""Putting missed questions in the review queue in one statement (an upsert).

The rule is the queue's (`record_misses` in lessons/review/queue.py): each missed question
goes to box 1, due `due_at`, out of retirement, one more miss counted, missed `now`; a
question not in the queue yet enters it so (its first miss). Through the ORM that took an
insert of the new items and an update of them all, two statements where one does, on
PostgreSQL and SQLite alike (INSERT ... ON CONFLICT ... DO UPDATE).
"""

from datetime import datetime

from django.db import connection
from django.utils import timezone

from lessons.models import ReviewItem

TABLE = ReviewItem._meta.db_table
# One row per missed question (its own `question_N`), named like the room's other statements.
ROW = "(%(user_id)s, %(question_{n})s, 1, %(due)s, NULL, 1, 0, %(missed)s, NULL, NULL, %(created)s)"
UPSERT = f"""
INSERT INTO {TABLE} (user_id, question_id, box, due_at, retired_at, times_missed,
  times_reviewed, last_missed_at, last_reviewed_at, last_review_correct, created_at)
VALUES {{rows}}
ON CONFLICT (user_id, question_id) DO UPDATE SET
  box = 1, due_at = excluded.due_at, retired_at = NULL,
  times_missed = {TABLE}.times_missed + 1, last_missed_at = excluded.last_missed_at"""  # noqa: S608 (fixed table; values are parameters)


def record_misses(user_id: int, question_ids: list[int], due_at: datetime, now: datetime) -> None:
    """Put `question_ids` (at least one) of the learner in box 1, due `due_at`."""
    adapt = connection.ops.adapt_datetimefield_value
    params = {
        "user_id": user_id,
        "due": adapt(due_at),
        "missed": adapt(now),
        "created": adapt(timezone.now()),
    } | {f"question_{n}": question for n, question in enumerate(question_ids)}
    rows = ", ".join(ROW.format(n=n) for n in range(len(question_ids)))
    with connection.cursor() as cursor:
        cursor.execute(UPSERT.format(rows=rows), params)
