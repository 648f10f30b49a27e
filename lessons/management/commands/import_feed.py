"""`manage.py import_feed PATH|URL`: one lesson per entry of a blog's feed or export."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations
from tqdm import tqdm

from lessons.authoring.feeds import FeedError, FeedImportResult, import_feed
from lessons.authoring.feeds.fetching import FetchError, fetch_feed


class Command(BaseCommand):
    help = (
        "Create or update lessons from a blog's feed (RSS 0.9x/1.0/2.0, Atom 0.3/1.0) or a "
        "WordPress export, given as a file or an http(s) address. Entries "
        "are matched to lessons by their link or id, so importing again updates them. A "
        "title '[Category] Title' names the category, else the entry's own category, else "
        "--category. Updates keep each lesson's category, position, status and slug."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="A feed file, or the feed's http(s) address.")
        parser.add_argument(
            "--category", default="", help="Category (name) of entries that name none."
        )
        parser.add_argument(
            "--publish", action="store_true", help="Publish new lessons (default: drafts)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would happen; change nothing."
        )

    @no_translations  # the command speaks English; the admin's import page, Korean too
    def handle(self, *args, path: str, category: str, publish: bool, dry_run: bool, **options):
        source, fetched = Path(path), None
        if path.startswith(("http://", "https://")):
            try:
                fetched = fetch_feed(path)
            except FetchError as error:
                raise CommandError(f"Nothing was imported: {path}: {error}") from error
            source = fetched.content
        elif not source.is_file():
            raise CommandError(f"{path}: no such file")
        bar = None

        def progress(total: int):
            nonlocal bar
            bar = tqdm(total=total, unit="entry", file=self.stderr, disable=None)
            return lambda: bar.update()

        try:
            result = import_feed(
                source,
                category=category,
                publish=publish,
                dry_run=dry_run,
                progress=progress,
                content_type=fetched.content_type if fetched else "",
                base_url=fetched.url if fetched else "",
            )
        except FeedError as error:
            raise CommandError(f"Nothing was imported: {path}: {error}") from error
        finally:
            if bar is not None:
                bar.close()
        self._report(result, int(options["verbosity"]))

    def _report(self, result: FeedImportResult, verbosity: int) -> None:
        would = "would be " if result.dry_run else ""
        if verbosity >= 1:
            self.stdout.write(f"read as {result.read_as}")
            for name in result.new_categories:
                self.stdout.write(f"category {would}created: {name}")
            for label, outcomes in (("created", result.created), ("updated", result.updated)):
                for outcome in outcomes:
                    self.stdout.write(
                        f"{would}{label}: entry {outcome.number}: [{outcome.category}] "
                        f"{outcome.title} ({outcome.slug})"
                    )
        for outcome in result.skipped:
            reason = outcome.reason
            if outcome.code == "no-category":
                reason = "no category: name one with [Category] in the title or --category"
            self.stdout.write(f"skipped: entry {outcome.number}: {outcome.title}: {reason}")
        summary = (
            f"{len(result.created)} {would}created, {len(result.updated)} {would}updated, "
            f"{len(result.unchanged)} unchanged, {len(result.skipped)} skipped."
        )
        if result.dry_run:
            summary = f"Dry run, nothing was changed. {summary}"
        self.stdout.write(self.style.SUCCESS(summary))
