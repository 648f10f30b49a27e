"""The rules of the written-out statements (lessons/sql/rules.py) agree with the ORM's and
Python's versions of them, on whichever database the suite runs."""

import pytest
from django.db import connection

from lessons.kernel import numbers
from lessons.sql import rules

pytestmark = pytest.mark.django_db


def test_the_percent_rule_rounds_half_up_as_python_does():
    pairs = [(part, whole) for whole in range(61) for part in range(whole + 1)]
    pairs += [(0, 0), (1, 200), (2, 400), (99_995, 100_000), (1, 3), (2, 3), (7, 8)]
    values = ", ".join(f"({part}, {whole})" for part, whole in pairs)
    expression = rules.percent("v.column1", "v.column2")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT v.column1, v.column2, {expression} FROM (VALUES {values}) v")
        found = {(part, whole): percent for part, whole, percent in cursor.fetchall()}
    assert len(found) == len(set(pairs))
    assert {pair: numbers.percent(*pair) for pair in pairs} == found
