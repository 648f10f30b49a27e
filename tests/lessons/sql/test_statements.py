"""The written-out statements run prepared on PostgreSQL (lessons/kernel/statements.py), and a
deployment behind a pooler can turn that off."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from lessons.catalog import category_page, home_page
from lessons.kernel import statements
from lessons.models import Lesson
from tests.portal.test_project import _production_setting

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


def _generic_plan_cost(sql: str, params: dict) -> float:
    """The estimated cost of the plan PostgreSQL keeps for a prepared statement (its
    generic plan), which decides whether each run is compiled by the JIT first."""
    names: list[str] = []

    def number(match: re.Match) -> str:
        if match[1] not in names:
            names.append(match[1])
        return f"${names.index(match[1]) + 1}"

    prepared = re.sub(r"%\((\w+)\)s", number, sql)
    values = [params[name] for name in names]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE costed AS {prepared}")
        try:
            placeholders = ", ".join(["%s"] * len(values))
            cursor.execute(f"EXPLAIN (FORMAT JSON) EXECUTE costed({placeholders})", values)
            return cursor.fetchone()[0][0]["Plan"]["Total Cost"]
        finally:
            cursor.execute("DEALLOCATE costed")


@on_postgresql
@pytest.mark.django_db
def test_the_home_and_category_statements_stay_cheap_to_plan_at_5000_lessons(
    alice, basic, cka, monkeypatch
):
    """Above `jit_above_cost` PostgreSQL compiles a statement before each run: 65 ms of a
    home page that otherwise takes 2 ms. The planner must see how few cards come."""
    Lesson.objects.bulk_create(
        Lesson(
            category=basic if n % 5 else cka,
            title=f"Lesson {n}",
            slug=f"lesson-{n}",
            body="본문",
            status=Lesson.Status.PUBLISHED,
            position=n,
        )
        for n in range(5_000)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Lesson._meta.db_table}")
        cursor.execute("SHOW jit_above_cost")
        threshold = float(cursor.fetchone()[0])
    sent = []
    real = statements.fetch_all

    def keep(sql: str, params: dict) -> list[tuple]:
        sent.append((sql, params))
        return real(sql, params)

    monkeypatch.setattr(statements, "fetch_all", keep)
    home_page.home_page(alice, 10)
    category_page.category_page(alice, "basic", 50, "40")
    assert len(sent) == 2
    for sql, params in sent:
        assert _generic_plan_cost(sql, params) < threshold / 10
