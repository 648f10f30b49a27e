"""The "needs attention" rules: behind the pace, inactive for a week, or below the pass
mark on a quiz they tried; a new member's first week of grace; and the ranked list of
whom to reach out to first, each with the reason in words.

A member who joined less than GRACE ago is not judged by the pace yet (the lessons due
before they came are not "behind"), and inactivity counts from the day they joined, so
nobody is flagged on the day they join. A quiz below the pass mark is flagged at once:
they tried it, and it says where help is needed.

The ranking puts first who is furthest behind the pace, then who has been away longest,
then who failed the most quizzes: the order an instructor would call them in.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

INACTIVE_AFTER = timedelta(days=7)
GRACE = timedelta(days=7)
# How each reason looks (the design system's status chips), here and in the table.
CHIP = {"behind": "warn", "inactive": "warn", "below_pass": "bad"}
# How many learners the ranked list shows; the rest are counted ("and 40 more").
TOP = 10


@dataclass(frozen=True)
class Reason:
    kind: str  # "behind", "inactive" or "below_pass"
    label: str  # short enough for a table cell
    full_label: str = ""  # everything, for the CSV; empty when `label` is already all
    count: int = 0  # how many quizzes, for "below_pass"

    @property
    def in_full(self) -> str:
        return self.full_label or self.label


def in_grace(joined_at: datetime | None, now: datetime | None) -> bool:
    """A member in their first week: not judged by the pace yet."""
    return joined_at is not None and now is not None and now - joined_at < GRACE


def is_behind(
    done: int,
    expected: int | None,
    joined_at: datetime | None = None,
    now: datetime | None = None,
) -> bool:
    """Fewer lessons done than the pace expects by today (`expected`; None: no pace), for
    a member past their week of grace (given `joined_at` and `now`)."""
    return expected is not None and done < expected and not in_grace(joined_at, now)


def is_inactive(last_active: datetime | None, joined_at: datetime, now: datetime) -> bool:
    """No completion, quiz attempt or reading on the group's lessons for INACTIVE_AFTER; a
    learner who has done nothing yet counts from the day they joined."""
    return now - (last_active or joined_at) >= INACTIVE_AFTER


def behind_pace(
    done: int,
    expected: int | None,
    joined_at: datetime | None = None,
    now: datetime | None = None,
) -> Reason | None:
    """is_behind, said."""
    if not is_behind(done, expected, joined_at, now):
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
    count = len(failed_lesson_titles)
    if more <= 0:
        return Reason("below_pass", every, count=count)
    lessons = ngettext("%(lessons)s and %(n)d more", "%(lessons)s and %(n)d more", more) % {
        "lessons": ", ".join(failed_lesson_titles[:named]),
        "n": more,
    }
    return Reason(
        "below_pass", _("Below the pass mark: %(lessons)s") % {"lessons": lessons}, every, count
    )


def failed_count(reasons: list[Reason]) -> int:
    return sum(reason.count for reason in reasons if reason.kind == "below_pass")


@dataclass(frozen=True)
class Concern:
    """A learner who needs attention, with what ranks them."""

    learner: Any  # matrix.Learner: user_id, username, name, joined_at, last_active
    behind: int  # lessons behind the pace (0: not behind, or in their week of grace)
    idle_days: int  # days without activity, once inactive (0: active this week)
    failed: int  # quizzes tried and below the pass mark
    never_active: bool = False

    @property
    def rank_key(self) -> tuple:
        return (-self.behind, -self.idle_days, -self.failed, self.learner.name.casefold())

    @property
    def reasons(self) -> list[Reason]:
        """Why, in words, most pressing first (as status chips: kind and label)."""
        said = []
        if self.behind:
            said.append(
                Reason(
                    "behind",
                    ngettext(
                        "%(n)d lesson behind the pace",
                        "%(n)d lessons behind the pace",
                        self.behind,
                    )
                    % {"n": self.behind},
                )
            )
        if self.idle_days:
            if self.never_active:
                label = ngettext(
                    "No activity since joining %(days)d day ago",
                    "No activity since joining %(days)d days ago",
                    self.idle_days,
                )
            else:
                label = ngettext(
                    "Inactive for %(days)d day", "Inactive for %(days)d days", self.idle_days
                )
            said.append(Reason("inactive", label % {"days": self.idle_days}))
        if self.failed:
            said.append(
                Reason(
                    "below_pass",
                    ngettext(
                        "%(n)d quiz below the pass mark",
                        "%(n)d quizzes below the pass mark",
                        self.failed,
                    )
                    % {"n": self.failed},
                    count=self.failed,
                )
            )
        return said

    @property
    def chips(self) -> list[tuple[str, str]]:
        """(css, label) of each reason, as the dashboard's table shows them."""
        return [(CHIP[reason.kind], reason.label) for reason in self.reasons]


def concern(learner, done: int, failed: int, expected: int | None, now: datetime) -> Concern | None:
    """The learner's concern by the rules above; None when they need no attention."""
    behind = (expected - done) if is_behind(done, expected, learner.joined_at, now) else 0
    idle = 0
    if is_inactive(learner.last_active, learner.joined_at, now):
        idle = (now - (learner.last_active or learner.joined_at)).days
    if not (behind or idle or failed):
        return None
    return Concern(learner, behind, idle, failed, learner.last_active is None)


def ranked(concerns: Iterable[Concern | None]) -> list[Concern]:
    """Those who need attention, whom to reach out to first at the top."""
    return sorted((c for c in concerns if c is not None), key=lambda c: c.rank_key)


@dataclass(frozen=True)
class AttentionList:
    """The top of the ranked list and how many more there are."""

    top: list[Concern]
    total: int
    behind: int  # how many of all are behind the pace (the "nudge everyone behind" button)

    @property
    def more(self) -> int:
        return self.total - len(self.top)


def attention_list(concerns: Iterable[Concern | None], top: int = TOP) -> AttentionList:
    every = ranked(concerns)
    return AttentionList(every[:top], len(every), sum(1 for c in every if c.behind))
