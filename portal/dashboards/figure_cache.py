"""Keeping a cohort's figures: in the shared cache for a minute while no learner of theirs
has done anything since, and the last few in this process."""

import hashlib
import time

from django.core.cache import cache

from lessons.models import Completion, QuizAttempt
from portal.dashboards import sql
from portal.groups.scope import LessonColumn

# The two grouped queries read every completion and quiz attempt of the group (about
# 200,000 rows at 1,000 learners x 200 lessons): their results are kept for a minute, the
# time the matrix itself takes to refresh, under a key of the learners, the lessons and
# their sections, with the newest completion and attempt of the portal when they were
# built (the data mark). While newer ones exist but none is by these learners on these
# lessons (one look at the rows added since), the kept figures stand: another group's
# busy evening does not make this one's dashboard work them out again. A lesson done or
# a quiz taken by one of them shows at once, in every worker; a completion undone shows
# within the minute (a post_delete receiver would catch it at once, but it would cost
# "mark done" a query on every undo).
CACHE_SECONDS = 60


def data_mark() -> tuple:
    """The newest completion and quiz attempt, in one query (each read from its key)."""
    return sql.data_mark()


def activity_since(
    kept: tuple, mark: tuple, learner_ids: list[int], scope: list[LessonColumn]
) -> bool:
    """Whether a completion or quiz attempt added after the data mark `kept`, up to
    `mark`, is by one of `learner_ids` on a lesson of `scope`: only the rows added since
    are looked at (a range of the primary key). A newest row gone since (undone) may
    have been theirs: that counts too."""
    (kept_done, kept_tried), (done, tried) = kept, mark
    for newest, then in ((done, kept_done), (tried, kept_tried)):
        if then is not None and (newest is None or newest < then):
            return True
    if done is not None and done != kept_done:
        completions = Completion.objects.filter(
            pk__gt=kept_done or 0,
            pk__lte=done,
            user_id__in=learner_ids,
            lesson_id__in=[lesson.id for lesson in scope],
        )
        if completions.exists():
            return True
    quizzes = [lesson.quiz_id for lesson in scope if lesson.quiz_id]
    if tried is not None and tried != kept_tried and quizzes:
        attempts = QuizAttempt.objects.filter(
            pk__gt=kept_tried or 0, pk__lte=tried, user_id__in=learner_ids, quiz_id__in=quizzes
        )
        return attempts.exists()
    return False


def kept_since(key: str, mark: tuple, learner_ids: list[int], scope: list[LessonColumn]):
    """When the figures kept under `key` were built (their token), if they still hold at
    the data mark `mark`; None when they must be built again."""
    state = cache.get(f"{key}:state")
    if state is None:
        return None
    built_at, kept = state
    if kept == mark:
        return built_at
    remaining = CACHE_SECONDS - (time.time() - built_at)
    if remaining < 1 or activity_since(kept, mark, learner_ids, scope):
        return None
    cache.set(f"{key}:state", (built_at, mark), remaining)  # checked up to here
    return built_at


def read(key: str):
    """What is kept under `key` (None: nothing; check kept_since first)."""
    return cache.get(key)


def keep(key: str, value, mark: tuple) -> float:
    """Keep `value` under `key`, built at the data mark `mark`; its token."""
    built_at = time.time()
    cache.set_many({key: value, f"{key}:state": (built_at, mark)}, CACHE_SECONDS)
    return built_at


def kept(key: str, mark: tuple, learner_ids: list[int], scope: list[LessonColumn], build):
    """The value kept under `key` while it holds (see above), else `build()`'s, kept."""
    if kept_since(key, mark, learner_ids, scope) is not None:
        found = cache.get(key)
        if found is not None:
            return found
    found = build()
    keep(key, found, mark)
    return found


# The last few tallies built, in this process, as they are read (a page of a cohort reads
# them again and again as its instructor scrolls and opens weeks): neither unpickled from
# the cache nor summed again. Each is used only while the cache holds the rows it was
# built from (the same token): another worker may have built them again since.
RECENT: dict[str, tuple[float, object]] = {}
RECENT_SIZE = 8


def remember(key: str, token: float, built: object) -> None:
    if key not in RECENT and len(RECENT) >= RECENT_SIZE:
        del RECENT[min(RECENT, key=lambda k: RECENT[k][0])]
    RECENT[key] = (token, built)


def cache_key(*parts) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"dashboards:tallies:{digest}"
