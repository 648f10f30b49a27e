"""Below a lesson's text: its hands-on tasks, each a link to its page.

Kept in the cache per lesson (a lesson page is read far more often than its tasks change),
so a lesson page costs no query for them once seen; any saved or deleted task starts a new
generation of the kept lists."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from lessons.kernel.panels import Panel
from lessons.models import Lesson, Task

GENERATION = "lesson-tasks:generation"
KEPT_SECONDS = 600


def lesson_tasks(request, lesson: Lesson, **page) -> Panel | None:
    key = f"lesson-tasks:{cache.get(GENERATION, 0)}:{lesson.pk}"
    tasks = cache.get(key)
    if tasks is None:
        tasks = list(
            Task.objects.filter(lesson=lesson)
            .select_related("domain")
            .only("position", "title", "kind", "domain__name")
        )
        cache.set(key, tasks, KEPT_SECONDS)
    if not tasks:
        return None
    return Panel("lessons/exams/_tasks_panel.html", {"lesson": lesson, "tasks": tasks})


@receiver([post_save, post_delete], sender=Task, dispatch_uid="lessons.exams.tasks.kept")
def _tasks_changed(**_kwargs) -> None:
    try:
        cache.incr(GENERATION)
    except ValueError:
        cache.set(GENERATION, 1, None)
