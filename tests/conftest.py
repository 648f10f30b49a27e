"""Shared test fixtures: the named users (alice, bob, charlie, an editor) and content."""

import os
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from django.test import Client, override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from lessons.models import Category, Lesson
from portal.models import User
from tests.cluster import shared
from tests.helpers import seed
from tests.helpers.mail_fixtures import database_tasks, smtp_mail, smtp_server  # noqa: F401 (fixtures)


def pytest_sessionstart(session):
    shared.worker_started()  # the cluster's builder waits for every worker (tests/cluster)


def pytest_sessionfinish(session, exitstatus):
    shared.worker_finished()
    shared.remove_run_folder()


# Property-based tests (tests/**/test_fuzz_*.py): a bounded number of examples in `make test`;
# HYPOTHESIS_PROFILE=deep searches much longer. Examples share the test's fixtures and
# roll their own writes back (tests/helpers/fuzzing.py), so those health checks do not apply.
_FUZZ = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
hypothesis_settings.register_profile("portal", max_examples=30, **_FUZZ)
hypothesis_settings.register_profile("deep", max_examples=2000, **_FUZZ)
hypothesis_settings.load_profile(os.getenv("HYPOTHESIS_PROFILE", "portal"))


def _flush_by_deleting(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    """Empty the tables after a transactional test with DELETE, not TRUNCATE: TRUNCATE gives
    each of some fifty tables and their indexes new files, about a second of disk work per
    test here, where the tables hold a few thousand rows at most. Foreign keys are deferred
    to the end of the flush's transaction, so the order does not matter."""
    if reset_sequences or not tables:
        return _truncate(self, style, tables, reset_sequences=reset_sequences)
    return ["SET CONSTRAINTS ALL DEFERRED;"] + [
        f"DELETE FROM {self.quote_name(table)};" for table in tables
    ]


_truncate = PostgresOperations.sql_flush
PostgresOperations.sql_flush = _flush_by_deleting


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SEED_FOLDER = "fixtures/lessons"


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache: ids are reused between tests on SQLite, and
    neither a cached page fragment nor a dashboard figure may outlive its test."""
    cache.clear()


@pytest.fixture(autouse=True)
def immediate_tasks():
    """Tasks run inside the test as they are enqueued (Django's immediate backend), so a
    mail a view or command queues is in `mailoutbox` at once. The tests of the queue
    itself switch to the database backend and run the real worker
    (tests/helpers/mail_fixtures.py)."""
    from django.tasks import task_backends
    from django.tasks.backends.immediate import ImmediateBackend

    task_backends["default"] = ImmediateBackend("default", {"QUEUES": ["default"]})
    yield
    del task_backends["default"]


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    # Uploaded files (lesson images) go to a folder of the test's own.
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def bar_numbers(html: str, key) -> str:
    """The numbers shown on the progress bar `key` (a category id or "overall")."""
    match = re.search(
        rf'<div class="bar" id="bar-{key}"[^>]*>.*?<span class="bar-numbers">([^<]*)</span>',
        html,
        re.DOTALL,
    )
    assert match, f"no bar-{key} in the page"
    return match.group(1).strip()


def make_user(username: str, **extra) -> User:
    return User.objects.create_user(
        username, email=f"{username}@example.com", password=f"{username}-password-1", **extra
    )


@pytest.fixture
def alice(db) -> User:
    return make_user("alice", display_name="앨리스")


@pytest.fixture
def bob(db) -> User:
    return make_user("bob", display_name="밥")


@pytest.fixture
def charlie(db) -> User:
    return make_user("charlie")


@pytest.fixture
def editor(db) -> User:
    return make_user("editor", is_staff=True, is_superuser=True)


@pytest.fixture
def alice_client(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def editor_client(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


def make_lesson(category: Category, title: str, position: int = 0, **extra) -> Lesson:
    defaults = {
        "slug": title.lower().replace(" ", "-"),
        "body": f"## {title} 첫 절\n\n본문입니다.\n\n## 두 번째 절\n\n더 읽을거리.\n",
        "status": Lesson.Status.PUBLISHED,
    }
    return Lesson.objects.create(
        category=category, title=title, position=position, **(defaults | extra)
    )


@pytest.fixture
def basic(db) -> Category:
    return Category.objects.create(name="Basic", slug="basic", position=1)


@pytest.fixture
def cka(db) -> Category:
    return Category.objects.create(name="CKA", slug="cka", position=2)


@pytest.fixture
def lessons(basic, cka) -> list[Lesson]:
    """Three published lessons in Basic, one in CKA, and a draft in Basic."""
    return [
        make_lesson(basic, "Pods", 1),
        make_lesson(basic, "Services", 2),
        make_lesson(basic, "Volumes", 3),
        make_lesson(cka, "Architecture", 1),
        make_lesson(basic, "Secret draft", 4, status=Lesson.Status.DRAFT),
    ]


@pytest.fixture
def english(settings):
    """The English UI, for tests that read the wording a user sees (the Korean UI is
    test_i18n.py's area)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def hand_made(alice, bob, charlie, basic, cka):
    """A small study group whose dashboard numbers were worked out by hand."""
    from tests.helpers.groups import build_hand_made

    return build_hand_made(alice, bob, charlie, basic, cka)


@pytest.fixture
def room(alice, bob, charlie, basic):
    """A study group asking about a lesson (tests/helpers/discussion_fixtures.py)."""
    from tests.helpers.discussion_fixtures import build_room

    return build_room(alice, bob, charlie, basic)


def import_seed_lessons() -> None:
    call_command("import_lessons", SEED_FOLDER, verbosity=0)


def seed_demo_group() -> None:
    call_command("seed_demo", allow_production=True, verbosity=0)


@pytest.fixture(scope="session")
def seed_lessons_snapshot(django_db_setup, django_db_blocker) -> seed.Snapshot:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        return seed.take(import_seed_lessons)


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker) -> seed.Snapshot:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        return seed.take(import_seed_lessons, relative_to_now=seed_demo_group)


@pytest.fixture
def seed_lessons(db, seed_lessons_snapshot) -> None:
    """The seed lessons with their quizzes and exams, as `import_lessons fixtures/lessons`
    leaves them (imported once per process, see tests/helpers/seed.py)."""
    seed_lessons_snapshot.restore()
