"""Running the portal's written-out statements (lessons/sql/): on PostgreSQL as prepared
statements.

Profiled, PostgreSQL spent longer planning the home page's statement (about 3 ms) than
running it. A prepared statement is parsed once per connection, and PostgreSQL plans it
again for new parameters only while that pays. Django's ORM binds parameters on the client,
which psycopg never prepares; these few statements are sent with server-side binding and
ask to be prepared (settings.py lets psycopg prepare, which Django turns off by default).
On SQLite they run as any other query.
"""

from django.db import connection
from django.db.backends.postgresql.base import ServerBindingCursor


def fetch_all(sql: str, params: dict) -> list[tuple]:
    """The rows of `sql` with `params` (named: `%(name)s`), through Django's cursor
    wrapper, so that errors, query logging and query budgets in tests see it."""
    with _cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class PreparedCursor(ServerBindingCursor):
    """A psycopg cursor that binds parameters on the server and prepares what it runs."""

    def execute(self, query, params=None, *, prepare=True, **kwargs):
        return super().execute(query, params, prepare=prepare, **kwargs)


def _cursor():
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = PreparedCursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)
