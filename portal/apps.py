from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from lessons.kernel.panels import register_actions, register_panel
        from portal.discussions import panels as discussion_panels
        from portal.today import panels

        register_panel("next_step", panels.home_next_step)
        register_panel("home", panels.home_weeks)
        register_panel("lesson", panels.lesson_due)
        register_panel("lesson_end", discussion_panels.lesson_questions_panel)
        register_panel("search", discussion_panels.search_panel)
        register_actions("quiz_answer", discussion_panels.quiz_answer_actions)
        register_actions("lesson_section", discussion_panels.section_actions)

        from portal.notifications import signals  # noqa: F401  (connects the receivers)
