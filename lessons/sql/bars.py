"""The progress bars: published lessons per category, and how many of them the learner
has done. Sent on its own (`category_bars`) and within the home and lesson pages'
statements (BARS, as a subquery)."""

from dataclasses import dataclass

from lessons.kernel import numbers, statements
from lessons.sql import rules


@dataclass(frozen=True)
class Bar:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return numbers.percent(self.done, self.total)


class Bars(dict[int, Bar]):
    """Bars by category id; a category without published lessons has an empty bar."""

    def __missing__(self, category_id: int) -> Bar:
        return Bar(0, 0)


# Rows: category id, lessons, lessons done.
BARS = f"""
SELECT l.category_id, COUNT(*), COUNT(*) FILTER (WHERE {rules.done("l.id")})
FROM lessons_lesson l
WHERE {rules.VISIBLE}
GROUP BY l.category_id"""  # noqa: S608 (fixed rules; values are parameters)


def read(rows) -> tuple[Bars, Bar]:
    """Bars from BARS's rows, and the overall bar."""
    bars = Bars((category_id, Bar(done, total)) for category_id, total, done in rows)
    overall = Bar(sum(b.done for b in bars.values()), sum(b.total for b in bars.values()))
    return bars, overall


def category_bars(user) -> tuple[Bars, Bar]:
    """Published lessons done per category, and overall, in one aggregate query."""
    return read(statements.fetch_all(BARS, rules.params(user)))
