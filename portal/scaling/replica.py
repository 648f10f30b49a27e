"""The instructors' reports read from a replica of the database when DATABASE_REPLICA_URL
is set: the dashboards (the matrix and the cohort views, with their fragments and
drill-downs), the CSV export and the group's exam readiness read the most and may be a
second behind. Everything else, and every write, uses the primary.

Read-your-writes: after any request that may write (POST, PUT, PATCH, DELETE) the browser
carries a cookie, `primary_until`, for REPLICA_PIN_SECONDS, and while it does its reads
stay on the primary, so that "mark done" and the reload that follows never disagree. A
cookie rather than the session or the cache: it needs no write of its own (a session
write is a database write on every POST, and a cached mark would be one more round trip on
every report), it follows the person to whichever web node answers next, and it works for
the sign-in itself, before there is a session to write to. Forging it only reads from the
primary.

Who a request is (the session, the user) and the task queue are always read from the
primary: a person who has just signed in is never signed out by a replica that has not
seen the session yet, whatever the pin says.

A replica that is unreachable or too far behind is passed over and the primary answers
(portal/scaling/replica_health.py).
"""

import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, connections
from django.http import HttpRequest, HttpResponse

from portal.scaling import replica_health

REPLICA = "replica"
PIN_COOKIE = "primary_until"
READS = frozenset({"GET", "HEAD", "OPTIONS"})
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "auth", "contenttypes", "admin", "axes", "django_tasks_db"}
)

_reading_replica: ContextVar[bool] = ContextVar("reads_on_replica", default=False)
_END = object()


def configured() -> bool:
    return REPLICA in settings.DATABASES


def pinned(request: HttpRequest) -> bool:
    """Whether this browser wrote within the last REPLICA_PIN_SECONDS."""
    try:
        return float(request.COOKIES.get(PIN_COOKIE, "0")) > time.time()
    except ValueError:
        return False


def reads_from_replica(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view's reads go to the replica, unless the browser is pinned to the primary or
    the replica may not answer; a replica lost in the middle of the view leaves it to the
    primary, once."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if (
            not configured()
            or request.method not in READS
            or pinned(request)
            or not replica_health.usable()
        ):
            return view(request, *args, **kwargs)
        try:
            response = _run_on_replica(view, request, *args, **kwargs)
        except (OperationalError, InterfaceError):
            if replica_health.ask(afresh=True):
                raise  # the replica answers: it is the primary that failed
            return view(request, *args, **kwargs)
        if response.streaming:
            response.streaming_content = _read_on_replica(response.streaming_content)
        return response

    return wrapper


def _run_on_replica(view: Callable[..., HttpResponse], request: HttpRequest, *args, **kwargs):
    token = _reading_replica.set(True)
    try:
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()  # a TemplateResponse reads while it renders
        return response
    finally:
        _reading_replica.reset(token)


def _read_on_replica(chunks: Iterable) -> Iterator:
    """A streamed response (the CSV) reads as it is sent, after the view has returned."""
    chunks = iter(chunks)
    while True:
        token = _reading_replica.set(True)
        try:
            chunk = next(chunks, _END)
        finally:
            _reading_replica.reset(token)
        if chunk is _END:
            return
        yield chunk


def reading_connection():
    """The connection for written-out SQL that reads (portal/dashboards/sql.py)."""
    return connections[REPLICA] if _reading_replica.get() else connection


class ReplicaRouter:
    """DATABASE_ROUTERS: reads inside a `reads_from_replica` view go to the replica."""

    def db_for_read(self, model, **hints) -> str | None:
        if not _reading_replica.get():
            return None
        meta = model._meta
        if meta.app_label in PRIMARY_ONLY_APPS or meta.label == settings.AUTH_USER_MODEL:
            return None
        return REPLICA

    def db_for_write(self, model, **hints) -> str | None:
        return None

    def allow_relation(self, first, second, **hints) -> bool:
        return True  # the same data, a moment apart

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool | None:
        return False if db == REPLICA else None


class PinAfterWriteMiddleware:
    """Sets the pin cookie on the answer to any request that may have written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in READS and configured():
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                f"{time.time() + seconds:.3f}",
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
