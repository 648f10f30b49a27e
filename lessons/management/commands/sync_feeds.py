"""`manage.py sync_feeds`: bring the lessons of every registered blog feed up to date."""

from django.core.management.base import BaseCommand, CommandError

from lessons.authoring.feeds.sync import sync_source
from lessons.models import FeedSource


class Command(BaseCommand):
    help = (
        "Fetch every feed source (conditionally: an unchanged feed costs one request), "
        "create lessons for new posts and update those whose post changed; nothing is "
        "deleted. Meant for cron or a systemd timer; exits with an error if any source "
        "failed, after trying them all."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("urls", nargs="*", help="Sync only these sources (by address).")

    def handle(self, *args, urls: list[str], **options):
        sources = FeedSource.objects.select_related("category")
        if urls:
            sources = sources.filter(url__in=urls)
            missing = set(urls) - set(sources.values_list("url", flat=True))
            if missing:
                raise CommandError(f"No feed source with the address {', '.join(sorted(missing))}")
        failed = 0
        for source in sources:
            sync_source(source)
            line = (
                f"{source.url}: {source.last_outcome}, {source.last_created} created, "
                f"{source.last_updated} updated, {source.last_skipped} skipped"
            )
            if source.last_outcome == FeedSource.Outcome.FAILED:
                failed += 1
                self.stdout.write(self.style.ERROR(f"{source.url}: failed: {source.last_error}"))
            else:
                self.stdout.write(line)
        if failed:
            raise CommandError(f"{failed} of {len(sources)} feed sources failed.")
