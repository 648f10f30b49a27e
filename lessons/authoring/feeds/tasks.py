"""Feed work for the task worker (`manage.py db_worker`), so that no admin request waits
on a blog's server: "sync now" enqueues the sources, and "import from address" enqueues
the fetch; both answer at once."""

import base64
import zlib

from django.tasks import task
from django.utils import translation

from lessons.authoring.feeds.fetching import FetchError, fetch_feed
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


@task
def fetch_feed_for_import(url: str, max_bytes: int, language: str) -> dict[str, str]:
    """Fetch the feed an editor gave the address of on the import page. Returns the feed
    (compressed, as the import page keeps it until the editor confirms: confirming imports
    what was previewed, without fetching again) or, in the editor's language, why it could
    not be fetched."""
    with translation.override(language):
        try:
            fetched = fetch_feed(url, max_bytes=max_bytes)
        except FetchError as error:
            return {"problem": f"{url}: {error}"}
    return {
        "url": fetched.url,
        "content_type": fetched.content_type,
        "data": base64.b64encode(zlib.compress(fetched.content)).decode(),
    }
