"""Every statement of `portal` written out in SQL: the figures of a cohort's dashboard.

A cohort's figures fold every quiz attempt of its learners (about 200,000 at 1,000
learners × 200 lessons) into a few thousand rows, in the database. The best score per
learner and quiz is the ORM's query (`figures.py`: its IN lists of ids are what the ORM
writes well on both databases); the statements here fold its rows, with the pass-mark rule
as `lessons` writes it once for SQL (`lessons.sql.rules.passes`; its Python twin is
`lessons.kernel.numbers.passes`, which the matrix's cells use). The dual path, decided:
one SQL text for both databases, as in `lessons/sql/`, so that the tests on SQLite check
what PostgreSQL runs. Only integers read from the database (ids, pass marks, indexes) are
written into them; every other value is the inner query's parameter.
"""

from collections.abc import Iterable

from lessons.sql import rules
from portal.scaling.replica import reading_connection

# The newest completion and quiz attempt of the portal (each read from its key): the data
# mark under which a cohort's figures are kept (figure_cache.py).
DATA_MARK = """
SELECT (SELECT MAX(id) FROM lessons_completion), (SELECT MAX(id) FROM lessons_quizattempt)"""


def data_mark() -> tuple:
    with reading_connection().cursor() as cursor:
        cursor.execute(DATA_MARK)
        return cursor.fetchone()


def _case(column: str, values: Iterable[tuple[int, Iterable[int]]], default: int) -> str:
    """CASE mapping `column`'s ids to a number: `values` is (number, ids) pairs."""
    whens = " ".join(
        f"WHEN {column} IN ({', '.join(str(int(x)) for x in ids)}) THEN {int(number)}"
        for number, ids in values
        if ids
    )
    return f"CASE {whens} ELSE {int(default)} END" if whens else str(int(default))


def attempts_per_part(
    best_per_quiz: str, parts: dict[int, list[int]], marks: dict[int, list[int]], by_learner: bool
) -> str:
    """Over `best_per_quiz`'s rows (user_id, quiz_id, best, last): per learner (or, without
    `by_learner`, for all of them as user 0) and part (`parts`: index: quiz ids; -1 for
    the rest), the quizzes tried, the sum of their best scores, how many are below the pass
    mark (`marks`: mark: quiz ids; 0 for the rest), and the last attempt."""
    user = "user_id" if by_learner else "0"
    return f"""
SELECT {user}, part, COUNT(*), SUM(best),
  SUM(CASE WHEN {rules.passes("best", "mark")} THEN 0 ELSE 1 END), MAX(last)
FROM (
  SELECT user_id, {_case("quiz_id", parts.items(), -1)} AS part,
    {_case("quiz_id", marks.items(), 0)} AS mark, best, last
  FROM ({best_per_quiz}) best_per_quiz
) scored
GROUP BY {"user_id, part" if by_learner else "part"}"""  # noqa: S608 (integers; values are parameters)


def below_pass_mark(best_per_quiz: str) -> str:
    """The (user_id, quiz_id) of `best_per_quiz`'s rows (user_id, quiz_id, pass mark,
    best) whose best score is below the quiz's pass mark."""
    return f"""
SELECT user_id, quiz_id FROM ({best_per_quiz}) b
WHERE NOT ({rules.passes("b.best", "b.pass_mark")})"""  # noqa: S608 (no value inside)


def rows(sql: str, params) -> list[tuple]:
    with reading_connection().cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
