"""The hands-on task page: the learner writes a manifest, the server checks it."""

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lessons.content.access import get_visible_lesson
from lessons.exams.tasks import checker
from lessons.kernel import web
from lessons.kernel.web import HtmxHttpRequest
from lessons.models import Exam, MockSitting, Task, TaskAttempt
from lessons.models.exams import held_tasks

# What a lesson's tasks are checked against when their domain names no exam.
DEFAULT_VERSION = "1.34"


def _version(task: Task) -> str:
    exam = Exam.objects.filter(domains__tasks=task).only("kubernetes_version").first()
    return exam.kubernetes_version if exam else DEFAULT_VERSION


def do_check(user, task: Task, text: str) -> tuple[TaskAttempt, checker.Check | None]:
    """Check a manifest and record the attempt (also one the checker refused)."""
    try:
        result = checker.check(text, task.kind, task.rules, _version(task))
    except checker.ManifestRefused as refused:
        attempt = TaskAttempt.objects.create(
            user=user,
            task=task,
            manifest=text,
            max_score=len(task.rules),
            refused=str(refused),
        )
        return attempt, None
    attempt = TaskAttempt.objects.create(
        user=user, task=task, manifest=text, score=result.score, max_score=result.max_score
    )
    return attempt, result


@require_http_methods(["GET", "POST"])
@login_required
def task_page(request: HtmxHttpRequest, slug: str, position: int):
    lesson = get_visible_lesson(request.user, slug)
    # Whether the learner's open mock exam holds the task, asked in the same query.
    held = Exists(held_tasks(request.user).filter(task_id=OuterRef("pk")))
    tasks = Task.objects.select_related("domain").annotate(held=held)
    task = get_object_or_404(tasks, lesson=lesson, position=position)
    if task.held:
        return _held(request, lesson, task)
    latest = TaskAttempt.objects.filter(user=request.user, task=task).first()
    context = {"lesson": lesson, "task": task, "latest": latest, "result": None}
    status = 200
    if request.method == "POST":
        text = request.POST.get("manifest", "")
        if len(text) > checker.MAX_MANIFEST_CHARS:
            context["manifest"] = text[: checker.MAX_MANIFEST_CHARS]
            context["refused"] = _too_long()
            context["lines"] = range(1, 12)
            return web.render_page(request, "lessons/exams/task.html", "task-form", context, 422)
        attempt, result = do_check(request.user, task, text)
        context |= {"latest": attempt, "result": result, "manifest": text, "checked": True}
        if result is None:
            context["refused"] = attempt.refused
            status = 422
    else:
        context["manifest"] = latest.manifest if latest else task.starting
    context["lines"] = range(1, max(context["manifest"].count("\n") + 2, 12))
    return web.render_page(request, "lessons/exams/task.html", "task-form", context, status)


def _held(request, lesson, task: Task):
    """Until the mock exam that drew the task ends, its page checks nothing (a check tells
    which rules pass) and shows no earlier manifest."""
    sitting = (
        MockSitting.objects.filter(user=request.user, finished_at__isnull=True)
        .select_related("exam")
        .first()
    )
    context = {"lesson": lesson, "task": task, "sitting": sitting}
    status = 409 if request.method == "POST" else 200
    return render(request, "lessons/exams/task_held.html", context, status=status)


def _too_long() -> str:
    return _("The manifest is too long (at most %(max)d characters).") % {
        "max": checker.MAX_MANIFEST_CHARS
    }
