"""A learner's attempts at one quiz: the short list the quiz and result pages show under
"Your attempts" (the best score and the newest few), and every attempt, a page at a time,
on the quiz's attempts page.

A learner who retakes a quiz every evening builds a history of hundreds; the quiz page
shows the newest RECENT and links to the rest, so its cost does not grow with it. The
list is numbered from the oldest attempt (1) in both places, whatever part of it shows.
"""

from django.core.paginator import Page, Paginator
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from lessons.content import kept
from lessons.models import Quiz, QuizAttempt
from lessons.sql.attempts import AttemptRow, newest_attempts

RECENT = 10
PER_PAGE = 50
ITEMS = "lessons/_attempt_items.html"
KEPT_SECONDS = 3600


def _lines(quiz: Quiz, attempts: list[AttemptRow]) -> str:
    """The list's lines, each kept under its attempt: rendering them cost more than reading
    them, and a new attempt adds one line. A line's date is in the reader's language and
    time zone, and its link names the lesson's address."""
    scope = ":".join(
        [
            "lessons:attempt-line",
            quiz.lesson.slug,
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
        ]
    )
    keys = {str(attempt.id): f"{scope}:{attempt.id}" for attempt in attempts}
    builds = {
        str(attempt.id): lambda attempt=attempt: str(
            render_to_string(ITEMS, {"lesson": quiz.lesson, "attempts": [attempt]})
        )
        for attempt in attempts
    }
    lines = kept.cached_each(keys, builds, KEPT_SECONDS)
    return "".join(lines[str(attempt.id)] for attempt in attempts)


def attempt_history(user, quiz: Quiz) -> dict:
    """What "Your attempts" shows: the newest RECENT attempts, how many there are in all
    (`attempt_count`, also the newest's number), the best one, and the list's lines. One
    query."""
    if not user.is_authenticated:
        return {"attempts": [], "best": None}
    newest = newest_attempts(user.pk, quiz.pk, RECENT)
    if newest is None:
        return {"attempts": [], "best": None}
    return {
        "attempts": newest.attempts,
        "attempt_lines": mark_safe(_lines(quiz, newest.attempts)),  # noqa: S308 (our template)
        "attempt_count": newest.total,
        "first_number": newest.total,
        "best": QuizAttempt(score=newest.best_score, max_score=newest.best_max_score),
    }


def attempts_page(user, quiz: Quiz, number) -> tuple[Page, int]:
    """One page of the learner's attempts at `quiz` (PER_PAGE, newest first) and the
    attempt number of its first line. A page number that is not there gives the nearest
    page, as the portal's other lists do."""
    attempts = QuizAttempt.objects.filter(user=user, quiz=quiz).order_by("-submitted_at", "-id")
    paginator = Paginator(attempts, PER_PAGE)
    page = paginator.get_page(number)
    return page, paginator.count - page.start_index() + 1
