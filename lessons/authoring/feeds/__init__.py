"""Blog feeds as lessons: reading any feed, importing it, fetching it, keeping it in sync."""

from lessons.authoring.feeds.converting import html_to_markdown
from lessons.authoring.feeds.importer import FeedImportResult, Outcome, import_document, import_feed
from lessons.authoring.feeds.reading import FeedEntry, FeedError, read_feed

__all__ = [
    "FeedEntry",
    "FeedError",
    "FeedImportResult",
    "Outcome",
    "html_to_markdown",
    "import_document",
    "import_feed",
    "read_feed",
]
