"""`make bench`: the portal under gunicorn on PostgreSQL at a realistic size, driven by wrk.

Builds a fresh database `portal_bench` (1,000 lessons, 2,000 learners, 100,000
completions, a 200-learner x 100-lesson study group), serves it with gunicorn (production
settings, `gthread` workers as the README serves it; BENCH_WORKER_CLASS=sync for the old
way), checks that slow clients do not hold up /healthz, measures each endpoint and the
floors in the same run, prints a table and writes bench-results/bench.json.
"""

import http.cookiejar
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from tests/bench/
    sys.path.insert(0, str(ROOT))

from pooled import pooled_rows, print_row  # noqa: E402 (tests/bench/pooled.py, beside this file)

from tests.cluster import seed  # noqa: E402 (the cluster's seeding, shared)

BIN = ROOT / ".venv" / "bin"
PORT = int(os.environ.get("BENCH_PORT", "8311"))
BASE = f"http://127.0.0.1:{PORT}"
DATABASE = os.environ.get("BENCH_DATABASE", "portal_bench")
DURATION = os.environ.get("BENCH_SECONDS", "10")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "4")
WORKERS = os.environ.get("BENCH_WORKERS", "2")
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "gthread")
THREADS = os.environ.get("BENCH_THREADS", "8")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
LESSON = "kubernetes-overview"
ENV = {
    **os.environ,
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
    "DEBUG": "False",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "False",
    "SESSION_COOKIE_SECURE": "False",
    "CSRF_COOKIE_SECURE": "False",
    # The "post an answer" row posts far faster than a member may (portal/discussions).
    "DISCUSSION_POSTS_PER_WINDOW": "100000000",
    "SECURE_HSTS_SECONDS": "0",
    "BENCH_FLOORS": "True",
    "DB_CONN_MAX_AGE": "60",
    "LOG_LEVEL": "ERROR",
}


def manage(*args: str, root: Path = ROOT, env: dict | None = None) -> str:
    """`manage.py args` of the code at `root` (this checkout) on the database of `env`."""
    return seed.manage(env or ENV, *args, root=root)


def psql(sql: str, database: str = "postgres") -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-qc", sql],
        check=True,
        env=ENV,
    )


def prepare_database(database: str = DATABASE, root: Path = ROOT, env: dict | None = None) -> dict:
    for sql in (f"DROP DATABASE IF EXISTS {database}", f"CREATE DATABASE {database}"):
        psql(sql)
    on = {"root": root, "env": env or ENV}
    manage("migrate", "--noinput", **on)
    manage("collectstatic", "--noinput", **on)
    seed.lessons(on["env"], root=root)
    group = manage(
        "make_synthetic_group", "--learners", "200", "--lessons", "100", "--seed", "1", **on
    )
    manage("make_bench_data", **on)
    # Fresh bulk-loaded tables have no planner statistics yet; a live database has them.
    psql("VACUUM ANALYZE", database)
    manage("shell", "--no-imports", "-c", MID_COURSE_SCRIPT, **on)
    instructor = re.search(r"Instructor login: (\S+) / (\S+)", group)
    dashboard = re.search(r"(/groups/\d+/dashboard/)", group)
    return {
        "instructor": (instructor[1], instructor[2]),
        "dashboard": dashboard[1],
    }


class Session:
    """A signed-in browser, as far as wrk needs one: its cookies and CSRF token."""

    def __init__(self, username: str, password: str, base: str = BASE):
        self.username = username
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.open(f"{base}/accounts/login/").read()
        data = {"username": username, "password": password, "csrfmiddlewaretoken": self.csrf}
        self.opener.open(f"{base}/accounts/login/", urllib.parse.urlencode(data).encode())
        assert "sessionid" in self.cookie, f"could not log in as {username}"

    @property
    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    @property
    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def get(self, path: str) -> str:
        return self.opener.open(f"{self.base}{path}").read().decode()

    def post(self, path: str, data: dict) -> int:
        """POST as htmx does; the status, 0 when no answer came within 10 s, and -1 for a
        503 without Retry-After."""
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(f"{self.base}{path}", body)
        request.add_header("X-CSRFToken", self.csrf)
        request.add_header("HX-Request", "true")
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            if error.code == 503 and not error.headers.get("Retry-After"):
                return -1
            return error.code
        except OSError:
            return 0


