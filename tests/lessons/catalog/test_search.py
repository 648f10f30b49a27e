"""Search: the header box, the results page and its htmx partials, Korean and English."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from lessons.kernel import search, search_results
from lessons.models import Lesson
from tests.conftest import make_lesson

pytestmark = pytest.mark.django_db

LIVE = {"HX-Request": "true", "HX-Target": "site-search-results"}
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the tsvector index is PostgreSQL's"
)


@pytest.fixture
def seed(seed_lessons) -> None:
    """The seed lessons, imported once per process (tests/helpers/seed.py)."""


def titles(client, q: str, **headers) -> list[str]:
    response = client.get(reverse("lessons:search"), {"q": q}, headers=headers)
    assert response.status_code == 200
    return [hit.lesson.title for hit in response.context["results"].hits]


@pytest.mark.parametrize(
    "q, first",
    [
        ("배포", "쿠버네티스 배포"),
        ("보안", "쿠버네티스 보안"),
        ("네트워크를", "쿠버네티스 네트워크"),
        ("모니터링", "쿠버네티스 모니터링"),
        ("롤백", "쿠버네티스 배포"),
        ("드레인", "쿠버네티스 오케스트레이션 실습"),
        ("인그레스", "쿠버네티스 네트워크"),
        ("런타임", "Docker & containerD"),
        ("etcd", "Kubernetes Architecture"),
        ("containerd", "Docker & containerD"),
        ("ClusterIP", "쿠버네티스 네트워크"),
        ("NetworkPolicy", "쿠버네티스 네트워크"),
        ("RBAC", "쿠버네티스 보안"),
        ("Prometheus", "쿠버네티스 모니터링"),
        ("ＥＴＣＤ", "Kubernetes Architecture"),
        ("PersistentVolumeClaim", "Storage"),
        ("Kustomize", "Helm과 Kustomize"),
    ],
)
def test_it_puts_the_expected_seed_lesson_first(client, seed, q, first):
    assert titles(client, q)[0] == first


@pytest.mark.parametrize(
    "q, body",
    [
        ("배포", "새 버전을 배포를 통해 내보낸다."),
        ("파드", "요청은 파드에서 처리된다."),
        ("런타임", "컨테이너런타임 인터페이스를 쓴다."),
        ("kubelet", "노드의 kubelet은 파드를 띄운다."),
        ("containerd", "기본 런타임은 containerd이다."),
        ("노드", "노드가 준비되었다."),
        ("파드에서", "파드 안의 컨테이너."),
        ("kube", "kube-proxy가 규칙을 만든다."),
    ],
)
def test_it_finds_terms_inside_words_with_particles_and_compounds(client, basic, q, body):
    make_lesson(basic, "대상", slug="target", body=body)
    make_lesson(basic, "다른 글", slug="other", body="관계없는 내용이다.")
    assert titles(client, q) == ["대상"]


def test_it_does_not_match_the_grams_of_a_word_scattered_apart(client, basic):
    make_lesson(basic, "흩어진 글", slug="scattered", body="런던 타워와 임시 숙소")
    make_lesson(basic, "붙은 글", slug="joined", body="컨테이너 런타임")
    assert titles(client, "런타임") == ["붙은 글"]


def test_it_behaves_sensibly_for_one_syllable_and_one_letter(client, basic):
    make_lesson(basic, "파드 개요", slug="pods", body="파드는 작은 단위다.")
    make_lesson(basic, "노드 개요", slug="nodes", body="노드는 서버다. kubectl을 쓴다.")
    assert titles(client, "파") == ["파드 개요"]
    assert titles(client, "k") == ["노드 개요"]


def test_it_ranks_title_matches_first(client, basic):
    make_lesson(basic, "잡다한 글", slug="misc", body="보안 보안 보안 보안 보안 이야기.")
    make_lesson(basic, "보안 기초", slug="security", body="짧은 글.")
    assert titles(client, "보안") == ["보안 기초", "잡다한 글"]


def test_it_finds_a_lesson_by_its_new_words_after_an_edit(client, basic):
    lesson = make_lesson(basic, "옛 제목", slug="edited", body="처음 글.")
    assert titles(client, "스케줄러") == []
    lesson.title = "스케줄러 이야기"
    lesson.save(update_fields=["title"])
    assert titles(client, "스케줄러") == ["스케줄러 이야기"]
    lesson.body = "테인트와 톨러레이션."
    lesson.save()
    assert titles(client, "톨러레이션") == ["스케줄러 이야기"]


def test_it_hides_drafts_from_visitors_and_learners_but_not_from_staff(
    client, alice_client, editor_client, lessons
):
    assert titles(client, "secret") == []
    assert titles(alice_client, "secret") == []
    assert titles(client, "secret", **LIVE) == []
    assert titles(editor_client, "secret") == ["Secret draft"]
    html = editor_client.get(reverse("lessons:search"), {"q": "secret"}).content.decode()
    assert '<span class="chip warn">' in html


def test_it_highlights_matches_in_the_title_and_a_short_excerpt(client, basic):
    body = (
        "## 절\n\n" + "앞 문장입니다. " * 40 + "여기서 **파드에서** 컨테이너가 돈다. " + "뒤. " * 80
    )
    make_lesson(basic, "파드 네트워크", slug="pods", body=body)
    html = client.get(reverse("lessons:search"), {"q": "파드"}).content.decode()
    assert '<a href="/lessons/pods/#절"><mark>파드</mark> 네트워크</a>' in html
    excerpt = html[html.index('<p class="excerpt">') :].split("</p>")[0]
    assert "여기서 <mark>파드</mark>에서 컨테이너가 돈다." in excerpt
    assert excerpt.count("앞 문장입니다.") < 10
    assert "**" not in excerpt


def test_it_keeps_highlighting_safe_against_html_in_the_query_and_the_text(client, basic):
    body = "<script>alert(1)</script> 파드 script &amp; <img src=x onerror=alert(2)>"
    make_lesson(basic, "<b>굵은</b> 파드 & script", slug="html-title", body=body)
    q = '"><script>파드</script>'
    response = client.get(reverse("lessons:search"), {"q": q})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<b>굵은</b>" not in html
    assert "&lt;b&gt;굵은&lt;/b&gt; <mark>파드</mark> &amp; <mark>script</mark>" in html
    assert 'value="&quot;&gt;&lt;script&gt;파드&lt;/script&gt;"' in html


def test_it_escapes_first_and_marks_after():
    query = search.parse_query("amp lt")
    assert search_results.highlight("a & b < c amp", query) == "a &amp; b &lt; c <mark>amp</mark>"


@pytest.mark.parametrize(
    "q",
    ["", "   ", "\x00", "파드\x00", "x" * 10_000, "파" * 10_000, "<>&'\"", "!!!", "%_\\",
     "' OR 1=1 --", ":* & | ! <->", "\u200b\ufeff", "🙂🙂", "ㅋㅋㅋ", "배ㅍ"],
)  # fmt: skip
def test_it_tolerates_any_input(client, lessons, q):
    for headers in ({}, LIVE, {"HX-Request": "true", "HX-Target": "search-results"}):
        response = client.get(reverse("lessons:search"), {"q": q}, headers=headers)
        assert response.status_code in (200, 400)


def test_it_caps_the_query_length(client, lessons):
    response = client.get(reverse("lessons:search"), {"q": "파드 " * 5000})
    assert response.status_code == 200
    assert len(response.context["query"].text) <= search.MAX_QUERY_CHARS
    assert response.context["query"].text.endswith("파드")
    assert len(response.context["query"].terms) == 1


def test_it_pages_the_full_results(client, basic):
    for n in range(25):
        make_lesson(basic, f"파드 {n:02d}", position=n, slug=f"pod-{n}")
    page1 = client.get(reverse("lessons:search"), {"q": "파드"})
    assert len(page1.context["results"].hits) == 20
    assert page1.context["results"].total == 25
    assert 'rel="next" href="?q=%ED%8C%8C%EB%93%9C&amp;page=2"' in page1.content.decode()
    page2 = client.get(reverse("lessons:search"), {"q": "파드", "page": "2"})
    assert len(page2.context["results"].hits) == 5
    assert client.get(reverse("lessons:search"), {"q": "파드", "page": "x"}).status_code == 200


def test_it_serves_the_whole_page_without_htmx_and_the_results_with_it(client, seed):
    url = reverse("lessons:search")
    page = client.get(url, {"q": "보안"}).content.decode()
    assert "<html" in page and 'id="search-results"' in page
    assert '<input type="search" id="site-search-q" name="q" value="보안"' in page
    assert page.count('type="search"') == 1
    results = client.get(url, {"q": "보안"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in results and results.lstrip().startswith('<section id="search-results"')
    live = client.get(url, {"q": "보안"}, headers=LIVE).content.decode()
    assert "<html" not in live and 'class="search-live"' in live
    assert 'href="/search/?q=%EB%B3%B4%EC%95%88"' in live
    restore = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    assert "<html" in client.get(url, {"q": "보안"}, headers=restore).content.decode()


def test_it_puts_a_labelled_search_box_with_live_results_in_the_header(client, lessons):
    html = client.get(reverse("lessons:home")).content.decode()
    nav = html[html.index('<header class="site-header"') : html.index("</header>")]
    assert '<form role="search" action="/search/" method="get"' in nav
    assert 'role="combobox" aria-autocomplete="list" aria-expanded="false"' in nav
    assert 'aria-controls="site-search-listbox"' in nav
    assert '<label for="site-search-q"' in nav
    assert 'hx-get="/search/"' in nav
    assert 'hx-trigger="input changed delay:300ms, search"' in nav
    assert 'hx-target="#site-search-results"' in nav
    assert 'id="site-search-results"' in nav
    assert " style=" not in nav and "<script" not in nav


def test_it_lists_live_results_as_options_of_a_listbox(english, client, lessons):
    live = client.get(reverse("lessons:search"), {"q": "pods"}, headers=LIVE).content.decode()

    assert '<ul class="search-live" role="listbox" id="site-search-listbox"' in live
    assert '<li role="option" id="site-search-option-1" aria-selected="false">' in live
    assert re.search(r'data-announce="\d+ lessons? found; use the arrow keys to choose."', live)


def test_it_says_so_when_nothing_matches_live(english, client, lessons):
    live = client.get(reverse("lessons:search"), {"q": "없는말"}, headers=LIVE).content.decode()

    assert 'role="listbox"' not in live
    assert "No lessons match “없는말”." in live


def test_it_offers_tips_and_categories_when_nothing_matches(
    english, client, lessons, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        html = client.get(reverse("lessons:search"), {"q": "없는말"}).content.decode()

    assert "Try fewer words" in html
    assert 'href="/categories/basic/"' in html and 'href="/categories/cka/"' in html


def test_it_keeps_to_a_query_budget(client, alice_client, seed, django_assert_max_num_queries):
    url = reverse("lessons:search")
    with django_assert_max_num_queries(1):
        client.get(url, {"q": "파드 kubelet"})
    with django_assert_max_num_queries(1):
        client.get(url, {"q": "파드"}, headers=LIVE)
    with django_assert_max_num_queries(0):
        client.get(url, {"q": ""})
    # The session, the user, the lessons found, and the learner's groups (none here).
    with django_assert_max_num_queries(4):
        alice_client.get(url, {"q": "파드에서"})
    # The lessons found and the groups are kept: the session and the user, and someone in
    # no group sends nothing for the questions panel.
    with django_assert_max_num_queries(2):
        alice_client.get(url, {"q": "파드에서"})
    with django_assert_max_num_queries(2):  # past the last page: no row to count from
        client.get(url, {"q": "파드", "page": "9"})


@on_postgresql
def test_it_builds_the_index_without_postgresql_s_parser(basic):
    lesson = make_lesson(basic, "컨테이너런타임", slug="cri", body="kubelet과 containerd를 쓴다.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_document::text FROM lessons_lesson WHERE id = %s", [lesson.id]
        )
        document = cursor.fetchone()[0]
    assert "'런타':5A" in document and "'타임':6A" in document
    assert "'kubelet'" in document and "'containerd'" in document
    assert "'를'" in document


@on_postgresql
def test_it_searches_through_the_gin_index(basic):
    for n in range(50):
        make_lesson(basic, f"글 {n}", slug=f"l-{n}", body=f"배포 노드 kubelet {n}")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'lessons_lesson_search_gin'"
        )
        assert "USING gin (search_document)" in cursor.fetchone()[0]
        cursor.execute("SET LOCAL enable_seqscan = off")
        _, ranked = search.search(Lesson.objects.all(), search.parse_query("배포를"))
        plan = ranked.explain()
    assert "lessons_lesson_search_gin" in plan


def test_it_leaves_no_table_rules_in_an_excerpt(client, basic):
    body = "## 데이터\n\n| 데이터 | 출처 |\n| --- | :---: |\n| 메트릭 | kubelet |\n"
    make_lesson(basic, "메트릭 표", 1, body=body, summary="")

    html = client.get(reverse("lessons:search"), {"q": "출처"}).content.decode()

    excerpt = html[html.index('class="excerpt"') :]
    excerpt = excerpt[: excerpt.index("</p>")]
    assert "<mark>출처</mark>" in excerpt
    assert "---" not in excerpt and "|" not in excerpt


SECTIONED = """처음 문단에는 파드가 한 번 나온다.

