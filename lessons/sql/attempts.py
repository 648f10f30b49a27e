"""A learner's newest attempts at a quiz as the quiz page's "Your attempts" shows them, in
one statement: the newest rows, how many there are in all, and the best one's score.

The best is what QuizAttempt.percent and the list have always ranked by: the percent,
rounded half up (0 out of nothing), then the score; the newest wins a tie. Built through
the ORM, compiling this query cost more than running it on every quiz page and submit.
"""

from dataclasses import dataclass
from datetime import datetime

from lessons.kernel import numbers, statements
from lessons.sql import rules


def _own(a: str) -> str:
    return f"{a}.user_id = %(user_id)s AND {a}.quiz_id = %(quiz_id)s"


# Rows: id, score, max score, passed, submitted; in all; the best's score and max score.
# The newest rows come straight off the index on (user, quiz, newest first); how many in
# all and the best are read once, beside them (a window over every attempt, as this was
# first written, sorted a long history twice: 23 ms at 5,500 attempts, now 5).
NEWEST = f"""
WITH summary AS MATERIALIZED (
  SELECT (SELECT COUNT(*) FROM lessons_quizattempt c WHERE {_own("c")}) AS total,
    b.score, b.max_score
  FROM lessons_quizattempt b
  WHERE {_own("b")}
  ORDER BY {rules.percent("b.score", "b.max_score")} DESC, b.score DESC,
    b.submitted_at DESC, b.id DESC
  LIMIT 1
)
SELECT a.id, a.score, a.max_score, a.passed, a.submitted_at, s.total, s.score, s.max_score
FROM lessons_quizattempt a, summary s
WHERE {_own("a")}
ORDER BY a.submitted_at DESC, a.id DESC
LIMIT %(shown)s"""  # noqa: S608 (fixed text; values are parameters)


@dataclass(frozen=True)
class AttemptRow:
    id: int
    score: int
    max_score: int
    passed: bool
    submitted_at: datetime

    @property
    def percent(self) -> int:
        return numbers.percent(self.score, self.max_score)


@dataclass(frozen=True)
class Newest:
    attempts: list[AttemptRow]  # newest first
    total: int
    best_score: int
    best_max_score: int


def newest_attempts(user_id: int, quiz_id: int, shown: int) -> Newest | None:
    """The learner's `shown` newest attempts at the quiz, or None when there are none."""
    rows = statements.fetch_all(NEWEST, {"user_id": user_id, "quiz_id": quiz_id, "shown": shown})
    if not rows:
        return None
    attempts = [
        AttemptRow(pk, score, max_score, bool(passed), rules.from_db_datetime(at))
        for pk, score, max_score, passed, at, *_ in rows
    ]
    _, _, _, _, _, total, best_score, best_max_score = rows[0]
    return Newest(attempts, total, best_score, best_max_score)