def status_of(path: str, base: str = BASE) -> int:
    try:
        with urllib.request.urlopen(f"{base}{path}", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def wait_until_ready(base: str = BASE) -> None:
    for _ in range(100):
        if status_of("/readyz", base) == 200:
            return
        time.sleep(0.2)
    raise RuntimeError("the server did not start")


# The learner of the "home (learner)" row is mid-course: some lessons done and one left
# half read, so the page shows the "continue from" card as well as bars and cards.
MID_COURSE_LEARNER = "bench2"
MID_COURSE_SCRIPT = f"""
from lessons.models import Completion, Lesson, ReadingPosition
from portal.models import User
user = User.objects.get(username={MID_COURSE_LEARNER!r})
lessons = list(Lesson.objects.published().in_learning_order()[:6])
Completion.objects.bulk_create(
    [Completion(user=user, lesson=lesson) for lesson in lessons[:4]], ignore_conflicts=True
)
ReadingPosition.objects.create(user=user, lesson=lessons[5], section_index=2)
"""


QUIZ_BODIES = ROOT / "bench-results" / "quiz-bodies.txt"
QUIZ_BODIES_SCRIPT = """
import secrets, urllib.parse
from lessons.models import Lesson
from lessons.quizzes.scoring import choice_token
quiz = Lesson.objects.get(slug=%r).quiz
questions = list(quiz.questions.prefetch_related("choices"))
for n in range(%d):
    token = secrets.token_urlsafe(24)
    fields = {"form_token": token}
    for q in questions:
        choices = list(q.choices.all())
        fields[f"q{q.id}"] = choice_token(token, choices[0].id) if choices else "answer"
    print(urllib.parse.urlencode(fields))
"""


def quiz_bodies(count: int = 20_000, out: Path = QUIZ_BODIES, env: dict | None = None) -> Path:
    """Complete, valid answer forms for the lesson's quiz (answers need not be right), each
    a fresh form: choices post tokens bound to their form's token and the server's key, so
    they are made with the server's settings. request.lua posts one per request."""
    out.parent.mkdir(exist_ok=True)
    script = QUIZ_BODIES_SCRIPT % (LESSON, count)
    out.write_text(manage("shell", "--no-imports", "-c", script, env=env))
    return out


# ---- Exams: the readiness page and a mock-exam answer post --------------------
EXAM = "cka"
# The open sitting is a learner's of its own: a sitting holds the questions and tasks it
# drew, so bench1's would turn the quiz and task rows into "held" answers whenever it drew
# the bench lesson's. The draw is seeded, so both sides of `make bench-compare` (the same
# data) draw the same questions.
SITTING_LEARNER = "bench5"
MOCK_ANSWER_SCRIPT = """
import random, urllib.parse
from lessons.exams import mock as mock_exams
from lessons.quizzes import scoring
from lessons.models import Exam
from portal.models import User
user = User.objects.get(username=%r)
sitting = mock_exams.start(user, Exam.objects.get(slug=%r), rng=random.Random(5))
# The first place that holds a quiz question (a sitting also draws hands-on tasks).
drawn = sitting.questions.select_related("question").filter(question__isnull=False)
item = drawn.order_by("position").first()
choices = list(item.question.choices.all())
value = scoring.choice_token(mock_exams.sitting_token(sitting), choices[0].id) if choices else "x"
print(f"/exams/{sitting.exam.slug}/mock/{sitting.pk}/{item.position}/")
print(urllib.parse.urlencode({f"q{item.question_id}": value}))
"""


def exam_endpoints(learner: "Session", env: dict | None = None) -> list[tuple]:
    """bench1's readiness page (20 finished sittings and the quiz row's attempts behind
    it), and an htmx autosave of one answer in an open sitting of SITTING_LEARNER's
    (started here, with the server's settings, so its choice token is valid)."""
    script = MOCK_ANSWER_SCRIPT % (SITTING_LEARNER, EXAM)
    path, body = manage("shell", "--no-imports", "-c", script, env=env).split()[-2:]
    sitter = Session(SITTING_LEARNER, seed.PASSWORD, learner.base)
    return [
        ("exam readiness", f"/exams/{EXAM}/", learner, "GET", ""),
        ("mock exam answer", path, sitter, "POST", body),
    ]


# A hands-on task checked on its page: a whole manifest parsed, validated
# against the exam's Kubernetes schema and held to the task's rules, the attempt stored.
TASK_SCRIPT = """
from lessons.models import Task
task = Task.objects.select_related("lesson").get(title="1Gi 볼륨 요청 만들기")
print(task.get_absolute_url())
"""
TASK_MANIFEST = """apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: local-path
  resources:
    requests:
      storage: 1Gi
"""


def task_endpoints(learner: "Session", env: dict | None = None) -> list[tuple]:
    """bench1 posts a manifest to the storage lesson's PVC task (htmx, as the page does)."""
    path = manage("shell", "--no-imports", "-c", TASK_SCRIPT, env=env).split()[-1]
    body = urllib.parse.urlencode({"manifest": TASK_MANIFEST})
    return [("check a task", path, learner, "POST", body)]


# ---- end of the exam rows -------------------------------------------------------------------


# ---- A group's questions: a lesson with 200 of them, and posting an answer ----
ASKING_LEARNER = "bench3"
QUESTIONS_SCRIPT = """
from lessons.models import Lesson
from portal.models import GroupAnswer, GroupQuestion, Membership, StudyGroup, User
lesson = Lesson.objects.get(slug=%r)
learner = User.objects.get(username=%r)
group = StudyGroup.objects.create(name="bench questions")
Membership.objects.create(group=group, user=learner)
sections = [""] + [entry["id"] for entry in lesson.toc]
questions = GroupQuestion.objects.bulk_create(
    GroupQuestion(group=group, lesson=lesson, author=learner, section=sections[n %% len(sections)],
                  title=f"bench question {n}", body="`kubectl get pods`",
                  body_html="<p><code>kubectl get pods</code></p>")
    for n in range(200)
)
print(f"/groups/{group.pk}/questions/{questions[0].pk}/answers/")
"""


def question_endpoints(env: dict | None = None, base: str = BASE) -> list[tuple]:
    """The lesson page of a member of a group that asked 200 questions on it, and an htmx
    answer posted to one of them (the rate limit lifted for the run, see ENV), on the
    server at `base`."""
    script = QUESTIONS_SCRIPT % (LESSON, ASKING_LEARNER)
    path = manage("shell", "--no-imports", "-c", script, env=env).split()[-1]
    asker = Session(ASKING_LEARNER, seed.PASSWORD, base)
    return [
        ("lesson page, 200 group questions", f"/lessons/{LESSON}/", asker, "GET", ""),
        (
            "post an answer",
            path,
            asker,
            "POST",
            "body=%EB%85%B8%EB%93%9C%EB%A5%BC+%EB%B3%B4%EC%84%B8%EC%9A%94",
        ),
    ]


# ---- end of the questions rows ----------------------------------------------------------------


# ---- A review answer: a learner with every question of the catalog due ---------
REVIEWER = "bench4"
REVIEW_BODIES_SCRIPT = """
import urllib.parse
from datetime import timedelta
from django.utils import timezone
from lessons.models import Lesson, Question, ReviewItem
from lessons.quizzes.scoring import choice_token, new_form_token
from portal.models import User
user = User.objects.get(username=%r)
ReviewItem.objects.filter(user=user).delete()
published = Lesson.objects.published().values("id")
questions = Question.objects.filter(quiz__lesson__in=published).prefetch_related("choices")
due_at = timezone.now() - timedelta(hours=2)
items = ReviewItem.objects.bulk_create(
    ReviewItem(user=user, question=q, box=1, due_at=due_at, times_missed=1) for q in questions
)
for item in items:
    token = new_form_token()
    choices = list(item.question.choices.all())
    value = choice_token(token, choices[0].id) if choices else "answer"
    print(urllib.parse.urlencode({"item": item.pk, "stamp": item.stamp, "form_token": token,
                                  f"q{item.question_id}": value}))
"""


def review_endpoints(base: str, env: dict | None = None, out: Path | None = None) -> list[tuple]:
    """An htmx answer on today's review card: each body answers another due item once (a
    learner with every published question due), so each request moves an item."""
    # One file per server: each side of `make bench-compare` answers its own items.
    out = out or ROOT / "bench-results" / f"review-bodies-{urllib.parse.urlsplit(base).port}.txt"
    out.parent.mkdir(exist_ok=True)
    out.write_text(manage("shell", "--no-imports", "-c", REVIEW_BODIES_SCRIPT % REVIEWER, env=env))
    reviewer = Session(REVIEWER, seed.PASSWORD, base)
    return [("review answer", "/review/today/", reviewer, "POST", "", CONNECTIONS, out)]


# ---- end of the review answer row -----------------------------------------------------------


# ---- The learner's evening: each page's requests per second over the lean floor's
# Pages a learner reads each evening and the goal for each: the bench row measuring it, and
# whether it is read (measured again beside the floor in alternating rounds) or written.
EVENING = {
    "home": ("home (learner)", 0.4),
    "lesson": ("lesson page (signed in)", 0.4),
    "quiz page": ("quiz page (signed in)", 0.4),
    "today's review": ("today's review (signed in)", 0.4),
    "search": ("search", 0.4),
    "readiness": ("exam readiness", 0.4),
    "my progress": ("my progress (signed in)", 0.4),
    "quiz submit": ("quiz submit", 0.3),
    "review answer": ("review answer", 0.3),
    "mark done": ("mark done", 0.3),
}
LEAN_FLOOR = "floor: lean lesson page"


def evening_ratios(results: dict, rounds: dict, lean: str = "lean") -> dict:
    """Each evening page's ratio to the lean floor: the median over the alternating rounds
    for the pages read there, else its row's against the floor's row in the same run."""
    ratios = {}
    for page, (row, goal) in EVENING.items():
        if page in rounds:
            values = [round(p / f, 3) for p, f in zip(rounds[page], rounds[lean], strict=True)]
            ratio, how = median(values), "alternating rounds"
        else:
            values = []
            ratio, how = round(results[row]["rps"] / results[LEAN_FLOOR]["rps"], 3), "same run"
        ratios[page] = {"ratio": ratio, "goal": goal, "rounds": values, "measured": how}
    return ratios


def print_evening(ratios: dict) -> None:
    print("The learner's evening, each page over the lean floor:", flush=True)
    for page, r in ratios.items():
        mark = "ok" if r["ratio"] >= r["goal"] else "BELOW GOAL"
        rounds = f"  rounds {r['rounds']}" if r["rounds"] else ""
        print(
            f"  {page:16} {r['ratio']:6.3f} x lean floor  (goal {r['goal']}, {r['measured']}) "
            f"{mark}{rounds}",
            flush=True,
        )


# ---- end of the evening rows ------------------------------------------------------------------


def run_wrk(
    path: str,
    session: Session | None,
    method: str = "GET",
    body: str = "",
    connections=None,
    bodies: Path | None = None,
    timeout: str = "2s",
    base: str | None = None,
    seconds: str | None = None,
) -> dict:
    """wrk against `path`; `timeout` is how long one request may take before it counts as
    an error (wrk's default, 2 s, except where a row says otherwise)."""
    env = {
        **os.environ,
        "BENCH_METHOD": method,
        "BENCH_PATH": path,
        "BENCH_BODY": body,
        "BENCH_COOKIE": session.cookie if session else "",
        "BENCH_CSRF": session.csrf if session else "",
        "BENCH_HTMX": "true" if method == "POST" else "",
        "BENCH_BODIES": str(bodies or ""),
    }
    output = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections or CONNECTIONS}",
            f"-d{seconds or DURATION}s",
            "--timeout",
            timeout,
            "-s",
            "tests/bench/request.lua",
            base or (session.base if session else BASE),
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["rps"] = round(result["requests"] / (result["duration_us"] / 1e6), 1)
    return result


