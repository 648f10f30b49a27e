"""Every URL pattern, walked with hostile values: never a 500.

Path parameters get NUL bytes, invalid UTF-8, 10,000 characters, negative and huge
numbers and decomposed Hangul; every page also gets the same values as query strings
(q, page, sort, filter, next). Anonymous visitors, learners and staff all walk them.
"""

import re

import pytest
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
QUERY_KEYS = ["q", "page", "sort", "order", "filter", "category", "next", "learner", "code"]


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


def _assert_no_server_error(client: Client) -> None:
    for value in BAD_VALUES:
        for url in sorted(_urls_with(value)):
            for method in (client.get, client.post):
                response = method(url)
                assert response.status_code < 500, f"{method.__name__.upper()} {url!r}"
            response = client.get(url.split("<")[0], {key: value for key in QUERY_KEYS})
            assert response.status_code < 500, f"GET {url!r} with query {value!r}"


@pytest.mark.django_db
def test_it_never_answers_500_to_visitors(client, lessons):
    _assert_no_server_error(client)


@pytest.mark.django_db
def test_it_never_answers_500_to_learners(alice_client, lessons):
    _assert_no_server_error(alice_client)


@pytest.mark.django_db
def test_it_never_answers_500_to_staff(editor_client, lessons):
    _assert_no_server_error(editor_client)


@pytest.mark.django_db
def test_it_refuses_a_too_large_post_with_400(alice_client, lessons, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = alice_client.post("/lessons/pods/done/", {"done": "1", "pad": "x" * 20_000})
    assert response.status_code in (400, 413)
