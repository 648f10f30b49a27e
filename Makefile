# The portal's two everyday commands: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_URL := postgres://postgres@127.0.0.1:5432/portal
# Compiled modules are kept in __pycache__ (ignored by git), also where the environment
# says not to: then each of `make test`'s processes, and every server and worker its tests
# start, compiled the portal and pytest rewrote the tests again (9 s to collect the suite
# in each process, not 3).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-postgres test-sqlite lint format messages install postgres bench bench-pooled bench-compare faults reload screenshots cluster cluster-stop soak soak-short cluster-packages cluster-capacity

install: $(VENV)/.installed

# uv installs the pinned set (and compiles it, or every process would compile Django as it
# imports it) in 20 s where pip took a minute: the same index, the same pins.
UV_VERSION := 0.13.9

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.txt
	touch $@

# The web server with the task worker beside it (mail goes out through the worker; the
# console shows it) and the reminder scheduler every minute; Ctrl+C stops all three.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py import_lessons fixtures/lessons
	$(BIN)/python manage.py seed_demo
	@$(BIN)/python manage.py db_worker --no-startup-delay & worker=$$!; \
	(while :; do $(BIN)/python manage.py send_reminders -v0 || true; sleep 60; done) & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# PostgreSQL: the one named by DATABASE_URL, else the local server, started if it is down.
postgres:
	@if [ -z "$$DATABASE_URL" ] && ! pg_isready -q -h 127.0.0.1 -p 5432; then \
		echo "Starting the local PostgreSQL server"; \
		pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | tail -n 1) main start; \
		for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; \
	fi

# The whole suite on PostgreSQL and, side by side with it, the server-side suite on SQLite,
# the database `make run` uses (the browser tests drive the same pages whatever the
# database). Each runs in WORKERS processes (pytest-xdist), each with a test database of
# its own. When the SQLite suite ends (the shorter one), the soak's short form
# (tests/cluster/test_soak.py, `make soak-short`: a whole cluster of its own) runs beside
# what is left of PostgreSQL's. PostgreSQL's run prints as it goes, the other two
# (test-artifacts/sqlite.log, soak.log) when all have ended. `make test` fails when any
# of the three does. The slowest tests of each suite are listed at its end.
WORKERS ?= 2
PARALLEL := -n $(WORKERS) --dist worksteal --durations=15
POSTGRES_SUITE = DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(BIN)/pytest $(PARALLEL) --ignore=tests/cluster/test_soak.py
SQLITE_SUITE = DATABASE_URL=sqlite:///$(CURDIR)/test-db.sqlite3 $(BIN)/pytest $(PARALLEL) -m "not browser"
SOAK_SHORT = DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(BIN)/pytest -q -s tests/cluster/test_soak.py
ARTIFACTS := test-artifacts

test: lint postgres cluster-packages
	@mkdir -p $(ARTIFACTS); rm -f $(ARTIFACTS)/sqlite.status $(ARTIFACTS)/soak.status
	@{ $(SQLITE_SUITE) > $(ARTIFACTS)/sqlite.log 2>&1; echo $$? > $(ARTIFACTS)/sqlite.status; \
	   $(SOAK_SHORT) > $(ARTIFACTS)/soak.log 2>&1; echo $$? > $(ARTIFACTS)/soak.status; } & others=$$!; \
	$(POSTGRES_SUITE); postgres_status=$$?; \
	wait $$others; \
	echo "SQLite (the server-side suite):"; cat $(ARTIFACTS)/sqlite.log; \
	echo "The soak's short form:"; cat $(ARTIFACTS)/soak.log; \
	test $$postgres_status -eq 0 && test "$$(cat $(ARTIFACTS)/sqlite.status)" = 0 && \
		test "$$(cat $(ARTIFACTS)/soak.status)" = 0

test-postgres: install postgres
	$(POSTGRES_SUITE)

test-sqlite: install
	$(SQLITE_SUITE)

messages: install
	$(BIN)/python manage.py makemessages --locale ko --locale en --ignore '.venv/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

# Throughput and latency under gunicorn on PostgreSQL, against two floors (tests/bench/).
bench: install postgres
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python tests/bench/bench.py

# Only the PgBouncer rows, each beside the same page without it (tests/bench/pooled.py).
bench-pooled: install postgres cluster-packages
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python tests/bench/pooled.py

# Each bench row, the code at OLD (a commit) against this checkout, served side by side.
bench-compare: install postgres
	@test -n "$(OLD)" || (echo "make bench-compare OLD=<commit>" && exit 2)
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python tests/bench/bench.py --compare $(OLD)

# PostgreSQL (a throw-away server of its own) stopped under load: 503s for everyone, fast,
# recovery, no acknowledged write lost.
faults: install
	$(BIN)/python tests/bench/faults.py

# A deploy under load: gunicorn's graceful reload (HUP) against a restart (TERM).
reload: install
	$(BIN)/python tests/bench/reload.py

# HAProxy and PgBouncer from Debian (the cluster's balancer and pooler), where missing.
cluster-packages:
	@command -v haproxy >/dev/null && command -v pgbouncer >/dev/null || \
		(apt-get update -qq && apt-get install -y -qq haproxy pgbouncer)

# The portal as several machines, on this one (README, "Deploying at scale"): two web
# nodes behind HAProxy, two task workers, PostgreSQL primary and streaming replica,
# PgBouncer, Redis, an S3 server and an SMTP sink, each on a spare port. Prints the
# addresses; Ctrl+C or `make cluster-stop` stops everything.
cluster: install cluster-packages
	$(BIN)/python -m tests.cluster.cluster

cluster-stop:
	@test -f /tmp/portal-cluster.pid && kill -TERM $$(cat /tmp/portal-cluster.pid) || echo "No cluster is running"

# Learners and instructors through the load balancer while a worker is killed mid-task, a
# web node is stopped and restarted and the replica stops replaying; every acknowledged
# write must be there at the end and no reminder sent twice. SOAK_SECONDS (default 240).
soak: install cluster-packages
	$(BIN)/python -m tests.cluster.soak

# The soak's short form as a test (it starts a whole cluster); `make test` runs it once the
# SQLite suite has ended, beside the rest of PostgreSQL's.
soak-short: install cluster-packages postgres
	$(SOAK_SHORT)

# What one web node of the cluster serves, and two behind HAProxy (wrk).
cluster-capacity: install cluster-packages
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m tests.cluster.capacity

# README screenshots, desktop and phone, from the demo data on a throw-away SQLite database.
screenshots: install
	@fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || (apt-get update -qq && apt-get install -y -qq fonts-noto-cjk)
	$(BIN)/python tests/browser/screenshots.py
