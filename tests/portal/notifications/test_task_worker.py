"""The real worker (`manage.py db_worker`, as the README runs it) in a subprocess, sending
through a real SMTP server: queued tasks wait in the database until a worker takes them,
a worker killed in the middle of a batch loses and duplicates nothing, and a task a dead
worker left "running" goes back to the queue (or, taken too often, is marked failed)."""

import os
import signal
from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.models import Membership, SentMail
from portal.notifications import mail, queue
from portal.notifications.tasks import deliver_mails
from tests.conftest import make_lesson, make_user
from tests.helpers.groups import make_group
from tests.helpers.mail_fixtures import parts, run_worker, start_worker

AT = "2026-12-07T20:05+09:00"


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("the worker shares the test database, which is in memory on SQLite")


@pytest.fixture
def learners(postgres, basic):
    make_lesson(basic, "Pods", 1)
    group = make_group("스터디", pace="weekly", pace_start=date(2026, 12, 7), lessons_per_week=1)
    users = [make_user(f"learner{n:02d}") for n in range(30)]
    Membership.objects.bulk_create([Membership(group=group, user=user) for user in users])
    return users


@pytest.mark.usefixtures("database_tasks")
def test_it_sends_what_waited_in_the_queue_when_a_worker_runs(learners, smtp_server):
    call_command("send_reminders", "--at", AT, stdout=open(os.devnull, "w"))  # noqa: SIM115
    welcome = mail.enqueue_mail(learners[0], "other", "welcome", subject="한 번만", text="본문")
    deliver_mails.enqueue([welcome.pk])  # the same mail's task enqueued a second time
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 3
    assert smtp_server.messages == []  # nothing is sent until a worker takes the tasks

    run_worker(smtp_server.port)

    messages = smtp_server.wait_for(31)
    assert [m["Subject"] for m in messages].count("한 번만") == 1
    messages = [m for m in messages if m["Subject"] != "한 번만"]
    assert Counter(m["To"] for m in messages) == {f"{u.username}@example.com": 1 for u in learners}
    text, html = parts(messages[0])
    assert "https://portal.example.com/lessons/pods/" in text
    assert "https://portal.example.com/lessons/pods/" in html
    assert messages[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert set(SentMail.objects.values_list("status", flat=True)) == {"sent"}
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.usefixtures("database_tasks")
def test_it_loses_and_duplicates_nothing_when_the_worker_is_killed_mid_batch(learners, smtp_server):
    call_command("send_reminders", "--at", AT, stdout=open(os.devnull, "w"))  # noqa: SIM115
    worker = start_worker(smtp_server.port)
    seen = []

    def kill_at_the_eleventh(address):
        seen.append(address)
        if len(seen) == 11:
            os.kill(worker.pid, signal.SIGKILL)  # in the middle of the eleventh mail

    smtp_server.before_rcpt = kill_at_the_eleventh
    worker.wait(timeout=60)
    assert worker.returncode == -signal.SIGKILL
    assert len(smtp_server.messages) == 10
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING  # left by the dead

    smtp_server.before_rcpt = None
    assert queue.recover_stale_tasks(stale_after=timedelta(0)) == (1, 0)
    run_worker(smtp_server.port)

    messages = smtp_server.wait_for(30)
    assert Counter(m["To"] for m in messages) == {f"{u.username}@example.com": 1 for u in learners}
    assert SentMail.objects.filter(status="sent").count() == 30
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert len(task.worker_ids) == 2


@pytest.mark.django_db
@pytest.mark.usefixtures("database_tasks")
def test_it_gives_a_stale_task_back_and_marks_one_taken_too_often_failed(settings):
    settings.TASK_MAX_CLAIMS = 3
    now = timezone.now()

    def running(started_minutes_ago: int, workers: list[str]) -> DBTaskResult:
        result = deliver_mails.enqueue([])
        row = DBTaskResult.objects.get(pk=result.id)
        row.status = TaskResultStatus.RUNNING
        row.started_at = now - timedelta(minutes=started_minutes_ago)
        row.worker_ids = workers
        row.save()
        return row

    stale = running(20, ["w1"])
    abandoned = running(20, ["w1", "w2", "w3"])
    fresh = running(1, ["w1"])
    assert queue.recover_stale_tasks(now, timedelta(minutes=15)) == (1, 1)
    for row in (stale, abandoned, fresh):
        row.refresh_from_db()
    assert stale.status == TaskResultStatus.READY
    assert abandoned.status == TaskResultStatus.FAILED
    assert "WorkerLost" in abandoned.traceback and "w3" in abandoned.traceback
    assert fresh.status == TaskResultStatus.RUNNING
