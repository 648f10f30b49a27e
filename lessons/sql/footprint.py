"""A learner's footprint: a few numbers that move whenever anything the progress and
readiness pages show of the learner changes (a lesson done or undone, a quiz submitted, a
mock exam started or finished, a hands-on task tried), and when the next scheduled lesson
becomes visible. Those pages keep what they rendered under it (lessons/progress/kept.py)
and send this one statement instead of the queries behind it.

Every kind of row is counted with its newest id: rows are added and deleted, never
renumbered, so any change moves one of the two. The ORM's twin of each number is stated
in tests/lessons/sql/test_footprint.py, on both databases."""

from dataclasses import dataclass
from datetime import datetime

from lessons.kernel import statements
from lessons.sql import bars, rules
from lessons.sql.bars import Bar, Bars
from lessons.sql.rules import from_db_datetime

FOOTPRINT = """
SELECT
  (SELECT COUNT(*) FROM lessons_completion WHERE user_id = %(user_id)s) AS completions,
  (SELECT MAX(id) FROM lessons_completion WHERE user_id = %(user_id)s),
  (SELECT COUNT(*) FROM lessons_quizattempt WHERE user_id = %(user_id)s),
  (SELECT MAX(id) FROM lessons_quizattempt WHERE user_id = %(user_id)s),
  (SELECT COUNT(*) FROM lessons_mocksitting WHERE user_id = %(user_id)s),
  (SELECT MAX(id) FROM lessons_mocksitting WHERE user_id = %(user_id)s),
  (SELECT COUNT(*) FROM lessons_mocksitting
   WHERE user_id = %(user_id)s AND finished_at IS NOT NULL),
  (SELECT COUNT(*) FROM lessons_taskattempt WHERE user_id = %(user_id)s),
  (SELECT MAX(id) FROM lessons_taskattempt WHERE user_id = %(user_id)s),
  (SELECT MIN(l.visible_from) FROM lessons_lesson l
   WHERE l.status = %(published)s AND l.visible_from > %(now)s)"""

# My progress's one statement: the footprint beside each of the bars (lessons/sql/bars.py),
# once with no bar when no lesson is visible. Rows: category id, lessons, lessons done,
# then the footprint's columns.
PROGRESS = f"""
SELECT b.*, f.*
FROM ({FOOTPRINT}) f
LEFT JOIN ({bars.BARS}) b ON 1 = 1"""  # noqa: S608 (fixed statements; values are parameters)


@dataclass(frozen=True)
class Footprint:
    completions: tuple[int, int | None]  # how many, the newest id
    attempts: tuple[int, int | None]
    sittings: tuple[int, int | None]
    finished_sittings: int
    task_attempts: tuple[int, int | None]
    next_scheduled: datetime | None  # when the next scheduled lesson becomes visible

    @property
    def open_sitting(self) -> bool:
        """Whether a mock exam is open (its time may run out while nobody looks)."""
        return self.sittings[0] > self.finished_sittings

    @property
    def answers(self) -> str:
        """What a learner's readiness is worked out from: quiz attempts, finished mock
        exams and hands-on tasks."""
        parts = (*self.attempts, self.finished_sittings, *self.sittings, *self.task_attempts)
        return "-".join(str(part) for part in parts)

    @property
    def done(self) -> str:
        return "-".join(str(part) for part in self.completions)


def footprint(user) -> Footprint:
    """The signed-in learner's footprint, in one statement."""
    (row,) = statements.fetch_all(FOOTPRINT, rules.params(user))
    return _read(row)


def progress(user) -> tuple[Bars, Bar, Footprint]:
    """The learner's bars (as `bars.category_bars`) and footprint, in one statement."""
    rows = statements.fetch_all(PROGRESS, rules.params(user))
    bar_rows = [row[:3] for row in rows if row[0] is not None]
    return *bars.read(bar_rows), _read(rows[0][3:])


def _read(row) -> Footprint:
    return Footprint(
        completions=(row[0], row[1]),
        attempts=(row[2], row[3]),
        sittings=(row[4], row[5]),
        finished_sittings=row[6],
        task_attempts=(row[7], row[8]),
        next_scheduled=from_db_datetime(row[9]),
    )
