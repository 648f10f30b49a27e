"""What the progress and readiness pages render of one learner, kept under the learner's
footprint (lessons/sql/footprint.py): read again only once the learner has done,
submitted, sat or tried something since, the catalog changed (lessons.content.kept) or
the next scheduled lesson became visible. A learner's own write moves their footprint,
so the next page they load shows it."""

from collections.abc import Callable
from datetime import datetime

from django.utils import timezone, translation

from lessons.content import kept
from lessons.sql.footprint import Footprint


def kept_for_learner[T](
    name: str,
    user,
    footprint: Footprint,
    mark: str,
    render: Callable[[], T],
    *parts,
    until: Callable[[], datetime | None] | None = None,
) -> T:
    """What `render()` makes for `user` (markup of the portal's templates), kept under
    `mark`, the part of their footprint it shows, in the reader's language and time zone.
    `until()`, asked after `render()`, is a moment from which what was rendered may be out
    of date with nothing in the footprint moving (a mock exam's time running out)."""

    def build() -> tuple[T, datetime | None]:
        value = render()
        moments = [footprint.next_scheduled, until() if until else None]
        return value, min((moment for moment in moments if moment is not None), default=None)

    return kept.kept(
        f"learner-{name}",
        build,
        user.pk,
        mark,
        translation.get_language() or "",
        timezone.get_current_timezone_name(),
        *parts,
    )
