from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from lessons.kernel.panels import register_panel
        from portal.today import panels

        register_panel("next_step", panels.home_next_step)
        register_panel("home", panels.home_weeks)
        register_panel("lesson", panels.lesson_due)

        from portal.notifications import signals  # noqa: F401  (connects the receivers)
