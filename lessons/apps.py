from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = _("Lessons")

    def ready(self) -> None:
        from django.urls import register_converter

        # Imported for their side effects: the review queue listens to questions_answered;
        # revisions registers the models whose saves are kept; kept listens to catalog changes.
        from lessons.authoring import revisions  # noqa: F401
        from lessons.content import kept  # noqa: F401 (starts a generation on catalog changes)
        from lessons.kernel.web import IdConverter
        from lessons.review import queue  # noqa: F401

        # <id64:…> in lessons' and portal's URLs; registered before any URLconf is read.
        register_converter(IdConverter, "id64")

        from lessons.exams.tasks.panels import lesson_tasks
        from lessons.kernel.panels import register_panel

        register_panel("lesson_end", lesson_tasks)
