"""`manage.py export_lessons DIR`: every lesson and quiz as Markdown files that
`import_lessons DIR` reads back."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lessons.authoring.exporting import ExportFailed, export_lessons


class Command(BaseCommand):
    help = (
        "Write categories.yaml and one Markdown file with front matter per lesson (with its "
        "quiz) into a folder, in the format import_lessons reads."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Replace the lesson files of an earlier export in the folder.",
        )

    def handle(self, *args, folder: Path, overwrite: bool, **options) -> None:
        try:
            result = export_lessons(folder, overwrite=overwrite)
        except (ExportFailed, OSError) as error:
            raise CommandError(str(error)) from error
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(result.files)} lessons and {result.categories} categories written "
                f"to {folder}."
            )
        )
