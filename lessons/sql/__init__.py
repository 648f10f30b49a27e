"""Every statement of `lessons` written out in SQL, in one room.

Why written out: the busiest pages (lesson, home, category) each send one or two
statements, because the ORM's building and compiling of their queries cost more than
running them (the ORM chains they replaced measured 13–48 times slower in process).

How they read:
- `rules.py` holds each rule once in SQL: what a learner may see (`VISIBLE`), what counts
  as done (`done`), what counts as passed (`PASSES`), and the parameters they take. Their
  ORM twins are `lessons.models.visible_now`, `Completion` and `lessons.kernel.numbers.passes`;
  tests/lessons/catalog/page_rules.py states them again, independently, and
  tests/lessons/catalog/test_*_page_state.py hold every statement here to it on both databases.
- Every value is a named parameter (`%(user_id)s`), valid on PostgreSQL (psycopg) and on
  SQLite (Django turns it into `:user_id`); one dict of them serves a whole statement.
- A page's statement is a UNION ALL of rows of a few kinds sharing one row shape; each kind
  has one reader, beside its branch, which says what its columns mean. The first branch
  types every column (PostgreSQL resolves a union's types from it); the others pad with
  plain NULLs.
- Tables are named as the models name them (`lessons_<model>`), so that a statement reads
  as SQL; the page-state tests fail if a model's table moves.

The dual path, decided: one SQL text for both databases. SQLite is the database of
`make run` and of the second test run; the same text on both is what the page-state tests
check, where an ORM path for SQLite would leave the SQLite run checking code production
never runs. The one exception is the LATERAL look-up of the home and category pages'
cards (cards.py): PostgreSQL's planner needs it to see how few rows come, and SQLite has
none, so the statements are built for the connection's vendor when first run (and kept,
one per vendor), never chosen at import time.

On PostgreSQL the statements run prepared (lessons/kernel/statements.py).
"""
