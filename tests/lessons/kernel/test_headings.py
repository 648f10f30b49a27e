"""Links beside a lesson's section headings, put into its stored HTML: each section
heading of the table of contents gets its links right after it, escaped; nothing else of
the body changes, whatever the body holds (a hostile walk and a property test)."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from lessons.kernel.headings import beside_headings
from lessons.kernel.panels import Action
from lessons.kernel.rendering import render_markdown
from tests.helpers.fuzzing import HOSTILE, hostile_text

OPEN_HEADING = re.compile(r'<h[23] id="([^"]*)">')
WRAPPER = re.compile(r'<div class="section-heading">|<p class="section-actions">.*?</p></div>')


def links_for(toc: list[dict], note: str = "질문 2") -> dict[str, list[Action]]:
    return {
        entry["id"]: [Action("질문하기", f"/ask/?section={entry['id']}", note)] for entry in toc
    }


def test_it_puts_each_sections_link_right_after_its_heading():
    rendered = render_markdown("## 파드 만들기\n\n본문.\n\n### 매니페스트\n\n더.\n\n## 끝\n")
    actions = links_for(rendered.toc)
    del actions["끝"]
    body = str(beside_headings(rendered.html, rendered.toc, actions))
    assert (
        '<div class="section-heading"><h2 id="파드-만들기">파드 만들기</h2>'
        '<p class="section-actions"><a class="section-action" href="/ask/?section=파드-만들기">'
        '질문하기<span class="visually-hidden">: 파드 만들기</span>'
        ' <span class="chip info">질문 2</span></a></p></div>'
    ) in body
    assert '<h3 id="매니페스트">매니페스트</h3><p class="section-actions">' in body
    assert body.endswith('<p>더.</p>\n<h2 id="끝">끝</h2>')  # no link asked for: as it is
    assert WRAPPER.sub("", body) == rendered.html


def test_it_leaves_the_body_as_it_is_without_links():
    rendered = render_markdown("## 하나\n\n본문\n")
    assert beside_headings(rendered.html, rendered.toc, {}) == rendered.html


def test_it_shows_no_count_when_there_is_none():
    rendered = render_markdown("## 하나\n\n본문\n")
    body = str(beside_headings(rendered.html, rendered.toc, links_for(rendered.toc, note="")))
    assert "chip" not in body and "질문하기" in body


def test_it_escapes_a_hostile_section_name_and_link():
    toc = [{"id": "x", "name": '<script>alert(1)</script>"', "level": 2}]
    actions = {"x": [Action("<b>질문</b>", '/ask/?section="><script>', "<i>2</i>")]}
    body = str(beside_headings('<h2 id="x">제목</h2>', toc, actions))
    assert "<script>" not in body and "<b>" not in body and "<i>" not in body
    assert 'href="/ask/?section=&quot;&gt;&lt;script&gt;"' in body


def test_it_is_not_fooled_by_a_heading_end_inside_an_attribute():
    # An attribute may hold "</h2>": the links go after the real end of the heading.
    html = '<h2 id="a"><span title="</h2><h2 id=&quot;a&quot;>">제목</span></h2><p>본문</p>'
    toc = [{"id": "a", "name": "제목", "level": 2}]
    body = str(beside_headings(html, toc, links_for(toc)))
    assert body.count('class="section-action"') == 1
    assert body.startswith(f'<div class="section-heading">{html[: -len("<p>본문</p>")]}')
    assert WRAPPER.sub("", body) == html


def test_it_links_only_the_first_heading_of_an_anchor_and_only_the_tocs():
    html = (
        '<h2 id="a">하나</h2>\n<h2 id="a">다시</h2>\n<h3 id="b">셋</h3>\n<h4 id="c">넷</h4>\n'
        '<blockquote>\n<h3 id="d">\n안\n</h3>\n</blockquote>'
    )
    toc = [{"id": i, "name": i, "level": 2} for i in ("a", "d")]
    body = str(beside_headings(html, toc, links_for(toc) | links_for([{"id": "c"}])))
    assert body.count('class="section-heading"') == 2
    assert '<div class="section-heading"><h2 id="a">하나</h2>' in body
    assert '<div class="section-heading"><h3 id="d">\n안\n</h3><p' in body
    assert WRAPPER.sub("", body) == html


def test_it_links_no_heading_that_raw_html_swallowed():
    rendered = render_markdown("## <iframe src=//evil.example>\n\n## 둘\n")
    assert len(rendered.toc) == 2
    body = str(beside_headings(rendered.html, rendered.toc, links_for(rendered.toc)))
    assert body.count('class="section-action"') == 1
    assert WRAPPER.sub("", body) == rendered.html


def test_it_survives_the_hostile_walk():
    for value in HOSTILE:
        rendered = render_markdown(f"## {value}\n\n{value}\n\n### 둘 {value}\n\n{value}\n")
        body = str(beside_headings(rendered.html, rendered.toc, links_for(rendered.toc)))
        assert body.count('class="section-action"') == len({e["id"] for e in rendered.toc})
        assert WRAPPER.sub("", body) == rendered.html, value


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["##", "###", "####"]), hostile_text), max_size=6))
def test_it_only_adds_links_after_the_headings_whatever_the_lesson(sections):
    source = "".join(f"{level} {text}\n\n{text}\n\n" for level, text in sections)
    rendered = render_markdown(source)
    body = str(beside_headings(rendered.html, rendered.toc, links_for(rendered.toc)))
    assert WRAPPER.sub("", body) == rendered.html
    # One link per section heading the sanitized body still has (raw HTML in a heading,
    # e.g. an unclosed <iframe>, may swallow the headings after it as text).
    kept = set(OPEN_HEADING.findall(rendered.html)) & {e["id"] for e in rendered.toc}
    assert body.count('class="section-action"') == len(kept)