# --- A cohort's dashboard ------------------------------------------------------
# Measured last, so that the rows above run on the data they always had: the 1,000 x 200
# group is added while the server runs (its lessons would otherwise change the catalog's).


def _page_size(session: Session, path: str) -> int:
    return len(session.get(path).encode())


def cohort_rows(dashboard_200: str, instructor_200: Session) -> dict:
    made = manage("make_synthetic_group", "--learners", "1000", "--lessons", "200", "--seed", "2")
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DATABASE, "-qc", "VACUUM ANALYZE"],
        check=True,
    )
    login = re.search(r"Instructor login: (\S+) / (\S+)", made)
    dashboard_1000 = re.search(r"(/groups/\d+/dashboard/)", made)[1]
    instructor_1000 = Session(login[1], login[2])
    rows = [
        ("dashboard 200 x 100, week 3", f"{dashboard_200}?section=w3", instructor_200, 4),
        ("dashboard 1,000 x 200", dashboard_1000, instructor_1000, 4),
        ("dashboard 1,000 x 200, week 3", f"{dashboard_1000}?section=w3", instructor_1000, 4),
        # A download is one person's: one connection.
        ("CSV 1,000 x 200", dashboard_1000 + "export.csv", instructor_1000, 1),
    ]
    results = {}
    print(f"{'dashboard 200 x 100':28} {_page_size(instructor_200, dashboard_200):,} bytes")
    for name, path, session, connections in rows:
        size = _page_size(session, path)
        # A large group's CSV may take longer than wrk's usual 2 s.
        timeout = "30s" if name.startswith("CSV") else "2s"
        results[name] = run_wrk(path, session, connections=connections, timeout=timeout) | {
            "path": path,
            "bytes": size,
        }
        print_row(name, results[name])
        print(f"{'':28} {size:,} bytes", flush=True)
    return results


