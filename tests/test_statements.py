"""The written-out statements run prepared on PostgreSQL (lessons/statements.py), and a
deployment behind a pooler can turn that off."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from tests.test_project import _production_setting

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def without_tokens(html: str) -> str:
    """The page as a reader sees it: without the per-response nonce and CSRF tokens."""
    return re.sub(r"[\w-]{20,}", "", html)


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


@on_postgresql
def test_the_lesson_page_statement_is_prepared_and_answers_the_same(
    alice_client, lessons, django_assert_num_queries
):
    url = reverse("lessons:lesson", args=["services"])
    first = alice_client.get(url).content.decode()
    assert any("'previous'" in statement for statement in prepared_statements())
    with django_assert_num_queries(4):  # still counted as queries: session, user, two
        again = alice_client.get(url).content.decode()
    assert without_tokens(again) == without_tokens(first)
    assert not any("django_session" in statement for statement in prepared_statements())


def test_prepared_statements_are_on_unless_turned_off():
    postgres = {"DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal"}
    options = "DATABASES['default']['OPTIONS'].get('prepare_threshold')"
    assert _production_setting(options, **postgres) == "5"
    off = {**postgres, "DB_PREPARED_STATEMENTS": "False"}
    assert _production_setting(options, **off) == "None"
