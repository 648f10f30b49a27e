"""A learner's moments of activity since a time: lessons done, quizzes submitted, reviews
answered (the streak's days, lessons/progress/streak.py). Written out for the home page
of a member of a study group, where the ORM's three-way union cost more to build than to
run; a batch of learners (the evening reminders) goes through the ORM's version."""

from datetime import datetime

from lessons.kernel import statements
from lessons.sql.rules import from_db_datetime

# Rows: one moment each.
ACTIVITY = """
SELECT completed_at FROM lessons_completion
WHERE user_id = %(user_id)s AND completed_at >= %(since)s
UNION ALL
SELECT submitted_at FROM lessons_quizattempt
WHERE user_id = %(user_id)s AND submitted_at >= %(since)s
UNION ALL
SELECT submitted_at FROM lessons_review
WHERE user_id = %(user_id)s AND submitted_at >= %(since)s"""


def moments(user_id: int, since: datetime) -> list[datetime]:
    rows = statements.fetch_all(ACTIVITY, {"user_id": user_id, "since": since})
    return [from_db_datetime(moment) for (moment,) in rows]
