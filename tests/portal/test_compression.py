"""Pages travel gzip-compressed to browsers that ask for it, padded against BREACH."""

import gzip

import pytest
from django.urls import reverse

from tests.helpers.groups import logged_in

pytestmark = pytest.mark.django_db

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_a_lesson_page_is_compressed_for_a_browser_that_asks(client, lessons):
    url = reverse("lessons:lesson", args=[lessons[0].slug])
    plain = client.get(url)
    packed = client.get(url, headers=GZIP)
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    html = gzip.decompress(packed.content).decode()
    assert lessons[0].title in html
    assert int(packed.headers["Content-Length"]) == len(packed.content) < len(plain.content)


def test_the_dashboard_shrinks_and_reads_the_same(hand_made):
    client = logged_in(hand_made.teacher)
    url = reverse("groups:dashboard", args=[hand_made.group.pk])
    packed = client.get(url, headers=GZIP)
    html = gzip.decompress(packed.content).decode()
    assert '<td class="cell heat-4">✓ 100</td>' in html
    assert len(packed.content) * 3 < len(html)


def test_htmx_fragments_are_compressed_too(hand_made):
    client = logged_in(hand_made.teacher)
    url = reverse("groups:dashboard", args=[hand_made.group.pk])
    packed = client.get(url, headers={**GZIP, "HX-Request": "true"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content).decode().lstrip().startswith("<section")


def test_each_compressed_response_carries_random_padding(client, lessons):
    """Heal-the-BREACH: a random-length file name in the gzip header, so that response
    sizes do not leak how well a secret compressed against the page."""
    url = reverse("lessons:lesson", args=[lessons[0].slug])
    headers = [client.get(url, headers=GZIP).content[:10] for _ in range(3)]
    assert all(header[3] & gzip.FNAME for header in headers)
    sizes = {len(client.get(url, headers=GZIP).content) for _ in range(20)}
    assert len(sizes) > 1
