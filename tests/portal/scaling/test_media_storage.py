"""Lesson images in object storage: with MEDIA_STORAGE_URL set, an editor's upload goes to
a bucket of a real S3-compatible server (moto's, in server mode, on this machine), is
served with the headers images have from the disk, and the same file twice is one object."""

import hashlib
import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from PIL import Image

from portal.scaling.storage_url import storage_from_url
from tests.cluster.s3 import CREDENTIALS, S3Server

URL = "/admin/lessons/lesson/images/"
IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture(scope="session")
def s3_server():
    server = S3Server().start()
    yield server
    server.stop()


@pytest.fixture
def bucket(s3_server, settings, monkeypatch, media_root):
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    s3_server.empty()
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(s3_server.storage_url)}
    return s3_server


def image_bytes(format="PNG", color=(10, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (9, 7), color).save(buffer, format=format)
    return buffer.getvalue()


def upload(client, data: bytes, name: str):
    file = io.BytesIO(data)
    file.name = name
    return client.post(URL, {"image": file})


@pytest.mark.django_db
def test_an_upload_is_kept_in_the_bucket_and_served_as_from_the_disk(
    editor_client, client, bucket, media_root
):
    response = upload(editor_client, image_bytes("WEBP"), "그림.webp")

    assert response.status_code == 200
    [key] = bucket.keys()
    stored = bucket.client().get_object(Bucket=bucket.bucket, Key=key)
    body = stored["Body"].read()
    assert key == f"lesson-images/{hashlib.sha256(body).hexdigest()}.webp"
    assert response.json()["url"] == f"/media/{key}"
    assert not (media_root / "lesson-images").exists()  # nothing on this node's disk
    # The object carries the headers, for a CDN in front of the bucket.
    assert stored["ContentType"] == "image/webp"
    assert stored["CacheControl"] == IMMUTABLE

    served = client.get(f"/media/{key}")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/webp"
    assert served["Cache-Control"] == IMMUTABLE
    assert b"".join(served.streaming_content) == body


@pytest.mark.django_db
def test_the_same_file_twice_is_one_object(editor_client, bucket):
    data = image_bytes("JPEG")
    first = upload(editor_client, data, "a.jpeg").json()
    second = upload(editor_client, data, "b.png").json()
    third = upload(editor_client, image_bytes("JPEG", color=(1, 2, 3)), "c.jpg").json()

    assert first["url"] == second["url"] != third["url"]
    assert len(bucket.keys()) == 2


@pytest.mark.django_db
def test_an_image_not_in_the_bucket_is_not_found(client, bucket):
    assert client.get(f"/media/lesson-images/{'0' * 64}.png").status_code == 404


def test_the_storage_url_names_bucket_server_region_and_folder():
    entry = storage_from_url("s3://media?endpoint=http://127.0.0.1:9000&region=eu-west-1&prefix=p")
    assert entry == {
        "BACKEND": "portal.scaling.media.MediaStorage",
        "OPTIONS": {
            "bucket_name": "media",
            "endpoint_url": "http://127.0.0.1:9000",
            "region_name": "eu-west-1",
            "location": "p",
        },
    }


@pytest.mark.parametrize(
    "url", ["media", "https://bucket", "s3://", "s3://bucket/folder", "s3://bucket?secret=x"]
)
def test_a_storage_url_it_cannot_use_is_refused_with_the_form_it_needs(url):
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE_URL"):
        storage_from_url(url)
