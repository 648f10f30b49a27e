"""The calendar page (the learner's secret address, to copy, replace or remove) and the
feed itself, which calendar apps fetch without a session: the token is the key."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.calendars import feed as feeds
from portal.models import CalendarFeed


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The ICS document; 404 for a wrong or revoked token (never a login page)."""
    found = feeds.access_feed(token)
    if found is None:
        raise Http404("No such calendar")
    response = HttpResponse(
        feeds.ics_for(found.user, request.build_absolute_uri),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="study-groups.ics"'
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    found = CalendarFeed.objects.filter(user=request.user).first()
    address = None
    if found:
        address = request.build_absolute_uri(reverse("calendars:feed", args=[found.token]))
    return render(
        request,
        "calendars/calendar.html",
        {
            "address": address,
            "webcal": address and "webcal://" + address.split("://", 1)[1],
            "groups": feeds.learner_groups(request.user),
        },
    )


@require_POST
@login_required
def regenerate(request: HttpRequest) -> HttpResponse:
    had = CalendarFeed.objects.filter(user=request.user).exists()
    feeds.do_regenerate(request.user)
    if had:
        messages.success(
            request, _("Your calendar has a new address; the old one no longer works.")
        )
    else:
        messages.success(request, _("Your calendar address is ready. Add it to your calendar app."))
    return redirect("calendars:page")


@require_POST
@login_required
def revoke(request: HttpRequest) -> HttpResponse:
    if feeds.do_revoke(request.user):
        messages.success(request, _("The calendar address no longer works."))
    else:
        messages.info(request, _("You had no calendar address."))
    return redirect("calendars:page")
