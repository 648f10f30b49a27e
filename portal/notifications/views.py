"""The account page's mail preferences, and one-click unsubscribe from a mail's link
without logging in (RFC 8058).

The link carries a signed token naming the person and the kind of mail. GET shows a page
with one button; POST turns that kind of mail off. Mail providers post
`List-Unsubscribe=One-Click` to the same address straight from their inbox, with no
cookie and no CSRF token, so the view is exempt from CSRF: the signed token is the
proof, and a post can only turn the token owner's own mail off.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django_htmx.http import trigger_client_event

from lessons.kernel import web
from lessons.kernel.web import HtmxHttpRequest
from portal.models import NotificationPreference, SentMail, User
from portal.notifications import mail, preferences
from portal.notifications.forms import PreferencesForm, zone_suggestions


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user_id, kind = mail.read_unsubscribe_token(token)
        user = User.objects.get(pk=user_id, is_active=True)
    except (signing.BadSignature, User.DoesNotExist):
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    context = {"kind": kind, "kind_label": SentMail.Kind(kind).label, "person": user}
    if request.method == "GET":
        return render(request, "notifications/unsubscribe.html", context)
    field = {
        SentMail.Kind.REMINDER: "reminders",
        SentMail.Kind.DIGEST: "digest",
        SentMail.Kind.NUDGE: "nudges",
        SentMail.Kind.ANSWERS: "answers",
    }.get(kind)
    if field:
        off = "off" if kind == SentMail.Kind.ANSWERS else False
        NotificationPreference.objects.update_or_create(user=user, defaults={field: off})
    return render(request, "notifications/unsubscribe.html", context | {"done": True})


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch; a signed-in person's mails follow the language they
    switch the portal to (the account page can set them apart again)."""
    response = i18n.set_language(request)
    language = request.POST.get("language")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
    ):
        NotificationPreference.objects.update_or_create(
            user=request.user, defaults={"language": language}
        )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HtmxHttpRequest) -> HttpResponse:
    """The account page: the person's mail preferences (reminders, hour, days, time zone,
    language, the digest for instructors, nudges) and a link to their password."""
    chosen = preferences.for_user(request.user)
    form = PreferencesForm(
        request.POST or None,
        initial=PreferencesForm.initial_from(chosen),
        instructs=chosen.instructs,
    )
    context = {"form": form, "zones": zone_suggestions()}
    if request.method == "POST":
        if not form.is_valid():
            return web.invalid_form(
                request, "registration/account.html", "preferences", context, "#preferences"
            )
        form.save(request.user)
        said = _("Your mail preferences are saved.")
        if web.is_partial(request):
            # htmx swaps the answer into the form: the form as saved, saying so (a
            # redirect would be followed and the whole page put inside the form).
            chosen = preferences.for_user(request.user)
            context["form"] = PreferencesForm(
                initial=PreferencesForm.initial_from(chosen), instructs=chosen.instructs
            )
            response = render(
                request, "registration/account.html#preferences", context | {"saved": said}
            )
            return trigger_client_event(response, "portal:announce", {"message": said})
        messages.success(request, said)
        return redirect("account")
    return render(request, "registration/account.html", context)
