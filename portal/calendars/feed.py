"""The ICS document of a learner's due dates: one all-day event per group and due date
naming the lessons due that day, built and escaped by `icalendar` (RFC 5545).

Each event's UID is the group and the day, so a calendar app that fetches the feed again
updates the events it has instead of adding copies; a pace that moves a date removes the
old day's event and adds the new one.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from itertools import groupby

import icalendar
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.models import CalendarFeed, Membership, StudyGroup, User
from portal.today.week import plans_of

PRODID = "-//Study Portal//Group due dates//KO"
UID_DOMAIN = "study-portal"
# How often a calendar app should fetch the feed again (RFC 7986 and the de facto header
# that Apple and Google read).
REFRESH = timedelta(hours=6)


def access_feed(token: str) -> CalendarFeed | None:
    """The feed of this secret token, with its owner; None for a wrong or revoked one, or
    one whose account was deactivated (it no longer sees the groups)."""
    if not token or len(token) > 64:
        return None
    feeds = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True)
    return feeds.first()


def do_regenerate(user: User) -> CalendarFeed:
    """A new secret address; the old one, if any, stops working at once."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = CalendarFeed._meta.get_field("token").default()
        feed.save(update_fields=["token", "created_at"])
    return feed


def do_revoke(user: User) -> bool:
    """No address any more; True when there was one."""
    deleted, _count = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)


def learner_groups(user: User) -> QuerySet[StudyGroup]:
    return StudyGroup.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.LEARNER
    ).order_by("name", "id")


def ics_for(user: User, absolute: Callable[[str], str]) -> bytes:
    """The learner's calendar; `absolute` turns a path into a full address."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Study group due dates"))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
    groups = list(learner_groups(user))
    plans = plans_of(groups, timezone.localdate())
    for group in groups:
        for day, lessons in groupby(plans[group.pk], key=lambda lesson: lesson.due_on):
            calendar.add_component(_event(group, day, list(lessons), stamp, absolute))
    return calendar.to_ical()


def _event(
    group: StudyGroup, day: date, lessons: list, stamp: datetime, absolute
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"group-{group.pk}-{day:%Y%m%d}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add(
        "summary",
        ngettext(
            "%(group)s: %(count)d lesson due",
            "%(group)s: %(count)d lessons due",
            len(lessons),
        )
        % {"group": group.name, "count": len(lessons)},
    )
    lines = [
        f"• {lesson.title} {absolute(reverse('lessons:lesson', args=[lesson.slug]))}"
        for lesson in lessons
    ]
    event.add("description", "\n".join(lines))
    event.add("url", absolute(group.get_absolute_url()))
    return event
