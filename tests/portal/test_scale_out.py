"""Two app servers, one PostgreSQL: the portal keeps no state of its own, so a learner can
sign in on one instance and carry on at the other; sessions, messages and the login
lock-out are shared."""

import http.cookiejar
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from lessons.models import Category, Completion, Lesson
from portal.models import User

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "two-instances-password-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def fast_password_hasher():
    """The servers verify passwords with the default hasher, so users here keep it."""


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    """Static files collected once, as a deployment does before starting its servers."""
    path = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, "STATIC_ROOT": str(path), "DEBUG": "False", "SECRET_KEY": "x" * 60},
        check=True,
    )
    return path


@pytest.fixture(scope="module")
def servers(django_db_setup, static_root):
    """Two gunicorn instances on the test database, started once for the module's tests
    (each test's own rows are flushed between them, as on a real deployment's data)."""
    if connection.vendor != "postgresql":
        pytest.skip("several instances share one PostgreSQL; SQLite is for a single process")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "SECURE_SSL_REDIRECT": "False",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen(
            [gunicorn, "portal.wsgi", "--workers", "1", "--graceful-timeout", "2"]
            + ["--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url in urls:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{url}/readyz", timeout=2)
                    break
                except OSError:
                    time.sleep(0.1)
        yield urls
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture
def instances(transactional_db, servers):
    return servers


class Browser:
    """One browser's cookies, used against any instance."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.jar if c.name == name)

    def get(self, url: str) -> tuple[int, str]:
        try:
            response = self.opener.open(url, timeout=10)
            return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post(self, url: str, data: dict) -> tuple[int, str]:
        data = {**data, "csrfmiddlewaretoken": self.cookie("csrftoken")}
        request = urllib.request.Request(url, urllib.parse.urlencode(data, doseq=True).encode())
        request.add_header("Referer", url)
        try:
            response = self.opener.open(request, timeout=10)
            return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def log_in(self, base: str, username: str, password: str) -> int:
        self.get(f"{base}/accounts/login/")
        return self.post(f"{base}/accounts/login/", {"username": username, "password": password})[0]


@pytest.fixture
def lesson(transactional_db):
    category = Category.objects.create(name="Basic", slug="basic")
    return Lesson.objects.create(
        category=category, title="파드", slug="pods", body="## 파드\n\n본문\n", status="published"
    )


def test_it_carries_a_session_from_one_instance_to_the_other(instances, lesson):
    first, second = instances
    User.objects.create_user("alice", password=PASSWORD)
    browser = Browser()
    assert browser.log_in(first, "alice", PASSWORD) == 200

    status, _ = browser.post(f"{second}/lessons/pods/done/", {"done": "1"})
    assert status == 200
    assert Completion.objects.filter(user__username="alice", lesson=lesson).count() == 1
    for base in instances:
        _, html = browser.get(f"{base}/lessons/pods/")
        assert 'name="done" value="0"' in html, base


def test_it_shows_a_message_set_on_one_instance_on_the_other(instances, lesson):
    first, second = instances
    User.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    Lesson.objects.filter(pk=lesson.pk).update(status="draft")
    browser = Browser()
    browser.log_in(first, "editor", PASSWORD)
    changelist = "/admin/lessons/lesson/"
    browser.get(f"{first}{changelist}")
    browser.opener.addheaders = []
    request_data = {"action": "publish", "_selected_action": [lesson.pk], "index": 0}
    data = urllib.parse.urlencode(
        {**request_data, "csrfmiddlewaretoken": browser.cookie("csrftoken")}, doseq=True
    ).encode()
    no_redirects = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(browser.jar), _NoRedirect()
    )
    request = urllib.request.Request(f"{first}{changelist}", data)
    request.add_header("Referer", f"{first}{changelist}")
    with pytest.raises(urllib.error.HTTPError) as redirect:
        no_redirects.open(request, timeout=10)
    assert redirect.value.code == 302

    _, html = browser.get(f"{second}{changelist}")
    assert "1" in html and ("published" in html or "발행" in html or "게시" in html)
    assert 'class="success"' in html


def test_it_locks_out_across_instances(instances, lesson):
    first, second = instances
    User.objects.create_user("bob", password=PASSWORD)
    browser = Browser()
    for _ in range(5):
        browser.log_in(first, "bob", "wrong-password")
    assert browser.log_in(second, "bob", PASSWORD) == 429


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
