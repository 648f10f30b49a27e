"""Korean UI by default, English on request."""

import gettext
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_it_speaks_korean_by_default(client, lessons):
    html = client.get(reverse("lessons:home")).content.decode()
    assert '<html lang="ko">' in html
    assert "로그인" in html


def test_it_switches_to_english_and_remembers_it(client, lessons):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("lessons:home")).content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html


def test_it_keeps_lesson_text_as_written_in_english_ui(client, basic):
    from tests.conftest import make_lesson

    make_lesson(basic, "파드", 1, slug="pod", body="## 파드란\n\n파드는 가장 작은 단위다.\n")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "파드는 가장 작은 단위다." in client.get("/lessons/pod/").content.decode()


def test_it_has_a_korean_translation_for_every_message():
    catalog = (Path(__file__).resolve().parents[2] / "locale/ko/LC_MESSAGES/django.po").read_text()
    entries = catalog.split("\n\n")[1:]  # the first is the header
    assert entries
    for entry in entries:
        assert "#, fuzzy" not in entry, entry
        lines = entry.splitlines()
        for number, line in enumerate(lines):
            if line.startswith("msgstr"):
                continued = number + 1 < len(lines) and lines[number + 1].startswith('"')
                assert not line.endswith(' ""') or continued, entry


@pytest.mark.parametrize(
    "catalogue", sorted(str(p) for p in (ROOT / "locale").glob("*/LC_MESSAGES/*.po"))
)
def test_each_compiled_catalogue_holds_what_its_po_file_says(catalogue, tmp_path):
    # The .mo files are committed; one left behind by a merge shows English to Koreans.
    compiled = tmp_path / "fresh.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), catalogue], check=True)
    with compiled.open("rb") as fresh, open(catalogue[:-3] + ".mo", "rb") as committed:
        expected = gettext.GNUTranslations(fresh)._catalog
        found = gettext.GNUTranslations(committed)._catalog
    stale = sorted(str(key) for key in expected.keys() ^ found.keys())[:5]
    assert not stale, f"run compilemessages: {catalogue} differs from its .mo at {stale}"
    assert expected == found
