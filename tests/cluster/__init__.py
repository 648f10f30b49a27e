"""The portal as several machines on one: PostgreSQL primary and streaming replica,
PgBouncer, Redis, an S3 server, web nodes behind HAProxy and task workers, each a real
process on a spare port (`make cluster`, `make soak`, and the tests that need them)."""
