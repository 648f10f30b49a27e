"""The "needs attention" rules: behind the pace, inactive for a week, or below the pass
mark on a quiz they tried."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

INACTIVE_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class Reason:
    kind: str  # "behind", "inactive" or "below_pass"
    label: str  # short enough for a table cell
    full_label: str = ""  # everything, for the CSV; empty when `label` is already all

    @property
    def in_full(self) -> str:
        return self.full_label or self.label


def is_behind(done: int, expected: int | None) -> bool:
    """Fewer lessons done than the pace expects by today (`expected`; None: no pace)."""
    return expected is not None and done < expected


def is_inactive(last_active: datetime | None, joined_at: datetime, now: datetime) -> bool:
    """No completion, quiz attempt or reading on the group's lessons for INACTIVE_AFTER; a
    learner who has done nothing yet counts from the day they joined."""
    return now - (last_active or joined_at) >= INACTIVE_AFTER


def behind_pace(done: int, expected: int | None) -> Reason | None:
    """is_behind, said."""
    if not is_behind(done, expected):
        return None
    return Reason(
        "behind",
        _("Behind the pace: %(done)d of %(expected)d due lessons done")
        % {"done": done, "expected": expected},
    )


def inactive(last_active: datetime | None, joined_at: datetime, now: datetime) -> Reason | None:
    """is_inactive, said (with the days since)."""
    if not is_inactive(last_active, joined_at, now):
        return None
    since = last_active or joined_at
    days = (now - since).days
    if last_active is None:
        label = ngettext(
            "No activity since joining %(days)d day ago",
            "No activity since joining %(days)d days ago",
            days,
        )
    else:
        label = ngettext("Inactive for %(days)d day", "Inactive for %(days)d days", days)
    return Reason("inactive", label % {"days": days})


def below_pass_mark(failed_lesson_titles: list[str], named: int = 3) -> Reason | None:
    """Quizzes tried whose best score is still below the pass mark (the first `named`
    named, the rest counted, so that the reason stays readable in a table cell)."""
    if not failed_lesson_titles:
        return None
    every = _("Below the pass mark: %(lessons)s") % {"lessons": ", ".join(failed_lesson_titles)}
    more = len(failed_lesson_titles) - named
    if more <= 0:
        return Reason("below_pass", every)
    lessons = ngettext("%(lessons)s and %(n)d more", "%(lessons)s and %(n)d more", more) % {
        "lessons": ", ".join(failed_lesson_titles[:named]),
        "n": more,
    }
    return Reason("below_pass", _("Below the pass mark: %(lessons)s") % {"lessons": lessons}, every)
