"""The pages a learner reads: home, category, lesson."""

import re

import pytest
from django.urls import reverse

from lessons.models import Lesson
from tests.conftest import make_lesson

pytestmark = pytest.mark.django_db


def test_it_lists_categories_with_their_lessons_in_order(client, lessons):
    response = client.get(reverse("lessons:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Basic") < html.index("CKA")
    assert html.index("Pods") < html.index("Services") < html.index("Volumes")


def test_it_hides_drafts_from_visitors_but_not_from_staff(client, editor_client, lessons):
    assert "Secret draft" not in client.get(reverse("lessons:home")).content.decode()
    assert "Secret draft" in editor_client.get(reverse("lessons:home")).content.decode()
    draft = reverse("lessons:lesson", args=["secret-draft"])
    assert client.get(draft).status_code == 404
    assert editor_client.get(draft).status_code == 200


def test_it_keeps_the_home_query_count_flat_as_lessons_grow(
    client, lessons, basic, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):  # lessons/sql/home.py's statement
        client.get(reverse("lessons:home"))
    for n in range(40):
        make_lesson(basic, f"Extra {n}", 10 + n)
    with django_assert_max_num_queries(1):
        response = client.get(reverse("lessons:home"))
    assert "Extra 6" in response.content.decode()  # the first ten of the category


def test_it_shows_a_category_page(client, lessons, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):  # lessons/sql/category.py's statement
        response = client.get(reverse("lessons:category", args=["basic"]))
    assert response.status_code == 200
    assert "Volumes" in response.content.decode()
    assert "Architecture" not in response.content.decode()


def test_it_answers_404_for_an_unknown_category(client, db):
    assert client.get(reverse("lessons:category", args=["nope"])).status_code == 404


def test_it_shows_a_lesson_with_breadcrumb_toc_and_neighbours(
    client, lessons, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = client.get(reverse("lessons:lesson", args=["services"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-label="Breadcrumb"' in html or "breadcrumb" in html
    assert 'href="#services-첫-절"' in html  # the table of contents links to the heading
    assert 'rel="prev" href="/lessons/pods/"' in html
    assert 'rel="next" href="/lessons/volumes/"' in html


def test_it_does_not_link_a_draft_as_next_for_visitors(client, lessons):
    html = client.get(reverse("lessons:lesson", args=["volumes"])).content.decode()
    assert 'rel="next"' not in html


def test_it_serves_unicode_slugs(client, basic):
    make_lesson(basic, "네트워크", 1, slug="쿠버네티스-네트워크")
    response = client.get(reverse("lessons:lesson", args=["쿠버네티스-네트워크"]))
    assert response.status_code == 200
    assert "네트워크" in response.content.decode()


def test_it_serves_htmx_from_its_own_static_files_with_the_csp_nonce(client, lessons):
    response = client.get(reverse("lessons:home"))
    html = response.content.decode()
    assert "django_htmx/htmx-2.min.js" in html
    # No script or stylesheet from another host (a random token may well spell "cdn").
    sources = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]*)"', html)
    assert sources and all(not re.match(r"(https?:)?//", source) for source in sources)
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in html


def test_it_sets_the_csrf_header_once_on_body(client, lessons):
    html = client.get(reverse("lessons:home")).content.decode()
    assert html.count('hx-headers=\'{"x-csrftoken"') == 1


def test_it_renders_the_stored_body_without_rerendering(client, lessons):
    Lesson.objects.filter(slug="pods").update(body_html="<p>stored html</p>")
    assert "stored html" in client.get(reverse("lessons:lesson", args=["pods"])).content.decode()


def test_it_lists_the_first_lessons_per_category_on_home_and_all_on_the_category_page(
    client, basic
):
    for n in range(60):
        make_lesson(basic, f"Lesson {n:02}", n)
    home = client.get(reverse("lessons:home")).content.decode()
    assert "Lesson 09" in home and "Lesson 10" not in home
    assert reverse("lessons:category", args=["basic"]) in home
    first = client.get(reverse("lessons:category", args=["basic"])).content.decode()
    assert "Lesson 49" in first and "Lesson 50" not in first
    second = client.get(reverse("lessons:category", args=["basic"]), {"page": 2})
    assert "Lesson 59" in second.content.decode()
    assert client.get(reverse("lessons:category", args=["basic"]), {"page": "x"}).status_code == 200


def test_it_puts_the_folded_table_of_contents_after_the_title(client, basic):
    make_lesson(basic, "Toc", 1, body="## 첫 절\n\n본문.\n\n## 둘째 절\n\n더.\n")

    html = client.get(reverse("lessons:lesson", args=["toc"])).content.decode()

    assert html.index('id="lesson-title"') < html.index('<details class="toc-details">')
    assert '<details class="toc-details" open' not in html
    assert html.count('<a href="#첫-절">첫 절</a>') == 2  # folded on phones, sidebar on laptops


def meta_description(response) -> str:
    import re

    found = re.findall(r'<meta name="description" content="([^"]*)">', response.content.decode())
    assert len(found) == 1
    return found[0]


def test_a_lesson_and_a_category_describe_themselves_to_search_engines(client, basic, cka):
    lesson = make_lesson(basic, "Pods", summary="파드는 컨테이너를 함께 묶는 가장 작은 단위입니다.")
    cka.description = "CKA 시험을 준비하는 레슨"
    cka.save()
    home = meta_description(client.get(reverse("lessons:home")))
    assert home  # the portal's own description
    assert meta_description(client.get(lesson.get_absolute_url())) == lesson.summary
    assert meta_description(client.get(reverse("lessons:category", args=["cka"]))) == (
        "CKA 시험을 준비하는 레슨"
    )
    # Without a summary of its own, a page falls back to the portal's description.
    assert meta_description(client.get(reverse("lessons:category", args=["basic"]))) == home