WORKER_OPTIONS = (
    ["--worker-class", "gthread", "--threads", THREADS] if WORKER_CLASS == "gthread" else []
)
# The README's configuration: threaded workers that hand over to their replacements on a
# reload (portal/serving.py; the same requests a second as plain gthread workers, which
# `make bench-compare` serves both commits with, an older one having no such file).
SERVING = (
    ["--config", "python:portal.serving", "--threads", THREADS]
    if WORKER_CLASS == "gthread"
    else WORKER_OPTIONS
)


def gunicorn(*extra: str) -> list:
    """The README's production command, on this machine's port."""
    return [
        BIN / "gunicorn", "portal.wsgi", "--workers", WORKERS, "--bind", f"127.0.0.1:{PORT}",
        *SERVING, *extra,
    ]  # fmt: skip


SLOW_CLIENTS = 6


def healthz_beside_slow_clients() -> float:
    """Seconds /healthz takes while six clients each send a header line every 2 s (sync
    workers are held by them until gunicorn's timeout; gthread workers read requests
    without blocking on them)."""
    clients = []
    for _ in range(SLOW_CLIENTS):
        slow = socket.create_connection(("127.0.0.1", PORT))
        slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        clients.append(slow)
    try:
        time.sleep(2)
        for slow in clients:
            slow.sendall(b"X-Slow: 1\r\n")
        began = time.monotonic()
        status = status_of("/healthz")
        took = time.monotonic() - began
        print(
            f"/healthz beside {SLOW_CLIENTS} slow clients: {status} in {took:.2f}s "
            f"({WORKER_CLASS} workers)",
            flush=True,
        )
        return took if status == 200 else float("inf")
    finally:
        for slow in clients:
            slow.close()


