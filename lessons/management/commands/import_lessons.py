"""`manage.py import_lessons DIR`: load a folder of Markdown lessons, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lessons.authoring.importing import ImportFailed, import_folder


class Command(BaseCommand):
    help = "Create or update lessons (and their quizzes) from a folder of Markdown files."

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder: Path, **options) -> None:
        try:
            result = import_folder(folder)
        except ImportFailed as failure:
            raise CommandError(
                "Nothing was imported:\n" + "\n".join(f"  {p}" for p in failure.problems)
            ) from failure
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(result.created)} created, {len(result.updated)} updated, "
                f"{len(result.unchanged)} unchanged."
            )
        )
