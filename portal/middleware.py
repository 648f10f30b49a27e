"""Refuse requests carrying NUL bytes before any view sees them.

PostgreSQL text cannot hold NUL, so a NUL in a path or a field would otherwise reach a
query and fail there; no legitimate form or link of the portal ever sends one.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest


class RejectNulBytesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or self._has_nul(request.GET):
            return HttpResponseBadRequest("NUL bytes are not allowed.")
        if request.method == "POST" and self._has_nul(request.POST):
            return HttpResponseBadRequest("NUL bytes are not allowed.")
        return self.get_response(request)

    @staticmethod
    def _has_nul(data) -> bool:
        return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)