# send_reminders' work at 10,000 learners in 200 groups, in the bench's own process so
# that its queries can be counted: what the command does after recovering stale tasks.
REMINDER_SCRIPT = """
import json, resource, time
from datetime import datetime
from zoneinfo import ZoneInfo
from django.db import connection
from django.test.utils import CaptureQueriesContext
from portal.notifications import schedule
at = datetime.now(ZoneInfo("Asia/Seoul")).replace(hour=20, minute=5, second=0, microsecond=0)
start = time.perf_counter()
with CaptureQueriesContext(connection) as queries:
    result = schedule.enqueue_due(at)
print(json.dumps({
    "seconds": round(time.perf_counter() - start, 3),
    "queries": len(queries),
    "batches": result.batches,
    "reminders": result.reminders,
    "tasks": result.tasks,
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
}))
"""
WORKER_TASKS = 10  # tasks of 100 mails one worker runs for the mails-a-second row
DROP_ANSWER_TASKS = """
from django_tasks_db.models import DBTaskResult
DBTaskResult.objects.filter(task_path="portal.discussions.tasks.notify_followers").delete()
"""


class Inbox:
    """A local SMTP server's handler (aiosmtpd) that notes when each mail arrived."""

    def __init__(self) -> None:
        self.arrivals: list[float] = []

    async def handle_DATA(self, server, session, envelope):
        self.arrivals.append(time.monotonic())
        return "250 OK"


