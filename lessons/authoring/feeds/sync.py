"""Keep lessons in step with registered blog feeds (`manage.py sync_feeds`).

Each source is fetched with a conditional GET; a changed feed is imported like
`import_feed` does (new posts become lessons, changed posts update theirs, nothing is
deleted) and the outcome is recorded on the source for the admin list.

Two syncs of one source at once (an overlapping cron run, a click on "sync now") must not
both create the same lessons: the import runs in a transaction that first writes the
source's row, which holds a row lock on PostgreSQL (and the write lock on SQLite) until it
commits, so the second waits and then finds the first one's lessons.
"""

import logging

from django.db import DatabaseError, transaction
from django.utils import timezone

from lessons.authoring.feeds.fetching import FetchError, fetch_feed
from lessons.authoring.feeds.importer import FeedImportResult, import_document
from lessons.authoring.feeds.reading import FeedError, read_feed
from lessons.models import FeedSource

logger = logging.getLogger(__name__)


def sync_source(source: FeedSource) -> FeedSource:
    """Fetch and import one source; return it with its outcome recorded."""
    try:
        fetched = fetch_feed(source.url, etag=source.etag, last_modified=source.last_modified)
        if fetched.not_modified:
            return _record(source, FeedSource.Outcome.NOT_MODIFIED)
        document = read_feed(fetched.content, fetched.content_type, base_url=fetched.url)
        with transaction.atomic():
            FeedSource.objects.filter(pk=source.pk).update(last_run_at=timezone.now())
            result = import_document(
                document,
                category=source.category.name if source.category else "",
                publish=source.publish_new,
            )
            source.etag, source.last_modified = fetched.etag, fetched.last_modified
            return _record(source, FeedSource.Outcome.IMPORTED, result)
    except (FetchError, FeedError) as error:
        return _record(source, FeedSource.Outcome.FAILED, error=str(error))
    except DatabaseError as error:
        logger.exception("Syncing %s failed", source.url)
        return _record(source, FeedSource.Outcome.FAILED, error=f"database error: {error}")


def _record(
    source: FeedSource,
    outcome: str,
    result: FeedImportResult | None = None,
    error: str = "",
) -> FeedSource:
    source.last_run_at = timezone.now()
    source.last_outcome = outcome
    source.last_created = len(result.created) if result else 0
    source.last_updated = len(result.updated) if result else 0
    source.last_skipped = len(result.skipped) if result else 0
    source.last_error = error
    source.save(update_fields=["etag", "last_modified", *FeedSource.LAST_SYNC_FIELDS])
    return source
