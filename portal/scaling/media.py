"""Uploaded files in object storage (any S3-compatible server) when MEDIA_STORAGE_URL is
set, so that every web node sees every upload; on the local disk otherwise.

MEDIA_STORAGE_URL is `s3://BUCKET`, with optional `endpoint` (a server other than Amazon's,
e.g. http://127.0.0.1:9000), `region` and `prefix` (a folder inside the bucket) in its
query string. Credentials come from boto3's usual places (AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, or the machine's role), never from the URL, so it can be logged.

Pages keep pointing at MEDIA_URL (the portal's /media/, or a CDN in front of the bucket):
the portal serves a lesson image from the bucket with the same headers as from the disk,
and each object carries them too (type and a year-long cache life) for a CDN to pass on.
"""

from django.conf import settings
from storages.backends.s3 import S3Storage

from lessons.content.image_views import IMMUTABLE
from lessons.content.images import CONTENT_TYPES


class MediaStorage(S3Storage):
    """A bucket whose files are addressed under MEDIA_URL. Names are content hashes, so
    writing one again writes the same bytes: no unique-name look-ups are needed."""

    querystring_auth = False
    file_overwrite = True
    default_acl = None

    def url(self, name: str, *args, **kwargs) -> str:
        return f"{settings.MEDIA_URL}{name}"

    def get_object_parameters(self, name: str) -> dict:
        parameters = super().get_object_parameters(name)
        content_type = CONTENT_TYPES.get(name.rsplit(".", 1)[-1])
        if content_type:
            parameters.update(ContentType=content_type, CacheControl=IMMUTABLE)
        return parameters
