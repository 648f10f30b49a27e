"""A person's mail choices with the defaults filled in.

A choice left open (no row, or None) follows the person's place in the portal: evening
reminders are on for a learner of a group with a pace and off for everyone else; the
weekly digest is on for anyone who runs a group. Saving the form makes a choice of the
boxes they changed; one left as it was shown stays open (someone who set their time zone
before joining a group with a pace still gets its reminders).
"""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from portal.models import Membership, NotificationPreference, SentMail, StudyGroup, User
from portal.models.notifications import DEFAULT_HOUR, DEFAULT_TIME_ZONE, EVERY_DAY


@dataclass(frozen=True)
class Preferences:
    reminders: bool
    hour: int
    weekdays: int  # bit 0 is Monday
    time_zone: str
    language: str
    digest: bool
    nudges: bool
    instructs: bool = False  # runs a group: the digest is offered
    answers: str = "now"  # answers on followed group questions: "now", "evening" or "off"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def on_weekday(self, weekday: int) -> bool:
        return bool(self.weekdays & (1 << weekday))

    def wants(self, kind: str) -> bool:
        return {
            SentMail.Kind.REMINDER: self.reminders,
            SentMail.Kind.DIGEST: self.digest,
            SentMail.Kind.NUDGE: self.nudges,
            SentMail.Kind.ANSWERS: self.answers != "off",
        }.get(kind, True)


def effective(
    row: NotificationPreference | None, *, in_paced_group: bool, instructs: bool
) -> Preferences:
    if row is None:
        return Preferences(
            reminders=in_paced_group,
            hour=DEFAULT_HOUR,
            weekdays=EVERY_DAY,
            time_zone=DEFAULT_TIME_ZONE,
            language=settings.LANGUAGE_CODE,
            digest=instructs,
            nudges=True,
            instructs=instructs,
        )
    return Preferences(
        reminders=in_paced_group if row.reminders is None else row.reminders,
        hour=row.hour,
        weekdays=row.weekdays,
        time_zone=row.time_zone,
        language=row.language,
        digest=instructs if row.digest is None else row.digest,
        nudges=row.nudges,
        instructs=instructs,
        answers=row.answers,
    )


def paced_learner_memberships() -> QuerySet[Membership]:
    return Membership.objects.filter(role=Membership.Role.LEARNER).exclude(
        group__pace=StudyGroup.Pace.NONE
    )


def with_roles(users: QuerySet[User]) -> QuerySet[User]:
    """Users annotated with what the defaults depend on (two EXISTS in the same query)."""
    return users.annotate(
        in_paced_group=Exists(paced_learner_memberships().filter(user_id=OuterRef("pk"))),
        instructs=Exists(
            Membership.objects.filter(user_id=OuterRef("pk"), role=Membership.Role.INSTRUCTOR)
        ),
    )


def for_user(user: User) -> Preferences:
    """One query: the person's row and the two facts the defaults depend on."""
    return for_users([user.pk])[user.pk]


def for_users(user_ids: list[int]) -> dict[int, Preferences]:
    """for_user of many people, in one query."""
    people = with_roles(User.objects.filter(pk__in=user_ids)).select_related(
        "notification_preference"
    )
    chosen = {}
    for person in people:
        try:
            row = person.notification_preference
        except NotificationPreference.DoesNotExist:
            row = None
        chosen[person.pk] = effective(
            row, in_paced_group=person.in_paced_group, instructs=person.instructs
        )
    return chosen
