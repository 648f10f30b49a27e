"""`make screenshots`: fresh README screenshots from the demo data, desktop and phone.

Builds a throw-away SQLite database with the seed lessons and `seed_demo` (whose learners
already have completions and quiz attempts, plus a reading position so home offers to
continue), serves it with `runserver` on a free local port, and writes
static/screenshots/<page>-desktop.png (1280 px) and <page>-phone.png (390 px, where the
bottom bar shows) for home, a lesson, a quiz result, today's review, my progress and the
instructor's dashboard. Stops its server.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

PYTHON = ROOT / ".venv" / "bin" / "python"
OUT = ROOT / "static" / "screenshots"
PASSWORD = "portal-demo-pass"  # seed_demo's published demo password
LEARNER = "seoyeon"
INSTRUCTOR = "teacher"
LESSON = "kubernetes-architecture"
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
STARTUP_SECONDS = 30
# The addresses that depend on the demo data, printed by the project's own shell.
ADDRESSES = f"""
from django.urls import reverse
from lessons.models import Lesson, QuizAttempt, ReadingPosition
from portal.models import StudyGroup, User
learner = User.objects.get(username="{LEARNER}")
done = set(learner.completions.values_list("lesson_id", flat=True))
upcoming = Lesson.objects.published().in_learning_order().exclude(id__in=done).first()
if upcoming:
    ReadingPosition.objects.update_or_create(
        user=learner, lesson=upcoming, defaults={{"section_index": 2}}
    )
attempt = QuizAttempt.objects.filter(user=learner).select_related("quiz__lesson").latest(
    "submitted_at"
)
print(reverse("lessons:quiz_attempt", args=[attempt.quiz.lesson.slug, attempt.pk]))
group = StudyGroup.objects.get(memberships__user__username="{INSTRUCTOR}")
print(reverse("groups:dashboard", args=[group.pk]))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result.stdout


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: {server.stderr.read().decode()}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer within {STARTUP_SECONDS} s")


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")


def shoot(browser, base: str, username: str, pages: dict[str, str]) -> list[Path]:
    written = []
    for size, viewport in SIZES.items():
        context = browser.new_context(viewport=viewport, locale="ko-KR")
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, base, username)
        for name, path in pages.items():
            page.goto(f"{base}{path}")
            page.wait_for_load_state("networkidle")
            target = OUT / f"{name}-{size}.png"
            page.screenshot(path=target, animations="disabled", caret="hide")
            written.append(target)
        context.close()
    return written


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="portal-screenshots-") as folder:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/screenshots.sqlite3",
            "DEBUG": "True",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
        manage(env, "migrate", "--noinput")
        manage(env, "import_lessons", "fixtures/lessons")
        manage(env, "seed_demo")
        printed = manage(env, "shell", "--no-imports", "-c", ADDRESSES).split()
        attempt_url, dashboard_url = printed[-2:]

        server = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            wait_until_up(base, server)
            OUT.mkdir(parents=True, exist_ok=True)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                written = shoot(
                    browser,
                    base,
                    LEARNER,
                    {
                        "home": "/",
                        "lesson": f"/lessons/{LESSON}/",
                        "quiz-result": attempt_url,
                        "review-today": "/review/today/",
                        "my-progress": "/progress/",
                    },
                )
                written += shoot(browser, base, INSTRUCTOR, {"dashboard": dashboard_url})
                browser.close()
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    for path in written:
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