def reminder_rows() -> dict:
    """send_reminders' enqueueing at 10,000 learners in 200 groups, then one worker
    sending to a local aiosmtpd: mails a second, from the first mail to the last
    (composing each task's 100 mails included)."""
    from aiosmtpd.controller import Controller

    seed.reminder_groups(ENV, groups=200, learners_per_group=50)
    enqueue = json.loads(manage("shell", "--no-imports", "-c", REMINDER_SCRIPT).splitlines()[-1])
    print(
        f"{'send_reminders, 10,000 learners':30} {enqueue['seconds']:8.2f} s  "
        f"{enqueue['queries']} queries for {enqueue['batches']} batches  "
        f"{enqueue['reminders']} reminders in {enqueue['tasks']} tasks  "
        f"peak {enqueue['peak_rss_mb']} MB",
        flush=True,
    )
    # The "post an answer" row queued a task per answer (mail to the question's
    # followers); the worker would take those first and stop before the reminders.
    manage("shell", "--no-imports", "-c", DROP_ANSWER_TASKS)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=int(PORT) + 7)
    controller.start()
    try:
        subprocess.run(
            [BIN / "python", "manage.py", "db_worker", "--batch", "--no-reload",
             "--no-startup-delay", "--max-tasks", str(WORKER_TASKS), "-v0"],
            cwd=ROOT,
            env=ENV | {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(controller.port),
                "EMAIL_USE_TLS": "False",
            },
            check=True,
            timeout=600,
        )  # fmt: skip
    finally:
        controller.stop()
    arrivals = inbox.arrivals
    rate = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0]) if len(arrivals) > 1 else 0.0
    print(f"{'one worker, local SMTP':30} {rate:8.1f} mails/s  ({len(arrivals)} mails)", flush=True)
    return {
        "send_reminders 10,000 learners": enqueue,
        "worker mails per second": {"mails": len(arrivals), "per_second": round(rate, 1)},
    }


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def rows_of(
    setup: dict,
    learner: Session,
    instructor: Session,
    mid_course: Session,
    bodies: Path,
    env: dict | None = None,
) -> list[tuple]:
    """The measured rows: (name, path, session, method, body[, connections[, bodies]])."""
    lesson = f"/lessons/{LESSON}/"
    return [
        ("floor: trivial view", "/bench/trivial/", learner, "GET", ""),
        ("floor: lesson essentials", f"/bench/lesson/{LESSON}/", learner, "GET", ""),
        ("floor: lean lesson page", f"/bench/lean/{LESSON}/", learner, "GET", ""),
        ("lesson page (signed in)", lesson, learner, "GET", ""),
        ("catalog (home, signed in)", "/", learner, "GET", ""),
        ("search", "/search/?q=%EB%B0%B0%ED%8F%AC", learner, "GET", ""),
        ("quiz page (signed in)", f"{lesson}quiz/", learner, "GET", ""),
        ("my progress (signed in)", "/progress/", learner, "GET", ""),
        ("mark done", f"{lesson}done/", learner, "POST", "done=1"),
        ("quiz submit", f"{lesson}quiz/", learner, "POST", "", CONNECTIONS, bodies),
        ("dashboard 200 x 100", setup["dashboard"], instructor, "GET", ""),
        # An instructor's dashboard is opened by one person at a time, not four.
        ("dashboard, one instructor", setup["dashboard"], instructor, "GET", "", 1),
        *exam_endpoints(learner, env),
        *task_endpoints(learner, env),
        # Spaced review (lessons/review/queue.py): bench1's queue comes from make_bench_data.
        ("today's review (signed in)", "/review/today/", learner, "GET", ""),
        # The home page for a visitor and for a learner mid-course.
        ("home (visitor)", "/", None, "GET", ""),
        ("home (learner)", "/", mid_course, "GET", ""),
        ("category page (signed in)", "/categories/bench/", learner, "GET", ""),
        *question_endpoints(env, learner.base),
        *review_endpoints(learner.base, env),
    ]


