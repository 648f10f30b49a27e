"""A learner's attempts at one quiz, as the quiz and result pages list them ("Your
attempts"): every attempt, newest first, under the best score.

A learner who retakes a quiz every evening builds a list of hundreds, and rendering it
cost more than the rest of the page. Attempts are only ever added, so the rendered list
is kept per learner and quiz under the number of attempts and the newest one's id, read
with the page's one query of the rows; a new attempt renders only its own line, in
front of the list kept before it. The best score is worked out from the rows each time.
"""

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from lessons.kernel import numbers
from lessons.models import Quiz, QuizAttempt
from lessons.progress.tracking import plain_rows
from lessons.sql.rules import from_db_datetime

KEPT_SECONDS = 3600
ITEMS = "lessons/_attempt_items.html"


def _key(user_id: int, quiz: Quiz, count: int, newest: int) -> str:
    # The dates are written in the reader's language and time zone; the links name the
    # lesson's address.
    return ":".join(
        [
            "lessons:attempt-items",
            str(user_id),
            str(quiz.pk),
            quiz.lesson.slug,
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
            str(count),
            str(newest),
        ]
    )


def _attempts(rows: list[tuple]) -> list[QuizAttempt]:
    return [
        QuizAttempt(
            id=pk,
            score=score,
            max_score=max_score,
            passed=bool(passed),
            submitted_at=from_db_datetime(submitted_at),
        )
        for pk, score, max_score, passed, submitted_at in rows
    ]


def _ranking(row: tuple) -> tuple[int, int]:
    """What makes an attempt the best: its percent (as QuizAttempt.percent has it), then
    its score."""
    return numbers.percent(row[1], row[2]), row[1]


def _kept_list(user_id: int, quiz: Quiz, rows: list[tuple]) -> tuple[str, tuple]:
    """The list's lines for `rows` (newest first) and the best row, kept; the lines of
    all but the newest come from what was kept before the newest was added, when that is
    there."""
    key = _key(user_id, quiz, len(rows), rows[0][0])
    found = cache.get(key)
    if found is not None:
        return found
    context = {"lesson": quiz.lesson}
    before, before_key = None, None
    if len(rows) > 1 and rows[0][0] > max(row[0] for row in rows[1:]):
        before_key = _key(user_id, quiz, len(rows) - 1, rows[1][0])
        before = cache.get(before_key)
    if before is not None:
        items, best = before
        items = render_to_string(ITEMS, context | {"attempts": _attempts(rows[:1])}) + items
        best = max(rows[0], best, key=_ranking)  # the newest wins a tie, as max() over all
    else:
        items = render_to_string(ITEMS, context | {"attempts": _attempts(rows)})
        best = max(rows, key=_ranking)
    cache.set(key, (str(items), best), KEPT_SECONDS)
    if before is not None:
        cache.delete(before_key)  # never read again: one list per learner and quiz is kept
    return str(items), best


def attempt_history(user, quiz: Quiz) -> dict:
    """What "Your attempts" shows of the learner's attempts at `quiz`: whether there are
    any, the best one, and the list's lines (`attempt_items`). One query."""
    if not user.is_authenticated:
        return {"attempts": [], "best": None}
    rows = plain_rows(
        QuizAttempt.objects.filter(user=user, quiz=quiz).values_list(
            "id", "score", "max_score", "passed", "submitted_at"
        )
    )
    if not rows:
        return {"attempts": [], "best": None}
    items, best = _kept_list(user.pk, quiz, rows)
    return {
        "attempts": rows,
        "best": _attempts([best])[0],
        "attempt_items": mark_safe(items),  # noqa: S308 (markup rendered by the portal's template)
    }
