"""How the portal shows a share: one rounding rule (half up, as people round by hand) for
every percentage on every page, and the SQL that computes a score's percentage."""

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import F, FloatField, Max
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast


def rounded(value: float) -> int:
    """Half up: 12.5 is 13 (Python's round() goes to the even neighbour, 12)."""
    return math.floor(value + 0.5)


def percent(part: float, whole: float) -> int:
    """`part` of `whole` in percent, rounded half up; 0 when there is no whole."""
    return rounded(100 * part / whole) if whole else 0


def passes(score_percent: float, pass_mark: int | None) -> bool:
    """The pass-mark rule: a score in percent, rounded half up, at or above the pass mark
    (none: every score passes). Its SQL is lessons/sql/rules.py's `passes`."""
    return rounded(score_percent) >= (pass_mark or 0)


def hundredths(value: Fraction | float) -> Decimal:
    """A score kept to hundredths, half up (3 of 4 checks of a task: 0.75; 1 of 3: 0.33)."""
    exact = Fraction(value)
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def points(value) -> str:
    """Points as people write them: 14, 14.5, 14.75 (no trailing zeros)."""
    text = f"{hundredths(Fraction(str(value))):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def average(values: list[float]) -> int | None:
    """The mean, rounded half up; None when there is nothing to average."""
    return rounded(sum(values) / len(values)) if values else None


def score_percent(prefix: str = "") -> CombinedExpression:
    """In SQL: an attempt's score in percent, unrounded (`prefix`: the path to the
    attempt, e.g. "attempts__"), so that averages of it agree with `percent`."""
    return Cast(F(f"{prefix}score"), FloatField()) * 100.0 / F(f"{prefix}max_score")


def best_score_percent() -> Max:
    """The best attempt's score as a percentage (attempts are append-only; the best is
    always derived, never stored)."""
    return Max(score_percent(), output_field=FloatField())
