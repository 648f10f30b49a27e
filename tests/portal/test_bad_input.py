"""Every URL pattern, walked with hostile values: never a 500.

Path parameters get NUL bytes, invalid UTF-8, 10,000 characters, negative and huge
numbers and decomposed Hangul; every page also gets the same values as query strings
(q, page, sort, filter, next), as cookies (session, CSRF, language) and as request
headers (htmx's, language, referrer, forwarding, caching). Anonymous visitors, learners
and staff all walk them, on whichever database the suite runs (`make test` walks
PostgreSQL, `make test-sqlite` SQLite).
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

BAD_VALUES = [
    "\x00",
    "%FF%FE",
    "x" * 10_000,
    "-1",
    "0",
    "99999999999999999999999",
    "\u1100\u1161\u11a8",  # 각, decomposed
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00",
]


def short(value: str) -> str:
    """A readable test id: a value's first characters."""
    return ascii(value)[1:20]


QUERY_KEYS = ["q", "page", "sort", "order", "filter", "category", "next", "learner", "code"]
HEADERS = [
    "HTTP_HX_REQUEST",
    "HTTP_HX_TARGET",
    "HTTP_HX_TRIGGER",
    "HTTP_HX_CURRENT_URL",
    "HTTP_HX_BOOSTED",
    "HTTP_ACCEPT",
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_ACCEPT_ENCODING",
    "HTTP_REFERER",
    "HTTP_ORIGIN",
    "HTTP_USER_AGENT",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_NONE_MATCH",
    "HTTP_RANGE",
]


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _urls_with(value: str) -> set[str]:
    urls = set()
    for route in _walk(get_resolver().url_patterns):
        route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
        url = re.sub(r"<(?:\w+:)?\w+>", lambda _: value, route)
        url = re.sub(r"\(\?P<\w+>[^)]*\)", value, url)
        if "(" in url or "[" in url:
            continue
        urls.add("/" + url)
    return urls


def _assert_no_server_error(client: Client, value: str) -> None:
    for url in sorted(_urls_with(value)):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code < 500, f"{method.__name__.upper()} {url!r}"
        response = client.get(url.split("<")[0], {key: value for key in QUERY_KEYS})
        assert response.status_code < 500, f"GET {url!r} with query {value!r}"


def _cookie_header(value: str, *, with_session: bool) -> str:
    """Cookies as a client may send them: raw, and quoted as curl's -H 'Cookie: a="b"'."""
    names = [settings.CSRF_COOKIE_NAME, settings.SESSION_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME]
    if not with_session:
        names.remove(settings.SESSION_COOKIE_NAME)
    return "; ".join(
        f'{name}="{value}"' if n % 2 else f"{name}={value}" for n, name in enumerate(names)
    )


# A session key is looked up only from eight characters on: hide a NUL in a long one.
HEADER_VALUES = [*BAD_VALUES, "sessionkey\x00" * 3]


def _assert_no_server_error_from_headers(client: Client, value: str, *, with_session: bool):
    urls = sorted(_urls_with("1"))
    # A WSGI server hands headers over as the latin-1 reading of the bytes sent.
    value = value.encode().decode("latin-1")
    headers = dict.fromkeys(HEADERS, value)
    headers["HTTP_COOKIE"] = _cookie_header(value, with_session=with_session)
    if not with_session:
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        headers["HTTP_COOKIE"] += f"; {settings.SESSION_COOKIE_NAME}={cookie.value}"
    for url in urls:
        for method in (client.get, client.post):
            response = method(url, **headers)
            assert response.status_code < 500, f"{method.__name__.upper()} {url!r} {value!r}"


@pytest.mark.django_db
def test_it_refuses_a_nul_byte_in_the_session_cookie(client, lessons):
    response = client.get("/", HTTP_COOKIE='sessionid="aaaa\x00bbbb"')
    assert response.status_code == 400


@pytest.mark.django_db
def test_it_refuses_a_nul_byte_in_a_header(alice_client, lessons):
    response = alice_client.get("/", HTTP_HX_CURRENT_URL="/\x00")
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("value", HEADER_VALUES, ids=short)
def test_it_never_answers_500_to_hostile_cookies_and_headers_from_visitors(client, lessons, value):
    _assert_no_server_error_from_headers(client, value, with_session=True)


@pytest.mark.django_db
@pytest.mark.parametrize("value", HEADER_VALUES, ids=short)
def test_it_never_answers_500_to_hostile_cookies_and_headers_from_learners(
    alice_client, lessons, value
):
    _assert_no_server_error_from_headers(alice_client, value, with_session=False)


@pytest.mark.django_db
@pytest.mark.parametrize("value", HEADER_VALUES, ids=short)
def test_it_never_answers_500_to_hostile_cookies_and_headers_from_staff(
    editor_client, lessons, value
):
    _assert_no_server_error_from_headers(editor_client, value, with_session=False)


@pytest.mark.django_db
@pytest.mark.parametrize("value", BAD_VALUES, ids=short)
def test_it_never_answers_500_to_visitors(client, lessons, value):
    _assert_no_server_error(client, value)


@pytest.mark.django_db
@pytest.mark.parametrize("value", BAD_VALUES, ids=short)
def test_it_never_answers_500_to_learners(alice_client, lessons, value):
    _assert_no_server_error(alice_client, value)


@pytest.mark.django_db
@pytest.mark.parametrize("value", BAD_VALUES, ids=short)
def test_it_never_answers_500_to_staff(editor_client, lessons, value):
    _assert_no_server_error(editor_client, value)


@pytest.mark.django_db
def test_it_refuses_a_too_large_post_with_400(alice_client, lessons, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = alice_client.post("/lessons/pods/done/", {"done": "1", "pad": "x" * 20_000})
    assert response.status_code in (400, 413)
