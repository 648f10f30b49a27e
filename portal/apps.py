from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from lessons.kernel import panels
        from portal.discussions import panels as discussion_panels

        panels.register_panel("lesson_end", discussion_panels.lesson_questions_panel)
        panels.register_panel("search", discussion_panels.search_panel)
        panels.register_actions("quiz_answer", discussion_panels.quiz_answer_actions)
