"""One-click unsubscribe from a mail's link, without logging in (RFC 8058).

The link carries a signed token naming the person and the kind of mail. GET shows a page
with one button; POST turns that kind of mail off. Mail providers post
`List-Unsubscribe=One-Click` to the same address straight from their inbox, with no
cookie and no CSRF token, so the view is exempt from CSRF: the signed token is the
proof, and a post can only turn the token owner's own mail off.
"""

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from portal.models import NotificationPreference, SentMail, User
from portal.notifications import mail


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
    }.get(kind)
    if field:
        NotificationPreference.objects.update_or_create(user=user, defaults={field: False})
    return render(request, "notifications/unsubscribe.html", context | {"done": True})
