from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = _("Lessons")

    def ready(self) -> None:
        # Imported for their side effects: the review queue listens to questions_answered;
        # revisions registers the models whose saves are kept.
        from lessons import review, revisions  # noqa: F401
