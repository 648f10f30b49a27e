"""A replica that is unreachable or too far behind leaves the reports to the primary, and
a healthy one is asked how it is at most once per REPLICA_CHECK_SECONDS per process, not
once per report (tests/portal/scaling/test_replica.py has the same against a real one)."""

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from portal.scaling import replica, replica_health


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


class Replica:
    """What `lag_seconds` would find: a lag, or no answer at all."""

    def __init__(self) -> None:
        self.lag = 0.0
        self.down = False
        self.asked = 0

    def lag_seconds(self) -> float:
        self.asked += 1
        if self.down:
            raise OperationalError("connection refused")
        return self.lag


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(replica_health, "time", clock)
    return clock


@pytest.fixture
def standby(monkeypatch, settings, clock) -> Replica:
    settings.REPLICA_CHECK_SECONDS = 5
    settings.DATABASE_REPLICA_MAX_LAG = 30
    fake = Replica()
    monkeypatch.setattr(replica_health, "lag_seconds", fake.lag_seconds)
    monkeypatch.setattr(replica_health, "_close", lambda: None)
    monkeypatch.setattr(replica, "configured", lambda: True)
    replica_health.forget()
    yield fake
    replica_health.forget()


@replica.reads_from_replica
def report(request) -> HttpResponse:
    """Says where it read from; fails on a replica that has gone away."""
    on_replica = replica._reading_replica.get()
    if on_replica and request.replica_gone:
        raise OperationalError("server closed the connection unexpectedly")
    return HttpResponse("replica" if on_replica else "primary")


def get(replica_gone: bool = False) -> str:
    request = RequestFactory().get("/groups/1/dashboard/")
    request.replica_gone = replica_gone
    return report(request).content.decode()


def test_a_healthy_replica_answers_and_is_asked_once_per_interval(standby, clock):
    assert [get() for _ in range(50)] == ["replica"] * 50
    assert standby.asked == 1  # no query of its own for the other 49 reports
    clock.now += 4.9
    get()
    assert standby.asked == 1
    clock.now += 0.2
    get()
    assert standby.asked == 2


def test_a_replica_that_cannot_be_reached_leaves_the_reports_to_the_primary(standby, clock):
    standby.down = True
    assert [get() for _ in range(20)] == ["primary"] * 20
    assert standby.asked == 1
    standby.down = False  # back: the reports return to it at the next check
    clock.now += 5.1
    assert get() == "replica"


def test_a_replica_too_far_behind_leaves_the_reports_to_the_primary(standby, clock, settings):
    standby.lag = 31
    assert get() == "primary"
    standby.lag = 29
    clock.now += 5.1
    assert get() == "replica"
    settings.DATABASE_REPLICA_MAX_LAG = 0  # no limit: however far behind
    standby.lag = 3600
    clock.now += 5.1
    assert get() == "replica"


def test_a_replica_lost_between_two_checks_is_read_again_from_the_primary(standby):
    assert get() == "replica"
    standby.down = True
    assert get(replica_gone=True) == "primary"
    assert get() == "primary"  # and stays passed over until the next check
    assert standby.asked == 2


def test_a_failure_of_the_primary_while_the_replica_answers_is_not_hidden(standby):
    with pytest.raises(OperationalError):
        get(replica_gone=True)  # the replica answers the check: the error was not its own


def test_a_pinned_browser_never_waits_for_the_check(standby):
    request = RequestFactory().get("/groups/1/dashboard/")
    request.COOKIES[replica.PIN_COOKIE] = "9999999999"
    request.replica_gone = False
    assert report(request).content == b"primary"
    assert standby.asked == 0
