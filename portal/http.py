"""Request type shared by the portal's views."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that went through HtmxMiddleware, so `request.htmx` is known."""

    htmx: HtmxDetails
