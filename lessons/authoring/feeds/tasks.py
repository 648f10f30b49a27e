"""Feed work for the task worker (`manage.py db_worker`), so that no admin request waits
on a blog's server: "sync now" enqueues the sources and answers at once."""

from django.tasks import task

from lessons.authoring.feeds.sync import sync_source
from lessons.models import FeedSource


@task
def sync_feed_sources(source_ids: list[int]) -> dict[str, int]:
    """Sync each source; its outcome is recorded on it, where the admin's list shows it.
    Returns how many sources had each outcome."""
    outcomes: dict[str, int] = {}
    for source in FeedSource.objects.filter(pk__in=source_ids).select_related("category"):
        sync_source(source)
        outcomes[source.last_outcome] = outcomes.get(source.last_outcome, 0) + 1
    return outcomes
