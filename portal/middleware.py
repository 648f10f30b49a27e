"""Site-wide request guards: bad bytes are refused, a database outage is a clear 503, and
pages made for one signed-in person are never stored by a cache."""

import logging
from collections.abc import Callable

from django.contrib.auth import SESSION_KEY
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)


class RejectNulBytesMiddleware:
    """PostgreSQL text cannot hold NUL, so a NUL in a path, a field, a cookie (the session
    key is looked up in the database) or a header would otherwise reach a query and fail
    there; no legitimate browser, form or link of the portal ever sends one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or self._has_nul(request.GET) or self._has_nul_header(request):
            return HttpResponseBadRequest("NUL bytes are not allowed.")
        if request.method == "POST" and self._has_nul(request.POST):
            return HttpResponseBadRequest("NUL bytes are not allowed.")
        return self.get_response(request)

    @staticmethod
    def _has_nul_header(request: HttpRequest) -> bool:
        # Cookies arrive in HTTP_COOKIE, so this covers them as well.
        return any(
            "\x00" in value
            for key, value in request.META.items()
            if key.startswith("HTTP_") and isinstance(value, str)
        )

    @staticmethod
    def _has_nul(data) -> bool:
        return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)


class DatabaseUnavailableMiddleware:
    """While the database is unreachable (restarting, failing over), answer 503 with a
    page that says so, at once, instead of a 500; the next request reconnects.

    The answer is marked (`database_unavailable`) so that the layers it passes on its
    way out leave the session alone: a signed-in person's session failed to load, and
    loading it again would turn the 503 into a 500. htmx does not swap a 5xx (see
    `_htmx_head.html`) and shows its toast instead, so an htmx request gets a line of
    text rather than a whole page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        # Django drops the broken connection when the request finishes, so the next
        # request connects afresh.
        logger.warning("Database unavailable: %s", exception)
        if getattr(request, "htmx", False):
            response = HttpResponse(
                "The database is unavailable for a moment; try again in a few seconds.",
                content_type="text/plain; charset=utf-8",
                status=503,
            )
            response["HX-Reswap"] = "none"
        else:
            response = render(request, "503.html", status=503)
        response["Retry-After"] = "5"
        patch_cache_control(response, no_store=True)
        response.database_unavailable = True
        return response


class PrivatePagesMiddleware:
    """Every page a signed-in person gets shows their own records (progress, scores, a
    group's dashboard, its CSV), so no shared cache or proxy may keep it, nor the
    browser's disk once they sign out: `Cache-Control: private, no-store`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(response, "database_unavailable", False):
            return response  # no one's records in it, and the session cannot be read
        # Only a page that read the session can show a person's records; asking the
        # session (already loaded then) rather than request.user adds no query to the
        # pages that never look at who is signed in.
        session = getattr(request, "session", None)
        if session is not None and session.accessed and session.get(SESSION_KEY):
            patch_cache_control(response, private=True, no_store=True)
        return response
