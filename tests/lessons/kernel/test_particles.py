"""Korean particles agree with the word before them: "“파드”를", never "“파드”을(를)"."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from lessons.kernel.particles import PAIRS, particle, resolve_particles
from lessons.models import Lesson

CATALOGUE = Path(__file__).resolve().parents[3] / "locale/ko/LC_MESSAGES/django.po"


@pytest.mark.parametrize(
    "word, marker, expected",
    [
        # Hangul: by the last syllable's final consonant; ㄹ takes 로.
        ("파드", "을(를)", "를"),
        ("노드 구조", "을(를)", "를"),
        ("쿠버네티스 보안", "을(를)", "을"),
        ("서비스", "와(과)", "와"),
        ("네트워크 정책", "와(과)", "과"),
        ("클러스터", "이(가)", "가"),
        ("컨테이너 런타임", "이(가)", "이"),
        ("스케줄링", "은(는)", "은"),
        ("레플리카", "은(는)", "는"),
        ("서울", "(으)로", "로"),
        ("부산", "(으)로", "으로"),
        ("바다", "(으)로", "로"),
        ("가", "를(을)", "를"),
        ("“Helm과 Kustomize”", "을(를)", "를"),
        # Digits as read in Korean: 404 사, 500 오백, 301 일, 10 십, 0 영, 1.5 오.
        ("404", "(으)로", "로"),
        ("500", "(으)로", "으로"),
        ("301", "(으)로", "로"),
        ("200", "을(를)", "을"),
        ("10", "이(가)", "이"),
        ("0", "이(가)", "이"),
        ("1.5", "이(가)", "가"),
        ("1,000,000", "이(가)", "이"),
        ("1000000000000", "이(가)", "가"),  # 일조
        ("v1.24", "(으)로", "로"),
        ("50%", "(으)로", "로"),
        # Letters: an acronym letter by letter, a word by its English sound.
        ("CKA", "은(는)", "는"),
        ("URL", "(으)로", "로"),
        ("RBAC", "을(를)", "를"),
        ("CoreDNS", "을(를)", "를"),
        ("containerD", "와(과)", "와"),
        ("kubectl", "(으)로", "로"),
        ("kubectl", "을(를)", "을"),
        ("helm", "을(를)", "을"),
        ("volume", "이(가)", "이"),
        ("node", "이(가)", "가"),
        ("role", "(으)로", "로"),
        ("string", "이(가)", "이"),
        ("stack", "이(가)", "이"),
        ("lab", "이(가)", "이"),
        ("app", "이(가)", "이"),
        ("pod", "이(가)", "가"),
        ("cluster", "이(가)", "가"),
        ("test", "을(를)", "를"),
        ("zzzz", "와(과)", "와"),
        ("example.com", "이(가)", "이"),
        ("utf-7", "(으)로", "로"),
    ],
)
def test_it_picks_the_form_the_word_takes(word, marker, expected):
    assert particle(word, marker) == expected


@pytest.mark.parametrize("word", ["", "   ", "😀", "“”", "<>", "…", "→", "ㅋㅋ", "日本", "ñ"])
def test_it_keeps_both_forms_where_the_word_cannot_be_read(word):
    for marker in PAIRS:
        assert particle(word, marker) == marker


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "“쿠버네티스 개요”을(를) 완료로 표시했습니다.",
            "“쿠버네티스 개요”를 완료로 표시했습니다.",
        ),
        ("“zzzz”와(과) 일치하는 레슨이 없습니다.", "“zzzz”와 일치하는 레슨이 없습니다."),
        ("서버가 500(으)로 응답했습니다", "서버가 500으로 응답했습니다"),
        ("“파드”와(과) “노드”은(는)", "“파드”와 “노드”는"),
        ("을(를) 처음에", "을(를) 처음에"),
        ("“😀”을(를)", "“😀”을(를)"),
        ("no particles here (or brackets)", "no particles here (or brackets)"),
        ("", ""),
    ],
)
def test_it_resolves_every_pair_in_a_message(text, expected):
    assert resolve_particles(text) == expected


def test_it_leaves_markup_and_hostile_text_as_it_was():
    hostile = "“<script>alert(1)</script>”을(를) 완료로"
    assert resolve_particles(hostile) == "“<script>alert(1)</script>”을(를) 완료로"
    html = Template("{% load ui %}{{ text|particles }}").render(
        Context({"text": "“<b>파드</b>”을(를)"})
    )
    assert html == "“&lt;b&gt;파드&lt;/b&gt;”을(를)"


def test_the_template_filter_keeps_safe_text_safe():
    html = Template(
        "{% load i18n ui %}{% blocktranslate with q=q asvar said %}No lessons match “{{ q }}”."
        "{% endblocktranslate %}{{ said|particles }}"
    )
    with translation.override("ko"):
        rendered = html.render(Context({"q": "파드 & <노드>"}))
    assert rendered == "“파드 &amp; &lt;노드&gt;”와(과) 일치하는 레슨이 없습니다."
    with translation.override("ko"):
        assert html.render(Context({"q": "노드"})) == "“노드”와 일치하는 레슨이 없습니다."


def test_every_pair_in_the_korean_catalogue_is_one_the_helper_resolves():
    particles = "을를이가은는과와"
    written = re.findall(rf"[{particles}]\([{particles}]\)|\(으\)로", CATALOGUE.read_text())
    assert written
    assert set(written) <= set(PAIRS)


@pytest.mark.django_db
def test_marking_a_lesson_done_says_it_with_the_right_particle(alice_client, basic):
    from tests.conftest import make_lesson

    make_lesson(basic, "쿠버네티스 개요", 1, slug="overview")
    make_lesson(basic, "쿠버네티스 보안", 2, slug="security")
    for slug, said in [("overview", "“쿠버네티스 개요”를"), ("security", "“쿠버네티스 보안”을")]:
        response = alice_client.post(reverse("lessons:completion", args=[slug]), {"done": "1"})
        html = alice_client.get(response.url).content.decode()
        assert f"{said} 완료로 표시했습니다." in html
        assert "(를)" not in html
    assert Lesson.objects.count() == 2


@pytest.mark.django_db
def test_a_live_search_without_results_says_it_with_the_right_particle(client, lessons):
    headers = {"HX-Request": "true", "HX-Target": "site-search-results"}
    for q, said in [("zzzz", "“zzzz”와"), ("없는말", "“없는말”과")]:
        html = client.get(reverse("lessons:search"), {"q": q}, headers=headers).content.decode()
        assert f"{said} 일치하는 레슨이 없습니다." in html
        assert "와(과)" not in html


def test_a_feed_that_cannot_be_read_says_why_with_the_right_particle():
    from django.utils.translation import gettext

    from lessons.authoring.feeds.fetching import FetchError
    from lessons.authoring.feeds.reading import FeedError

    with translation.override("ko"):
        answered = gettext("the server answered %(status)d")
        declared = gettext('it declares the unknown character encoding "%(name)s"')
        assert str(FetchError(answered % {"status": 500})) == "서버가 500으로 응답했습니다"
        assert str(FetchError(answered % {"status": 404})) == "서버가 404로 응답했습니다"
        assert str(FeedError(declared % {"name": "koi8"})) == (
            '알 수 없는 문자 인코딩 "koi8"을 선언합니다'
        )
