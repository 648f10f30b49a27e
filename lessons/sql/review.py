"""Today's review as its page reads it: the learner's queue in one statement, from which
the page counts what is due and done and picks the next question.

The rules stay the queue's (lessons/review/queue.py, `queue`): items of the learner whose
question belongs to a lesson learners may see now (VISIBLE), except questions drawn into
the learner's open mock exam (`lessons.models.exams.held_questions`). Profiled, planning
the ORM's two queries (a count and the next item, each joining four tables with two
subqueries) took far longer than running them; this statement runs prepared.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from lessons.kernel import statements
from lessons.models.exams import GRACE
from lessons.sql import rules

# Rows: item id, due, retired, last reviewed.
QUEUE = f"""
SELECT r.id, r.due_at, r.retired_at, r.last_reviewed_at
FROM lessons_reviewitem r
JOIN lessons_question q ON q.id = r.question_id
JOIN lessons_quiz z ON z.id = q.quiz_id
JOIN lessons_lesson l ON l.id = z.lesson_id
WHERE r.user_id = %(user_id)s AND {rules.VISIBLE}
AND r.question_id NOT IN (
  SELECT s.question_id FROM lessons_sittingquestion s
  JOIN lessons_mocksitting m ON m.id = s.sitting_id
  WHERE m.user_id = %(user_id)s AND m.finished_at IS NULL AND m.deadline >= %(held_from)s
)"""  # noqa: S608 (fixed rules; values are parameters)


@dataclass(frozen=True)
class QueueRow:
    id: int
    due_at: datetime
    retired_at: datetime | None
    last_reviewed_at: datetime | None


def queue_rows(user, now: datetime) -> list[QueueRow]:
    """The learner's review items as the queue counts them, at `now`."""
    held_from = connection.ops.adapt_datetimefield_value(now - GRACE)
    rows = statements.fetch_all(QUEUE, rules.params(user, held_from=held_from))
    return [
        QueueRow(
            item_id,
            rules.from_db_datetime(due_at),
            rules.from_db_datetime(retired_at),
            rules.from_db_datetime(reviewed_at),
        )
        for item_id, due_at, retired_at, reviewed_at in rows
    ]
