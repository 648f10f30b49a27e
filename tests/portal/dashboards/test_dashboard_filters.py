"""Sorting and filtering the dashboard with htmx, the state kept in the URL so that a
filtered view survives a reload, a bookmark and the minute's refresh."""

import re
from html import unescape

import pytest
from django.http import QueryDict
from django.urls import reverse

from tests.helpers.groups import htmx_get, logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _learner_order(html: str) -> list[str]:
    names = ["앨리스", "밥", "charlie"]
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return sorted((n for n in names if f">{n}</a></th>" in body), key=body.index)


def test_it_answers_htmx_with_the_results_fragment_at_the_same_url(hand_made):
    client = logged_in(hand_made.teacher)
    url = reverse("groups:dashboard", args=[hand_made.group.pk])
    page = client.get(url)
    fragment = htmx_get(client, url)
    assert "<html" in page.content.decode()
    assert fragment.content.decode().lstrip().startswith('<section id="dashboard-results"')
    assert "<html" not in fragment.content.decode()
    assert fragment["Vary"] and "HX-Request" in fragment["Vary"]


def test_it_sends_the_whole_page_to_an_htmx_history_restore(hand_made):
    url = reverse("groups:dashboard", args=[hand_made.group.pk])
    response = logged_in(hand_made.teacher).get(
        url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def test_it_keeps_the_filter_across_a_reload(hand_made, basic):
    client = logged_in(hand_made.teacher)
    base = reverse("groups:dashboard", args=[hand_made.group.pk])
    query = f"q=%EB%B0%A5&category={basic.pk}&sort=-progress&attention=1"
    html = client.get(f"{base}?{query}").content.decode()
    # The controls show the state...
    assert 'value="밥"' in html
    assert f'<option value="{basic.pk}" selected>' in html
    assert '<option value="-progress" selected>' in html
    assert 'name="attention" id="id_attention" checked' in html
    # ...the table applies it...
    assert _learner_order(html) == ["밥"]
    assert "Architecture" not in html[html.index("<thead>") : html.index("</thead>")]
    # ...and the minute's refresh and the CSV link carry it on.
    canonical = f"q=%EB%B0%A5&amp;category={basic.pk}&amp;sort=-progress&amp;attention=1"
    assert f'hx-get="{base}?{canonical}"' in html
    assert 'hx-trigger="every 60s"' in html
    csv_url = reverse("groups:dashboard_csv", args=[hand_made.group.pk])
    assert f'href="{csv_url}?{canonical}"' in html
    # The refresh itself (an htmx GET of that URL) answers with the same filtered rows.
    fragment = htmx_get(client, f"{base}?{query}").content.decode()
    assert _learner_order(fragment) == ["밥"]
    assert f'hx-get="{base}?{canonical}"' in fragment


def test_it_filters_with_a_plain_form_when_javascript_is_off(hand_made):
    html = (
        logged_in(hand_made.teacher)
        .get(reverse("groups:dashboard", args=[hand_made.group.pk]))
        .content.decode()
    )
    form = html[html.index('<form id="dashboard-filter"') :]
    form = form[: form.index("</form>")]
    assert 'method="get"' in form
    assert f'action="{reverse("groups:dashboard", args=[hand_made.group.pk])}"' in form
    assert 'type="submit"' in form


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("name", ["charlie", "밥", "앨리스"]),
        ("-name", ["앨리스", "밥", "charlie"]),
        ("-progress", ["앨리스", "밥", "charlie"]),
        ("progress", ["charlie", "밥", "앨리스"]),
        ("-last_active", ["앨리스", "밥", "charlie"]),
        ("last_active", ["charlie", "밥", "앨리스"]),
    ],
)
def test_it_sorts(hand_made, sort, order):
    url = reverse("groups:dashboard", args=[hand_made.group.pk]) + f"?sort={sort}"
    assert _learner_order(logged_in(hand_made.teacher).get(url).content.decode()) == order


def test_it_finds_learners_by_name_or_username(hand_made):
    client = logged_in(hand_made.teacher)
    base = reverse("groups:dashboard", args=[hand_made.group.pk])
    assert _learner_order(client.get(base + "?q=ALI").content.decode()) == ["앨리스"]
    assert _learner_order(client.get(base + "?q=앨리").content.decode()) == ["앨리스"]
    html = client.get(base + "?q=nobody").content.decode()
    assert "No learner matches these filters." in html


@pytest.mark.parametrize(
    "query",
    [
        "sort=bogus",
        "category=99999999999999999999999999",
        "category=abc",
        "category=-1",
        "q=" + "x" * 500,
        "chart=year",
        "sort=%F0%9F%98%80",
    ],
)
def test_it_explains_bad_values_and_shows_the_default_view(hand_made, query):
    client = logged_in(hand_made.teacher)
    base = reverse("groups:dashboard", args=[hand_made.group.pk])
    for response in (client.get(f"{base}?{query}"), htmx_get(client, f"{base}?{query}")):
        html = response.content.decode()
        assert response.status_code == 200
        assert "were not understood" in html
        assert "<tbody>" in html
    csv = client.get(reverse("groups:dashboard_csv", args=[hand_made.group.pk]) + f"?{query}")
    assert csv.status_code == 200


def test_the_per_day_link_keeps_the_filters_after_htmx_filtering(hand_made, basic):
    client = logged_in(hand_made.teacher)
    url = reverse("groups:dashboard", args=[hand_made.group.pk])
    fragment = htmx_get(client, url, data={"q": "밥", "category": basic.pk}).content.decode()
    # The link sits outside the swapped results, so the fragment replaces it out of band.
    link = re.search(r'<p id="chart-unit" hx-swap-oob="true"><a href="\?([^"]*)">', fragment)
    assert link, "the fragment does not update the per day/week link"
    assert QueryDict(unescape(link.group(1))) == QueryDict(
        f"q=%EB%B0%A5&category={basic.pk}&chart=day"
    )
    page = client.get(url, {"q": "밥", "chart": "day"}).content.decode()
    link = re.search(r'<p id="chart-unit"><a href="\?([^"]*)">', page)
    assert QueryDict(unescape(link.group(1))) == QueryDict("q=%EB%B0%A5")
