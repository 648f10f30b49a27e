"""A learner's attempts at one quiz, as the quiz and result pages list them ("Your
attempts"): every attempt, newest first, under the best score.

A learner who retakes a quiz every evening builds a list of hundreds, and rendering it
cost more than the rest of the page. Attempts are only ever added, so the list is kept
rendered in blocks of CHUNK attempts counted from the oldest: a full block never
changes, and a new attempt renders only the newest block again. Each block is kept under
the ids of its attempts (with its best attempt), so any web process, sharing the cache
or not, renders a block at most once; the page's one query reads the rows as tuples.
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
CHUNK = 50
ITEMS = "lessons/_attempt_items.html"


def _key(user_id: int, quiz: Quiz, block: list[tuple]) -> str:
    # The dates are written in the reader's language and time zone; the links name the
    # lesson's address. A tuple of ints hashes the same in every process.
    ids = tuple(row[0] for row in block)
    return ":".join(
        [
            "lessons:attempt-items",
            str(user_id),
            str(quiz.pk),
            quiz.lesson.slug,
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
            str(ids[0]),
            str(len(ids)),
            str(hash(ids)),
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


def _block(user_id: int, quiz: Quiz, block: list[tuple], newest: bool) -> tuple[str, tuple]:
    """The lines of `block` (oldest first), newest first, and its best row, kept. The
    newest block, rendered again, lets go of what was kept before its newest attempt."""
    key = _key(user_id, quiz, block)
    found = cache.get(key)
    if found is not None:
        return found
    shown = block[::-1]
    items = render_to_string(ITEMS, {"lesson": quiz.lesson, "attempts": _attempts(shown)})
    kept = (str(items), max(shown, key=_ranking))  # the newest wins a tie
    cache.set(key, kept, KEPT_SECONDS)
    if newest and len(block) > 1:
        cache.delete(_key(user_id, quiz, block[:-1]))
    return kept


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
    oldest_first = rows[::-1]
    parts, best = [], None
    for start in range(0, len(oldest_first), CHUNK):
        block = oldest_first[start : start + CHUNK]
        items, block_best = _block(user.pk, quiz, block, start + CHUNK >= len(oldest_first))
        parts.append(items)
        if best is None or _ranking(block_best) >= _ranking(best):
            best = block_best  # a newer block wins a tie, as max() over the list would
    return {
        "attempts": rows,
        "best": _attempts([best])[0],
        "attempt_items": mark_safe("".join(reversed(parts))),  # noqa: S308 (our template)
    }
