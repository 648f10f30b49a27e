"""Static files in production: each name's hashed URL is worked out once per process,
the same as whitenoise's storage answers, and a name missing from the manifest is still
an error every time."""

import json
from unittest import mock

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from portal.static_storage import StaticStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.DEBUG = False
    manifest = {"version": "1.1", "hash": "x", "paths": {"css/portal.css": "css/portal.ab12.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticStorage(location=tmp_path, base_url="/static/")


def test_it_answers_the_hashed_url_whitenoise_does(storage, tmp_path):
    plain = CompressedManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    assert storage.url("css/portal.css") == plain.url("css/portal.css")
    assert storage.url("css/portal.css") == "/static/css/portal.ab12.css"


def test_it_works_each_url_out_once(storage):
    with mock.patch.object(
        CompressedManifestStaticFilesStorage, "url", autospec=True, return_value="/static/x"
    ) as worked_out:
        assert [storage.url("css/portal.css") for _ in range(3)] == ["/static/x"] * 3
    assert worked_out.call_count == 1


def test_a_name_missing_from_the_manifest_is_an_error_each_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
