"""MEDIA_STORAGE_URL read into a STORAGES entry (portal/scaling/media.py); read by the
settings, so it imports nothing of the portal."""

from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

BACKEND = "portal.scaling.media.MediaStorage"
QUERY_OPTIONS = {"endpoint": "endpoint_url", "region": "region_name", "prefix": "location"}


def storage_from_url(url: str) -> dict:
    """The STORAGES["default"] entry for MEDIA_STORAGE_URL."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc or parts.path not in ("", "/"):
        raise ImproperlyConfigured(
            f"MEDIA_STORAGE_URL must look like s3://BUCKET?endpoint=...&region=..., not {url!r}"
        )
    options = {"bucket_name": parts.netloc}
    for key, values in parse_qs(parts.query).items():
        if key not in QUERY_OPTIONS:
            raise ImproperlyConfigured(
                f"MEDIA_STORAGE_URL: unknown option {key!r} (known: {', '.join(QUERY_OPTIONS)})"
            )
        options[QUERY_OPTIONS[key]] = values[-1]
    return {"BACKEND": BACKEND, "OPTIONS": options}
