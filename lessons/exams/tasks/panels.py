"""Below a lesson's text: its hands-on tasks, each a link to its page. One query."""

from lessons.kernel.panels import Panel
from lessons.models import Lesson, Task


def lesson_tasks(request, lesson: Lesson, **page) -> Panel | None:
    tasks = list(
        Task.objects.filter(lesson=lesson)
        .select_related("domain")
        .only("position", "title", "kind", "domain__name")
    )
    if not tasks:
        return None
    return Panel("lessons/exams/_tasks_panel.html", {"lesson": lesson, "tasks": tasks})
