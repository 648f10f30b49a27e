"""How every page of the portal answers a browser and htmx: the one response policy.

- A fragment only for a real htmx request (not a history restore, which needs the whole
  page), and `Vary: HX-Request` on every page so that no cache mixes the two.
- An invalid form posted by htmx: 422 and the form alone, swapped into the form.
- A background post (reading position): a quiet 204 whatever went wrong.
- Any other error is not swapped; static/js/portal.js shows a message for it.
- An htmx request whose session has expired: the whole page goes to the login page and
  comes back to the page the learner was on, never a login form inside a fragment.
"""

import re
from collections.abc import Callable
from contextlib import suppress

from django.conf import settings
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that went through HtmxMiddleware, so `request.htmx` is known."""

    htmx: HtmxDetails


def is_partial(request: HtmxHttpRequest) -> bool:
    """True when the answer should be a fragment rather than the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def render_page(
    request: HtmxHttpRequest, template: str, fragment: str, context: dict, status: int = 200
) -> HttpResponse:
    """The whole page, or only its partial `fragment` for htmx."""
    name = f"{template}#{fragment}" if is_partial(request) else template
    return render(request, name, context, status=status)


def invalid_form(
    request: HtmxHttpRequest, template: str, fragment: str, context: dict, target: str
) -> HttpResponse:
    """A form with errors: 422 with the form again, swapped into the form (`target`, a
    CSS selector) whatever the trigger's hx-target was, or the whole page without htmx."""
    response = render_page(request, template, fragment, context, status=422)
    if is_partial(request):
        response = reswap(retarget(response, target), "outerHTML")
    return response


def login_then_back_to(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """Send a visitor (or an expired session) to log in and then back to `url`. An htmx
    request redirects the whole page, so the login form never lands inside a fragment."""
    response = redirect_to_login(url)
    return HttpResponseClientRedirect(response.url) if request.htmx else response


def page_url(request: HtmxHttpRequest) -> str:
    """The address of the page the learner is on: for htmx, the page that sent the
    request (HX-Current-URL, when it is ours), else the request's own."""
    current = request.htmx.current_url_abs_path if request.htmx else None
    if current and url_has_allowed_host_and_scheme(current, {request.get_host()}):
        return current
    return request.get_full_path()


class HtmxPolicyMiddleware:
    """Adds `Vary: HX-Request` everywhere and turns the login redirect of an htmx request
    (an expired session) into a whole-page redirect back to the learner's page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.login_path = resolve_url(settings.LOGIN_URL)

    def __call__(self, request: HtmxHttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_vary_headers(response, ["HX-Request"])
        if (
            request.htmx
            and response.status_code == 302
            and response["Location"].split("?")[0] == self.login_path
        ):
            response = login_then_back_to(request, page_url(request))
            patch_vary_headers(response, ["HX-Request"])
        return response


class IdConverter:
    """A database id: at most 18 digits, so that a huge number in a URL is a 404 on every
    database instead of an overflow inside a query."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


ID = re.compile(IdConverter.regex)


def parse_id(value: object) -> int | None:
    """A database id from a form or an address (ASCII digits, at most 18 of them), or None:
    "²" passes str.isdigit() but not int(), and 5,000 digits pass neither a database nor
    Python's own limit on converting long numbers."""
    if isinstance(value, str) and ID.fullmatch(value):
        return int(value)
    return None


class BoundedPrefillAdminMixin:
    """The admin prefills an add page from the address (`?lesson=3`) and hands each value
    to its field as it came; a value the field cannot read (`?lesson=²`, `?publish_at=x`,
    5,000 digits) would fail while the page is drawn. Such a value is left out, and
    what remains is the field's own reading of it."""

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        initial = super().get_changeform_initial_data(request)
        return bounded_initial(self.model, initial)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = BoundedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BoundedAutocompleteSelect(AutocompleteSelect):
    """The admin's autocomplete looks up the posted value to show it again beside a form
    error; a value that is not an id (`user=²`) is left out instead of failing there."""

    def optgroups(self, name, value, attr=None):
        ids = [item for item in value if item in ("", None) or parse_id(str(item)) is not None]
        return super().optgroups(name, ids, attr)


def bounded_initial(model, initial: dict) -> dict:
    kept = {}
    for name, value in initial.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.many_to_many:
            ids = [parse_id(item) for item in value]
            if None not in ids:
                kept[name] = ids
        elif field.is_relation:
            if (id_ := parse_id(value)) is not None:
                kept[name] = id_
        else:
            with suppress(ValidationError):
                kept[name] = field.to_python(value)
    return kept