def main() -> int:
    print("Building the benchmark database (this takes a minute)…", flush=True)
    setup = prepare_database()
    server = subprocess.Popen(gunicorn(), cwd=ROOT, env=ENV)
    try:
        wait_until_ready()
        healthz_seconds = healthz_beside_slow_clients()
        learner = Session("bench1", seed.PASSWORD)
        instructor = Session(*setup["instructor"])
        mid_course = Session(MID_COURSE_LEARNER, seed.PASSWORD)
        lesson = f"/lessons/{LESSON}/"
        endpoints = rows_of(setup, learner, instructor, mid_course, quiz_bodies())
        results = {}
        for name, path, session, method, body, *connections in endpoints:
            results[name] = run_wrk(path, session, method, body, *connections) | {"path": path}
            r = results[name]
            if LEAN_FLOOR in results:
                r["vs_lean_floor"] = round(r["rps"] / results[LEAN_FLOOR]["rps"], 3)
            lean = f"{r['vs_lean_floor']:5.2f} x lean" if "vs_lean_floor" in r else " " * 11
            print(
                f"{name:30} {r['rps']:8.1f} req/s  {lean}  p50 {r['p50_ms']:7.1f} ms  "
                f"p95 {r['p95_ms']:7.1f} ms  p99 {r['p99_ms']:7.1f} ms  "
                f"errors {r['status_errors'] + r['socket_errors']}",
                flush=True,
            )
        # This machine's speed drifts within a run, so the goal's ratios come from the
        # floors and the pages measured back to back in alternating rounds.
        alternating = {
            "trivial": ("/bench/trivial/", learner),
            "essentials": (f"/bench/lesson/{LESSON}/", learner),
            "lean": (f"/bench/lean/{LESSON}/", learner),
            "lesson": (lesson, learner),
            "home (learner)": ("/", mid_course),
            # The rest of the learner's evening, read beside the same floor.
            "quiz page": (f"{lesson}quiz/", learner),
            "today's review": ("/review/today/", learner),
            "search": ("/search/?q=%EB%B0%B0%ED%8F%AC", learner),
            "readiness": (f"/exams/{EXAM}/", learner),
            "my progress": ("/progress/", learner),
        }
        rounds = {name: [] for name in alternating}
        for _ in range(ROUNDS):
            for name, (path, session) in alternating.items():
                rounds[name].append(run_wrk(path, session)["rps"])
        ratios = {
            f"{page} / {floor}": [
                round(p / f, 3) for p, f in zip(rounds[page], rounds[floor], strict=True)
            ]
            for page, floor in [
                ("lesson", "trivial"),
                ("lesson", "essentials"),
                ("lesson", "lean"),
                ("home (learner)", "lesson"),
            ]
        }
        for name, values in ratios.items():
            print(f"{name}, alternating rounds: {values} median {median(values)}", flush=True)
        evening = evening_ratios(results, rounds | {"home": rounds["home (learner)"]})
        print_evening(evening)
        results |= cohort_rows(setup["dashboard"], instructor)
        # The same pages through PgBouncer in transaction mode (tests/bench/pooled.py).
        results |= pooled_rows(
            ENV, DATABASE, gunicorn(), PORT + 5,
            [("lesson page (signed in)", lesson, learner, "GET", ""),
             ("mark done", f"{lesson}done/", learner, "POST", "done=1")],
            run_wrk, wait_until_ready,
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
    reminders = reminder_rows()
    summary = {
        "lesson_page_vs_lean_floor": median(ratios["lesson / lean"]),
        "lesson_page_vs_essentials_floor": median(ratios["lesson / essentials"]),
        "lesson_page_vs_trivial_floor": median(ratios["lesson / trivial"]),
        "home_learner_vs_lesson_page": median(ratios["home (learner) / lesson"]),
        "alternating_rounds": ratios,
        "evening_vs_lean_floor": {page: r["ratio"] for page, r in evening.items()},
        "dashboard_p95_ms": results["dashboard 200 x 100"]["p95_ms"],
        "dashboard_one_instructor_p95_ms": results["dashboard, one instructor"]["p95_ms"],
        "exam_readiness_p95_ms": results["exam readiness"]["p95_ms"],
        "mock_exam_answer_p95_ms": results["mock exam answer"]["p95_ms"],
        "task_check_p95_ms": results["check a task"]["p95_ms"],
        "send_reminders_10000_seconds": reminders["send_reminders 10,000 learners"]["seconds"],
        "send_reminders_10000_queries": reminders["send_reminders 10,000 learners"]["queries"],
        "worker_mails_per_second": reminders["worker mails per second"]["per_second"],
        "errors": sum(r["status_errors"] + r["socket_errors"] for r in results.values()),
        "worker_class": WORKER_CLASS,
        "healthz_beside_slow_clients_s": healthz_seconds,
    }
    print(json.dumps(summary, indent=2))
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "bench.json").write_text(
        json.dumps(
            {
                "endpoints": results,
                "evening": evening,
                "reminders": reminders,
                "summary": summary,
            },
            indent=2,
        )
    )
    print(f"Results written to {out / 'bench.json'}")
    return 0 if healthz_seconds < 1 else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--compare"]:
        from compare import compare  # tests/bench/compare.py, beside this file

        sys.exit(compare(sys.argv[2]))
    sys.exit(main())