## 설치

```sh
## 파드 파드 파드: 코드 안의 줄은 절이 아니다
kubectl get pods
```

## 파드 스케줄링

스케줄러가 파드를 노드에 둔다.

### 노드 어피니티

파드와 노드, 그리고 파드.
"""


def test_it_finds_the_section_where_the_query_matches_best(basic):
    lesson = make_lesson(basic, "스케줄링", slug="scheduling", body=SECTIONED)
    toc = {entry["name"]: entry for entry in lesson.toc}

    def best(q: str) -> dict | None:
        return search_results.best_section(search.parse_query(q), lesson.body, lesson.toc)

    # Named by a heading (a code line that looks like one is not a heading).
    assert best("파드") == toc["파드 스케줄링"]
    assert best("어피니티") == toc["노드 어피니티"]
    assert best("kubectl") == toc["설치"]
    assert best("처음 문단") is None  # before the first heading: the top of the lesson
    assert best("없는말") is None
    assert search_results.best_section(search.parse_query("파드"), "", []) is None


def test_it_links_each_result_to_its_best_section_and_keeps_the_query_in_the_header(
    client, basic, django_assert_max_num_queries
):
    make_lesson(basic, "스케줄링", slug="scheduling", body=SECTIONED)
    make_lesson(basic, "어피니티 개요", slug="affinity", body="어피니티는 본문 첫머리에만.\n")
    with django_assert_max_num_queries(1):
        html = client.get(reverse("lessons:search"), {"q": "어피니티"}).content.decode()

    assert 'href="/lessons/scheduling/#노드-어피니티"' in html
    assert "§노드 어피니티" in html  # written as review and readiness write a section
    assert 'href="/lessons/affinity/"' in html  # the match is above any section
    assert 'id="site-search-q" name="q" value="어피니티"' in html
    assert html.count('type="search"') == 1
    # The header of every other page stays empty (and shared by everyone).
    home = client.get(reverse("lessons:home")).content.decode()
    assert 'id="site-search-q" name="q" maxlength="100"' in home
