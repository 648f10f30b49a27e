"""Site-level odds and ends."""

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico on pages (like the admin's) that name no icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
