"""Feeds as blogs publish them: every format and encoding feedparser reads, served from a
local web server and imported by address."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from lessons.models import Category, Lesson
from tests.helpers import feed_server as local_server

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
feed_server = local_server.feed_server  # the fixture

RSS = """<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0"><channel><title>블로그</title>
<item><title>[Basic] 쿠버네티스 소개</title><link>https://blog.example.com/intro</link>
<pubDate>Tue, 05 Sep 2023 12:10:00 +0900</pubDate>
<description>&lt;p&gt;쿠버네티스는 컨테이너를 &lt;b&gt;조율&lt;/b&gt;한다.&lt;/p&gt;</description>
</item></channel></rss>"""

RSS_10 = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://blog.example.com/"><title>블로그</title>
  <link>https://blog.example.com/</link><description>d</description></channel>
<item rdf:about="https://blog.example.com/rdf-post">
  <title>RDF 글</title><link>https://blog.example.com/rdf-post</link>
  <description>RSS 1.0 본문.</description><dc:subject>Basic</dc:subject>
  <dc:date>2023-09-05T12:10:00+09:00</dc:date>
</item></rdf:RDF>"""

ATOM_03 = """<?xml version="1.0" encoding="utf-8"?>
<feed version="0.3" xmlns="http://purl.org/atom/ns#">
<title>블로그</title><link rel="alternate" type="text/html" href="https://blog.example.com/"/>
<modified>2023-09-05T12:10:00Z</modified>
<entry><title>[Basic] 아톰 0.3 글</title>
  <link rel="alternate" type="text/html" href="https://blog.example.com/atom03"/>
  <id>tag:blog.example.com,2023:1</id><issued>2023-09-05T12:10:00Z</issued>
  <modified>2023-09-06T12:10:00Z</modified>
  <content type="text/html" mode="escaped"
    >&lt;p&gt;아톰 0.3 &lt;em&gt;본문&lt;/em&gt;.&lt;/p&gt;</content>
</entry></feed>"""

WXR = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>블로그</title><link>https://blog.example.com</link>
<wp:wxr_version>1.2</wp:wxr_version>
{items}
</channel></rss>"""

WXR_ITEM = """<item><title>{title}</title><link>https://blog.example.com/{slug}/</link>
<pubDate>Fri, 01 Dec 2023 00:00:00 +0000</pubDate>
<guid isPermaLink="false">https://blog.example.com/?p={id}</guid>
<content:encoded><![CDATA[{content}]]></content:encoded>
<excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>
<wp:post_id>{id}</wp:post_id><wp:post_date_gmt><![CDATA[{date}]]></wp:post_date_gmt>
<wp:status><![CDATA[{status}]]></wp:status><wp:post_type><![CDATA[{type}]]></wp:post_type>
<category domain="post_tag" nicename="k8s"><![CDATA[k8s]]></category>
<category domain="category" nicename="cka"><![CDATA[CKA]]></category>
</item>"""


def wxr_item(id: int, title: str, status="publish", type="post", **extra) -> str:
    values = {"slug": f"post-{id}", "content": f"<p>{title} 본문</p>", "excerpt": "",
              "date": "2023-09-05 12:10:00", **extra}  # fmt: skip
    return WXR_ITEM.format(id=id, title=title, status=status, type=type, **values)


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_feed", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.parametrize("encoding", ["EUC-KR", "CP949", "UTF-8"])
def test_it_reads_a_korean_feed_in_its_declared_encoding(feed_server, basic, encoding):
    url = feed_server.serve("/feed.xml", RSS.format(encoding=encoding).encode(encoding))
    assert "1 created" in run(url)
    lesson = Lesson.objects.get()
    assert lesson.title == "쿠버네티스 소개"
    assert lesson.body == "쿠버네티스는 컨테이너를 **조율**한다.\n"


def test_it_reads_big5(feed_server):
    feed = RSS.format(encoding="Big5").replace("블로그", "部落格")
    feed = feed.replace("쿠버네티스 소개", "容器編排").replace(
        "쿠버네티스는 컨테이너를 &lt;b&gt;조율&lt;/b&gt;한다.", "容器編排系統"
    )
    run(feed_server.serve("/feed.xml", feed.encode("big5")), "--category", "Basic")
    assert Lesson.objects.get().title == "容器編排"


def test_it_takes_the_encoding_from_the_http_header(feed_server):
    feed = RSS.format(encoding="utf-8").replace('encoding="utf-8"', "")
    url = feed_server.serve(
        "/feed.xml", feed.encode("euc-kr"), headers={"Content-Type": "text/xml; charset=euc-kr"}
    )
    run(url)
    assert Lesson.objects.get().title == "쿠버네티스 소개"


@pytest.mark.parametrize("codec", ["utf-16", "utf-8-sig"])
def test_it_takes_the_encoding_from_a_byte_order_mark(feed_server, codec):
    feed = RSS.format(encoding="utf-8").replace(' encoding="utf-8"', "")
    run(feed_server.serve("/feed.xml", feed.encode(codec)))
    assert Lesson.objects.get().title == "쿠버네티스 소개"


def test_it_detects_an_undeclared_encoding(feed_server):
    feed = (
        RSS.format(encoding="x")
        .replace(' encoding="x"', "")
        .replace(
            "쿠버네티스는", "쿠버네티스는 여러 서버에 나뉘어 도는 컨테이너의 배치와 복구를 맡아서 "
        )
    )
    run(feed_server.serve("/feed.xml", feed.encode("euc-kr"), headers={}))
    assert Lesson.objects.get().title == "쿠버네티스 소개"


@pytest.mark.parametrize("encoding", ["UTF-7", "x-bogus"])
def test_it_refuses_an_unknown_or_unsafe_declared_encoding_clearly(feed_server, encoding):
    url = feed_server.serve("/feed.xml", RSS.format(encoding=encoding).encode("utf-8"))
    with pytest.raises(CommandError, match=f'Nothing was imported: .*encoding "{encoding}"'):
        run(url)
    assert Lesson.objects.count() == 0


def test_it_reads_html_entities_outside_cdata(feed_server, basic):
    feed = RSS.format(encoding="utf-8").replace(
        "&lt;p&gt;쿠버네티스는", "&nbsp;&copy; 2023&mdash;&lt;p&gt;쿠버네티스는"
    )
    assert "1 created" in run(feed_server.serve("/feed.xml", feed))
    assert "© 2023—" in Lesson.objects.get().body


def test_it_reads_rss_1_0(feed_server, basic):
    assert "1 created" in run(feed_server.serve("/feed.rdf", RSS_10))
    lesson = Lesson.objects.get(source_url="https://blog.example.com/rdf-post")
    assert (lesson.title, lesson.category, lesson.body) == ("RDF 글", basic, "RSS 1.0 본문.\n")
    assert lesson.published_at.isoformat() == "2023-09-05T03:10:00+00:00"


def test_it_reads_atom_0_3(feed_server, basic):
    assert "1 created" in run(feed_server.serve("/atom.xml", ATOM_03))
    lesson = Lesson.objects.get(source_url="https://blog.example.com/atom03")
    assert (lesson.title, lesson.body) == ("아톰 0.3 글", "아톰 0.3 *본문*.\n")
    assert lesson.published_at.isoformat() == "2023-09-05T12:10:00+00:00"


def test_it_reads_rss_0_91(feed_server, basic):
    feed = """<rss version="0.91"><channel><title>b</title><item><title>[Basic] 옛 글</title>
    <link>https://blog.example.com/old</link><description>옛 본문</description></item>
    </channel></rss>"""
    assert "1 created" in run(feed_server.serve("/old.xml", feed))


def test_it_imports_a_wordpress_export_posts_and_drafts_with_categories_and_dates(feed_server, cka):
    items = "".join([
        wxr_item(1, "게시된 글", excerpt="요약문",
                 content='<p>그림 <img src="https://blog.example.com/a.png" alt="a"></p>'),
        wxr_item(2, "초안 글", status="draft", date="0000-00-00 00:00:00"),
        wxr_item(3, "첨부 이미지", type="attachment"),
        wxr_item(4, "휴지통 글", status="trash"),
        wxr_item(5, "소개 페이지", type="page"),
    ])  # fmt: skip
    output = run(feed_server.serve("/export.xml", WXR.format(items=items)), "--publish")
    assert "2 created, 0 updated, 0 unchanged, 3 skipped." in output
    assert 'entry 3: 첨부 이미지: a WordPress "attachment", not a post' in output
    assert 'entry 4: 휴지통 글: a WordPress post with the status "trash"' in output
    published = Lesson.objects.get(source_url="https://blog.example.com/post-1/")
    assert (published.category, published.status) == (cka, Lesson.Status.PUBLISHED)
    assert published.summary == "요약문"
    assert published.published_at.isoformat() == "2023-09-05T12:10:00+00:00"
    assert '<img alt="a" src="https://blog.example.com/a.png">' in published.body_html
    draft = Lesson.objects.get(source_url="https://blog.example.com/post-2/")
    assert (draft.status, draft.published_at) == (Lesson.Status.DRAFT, None)


HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script><a href="javascript:alert(3)">x</a><iframe src="https://evil.example.com"></iframe>'  # noqa: E501
UNSAFE = ["<script", "alert", "javascript:", "onerror", "<iframe", "evil.example.com"]


def hostile_documents() -> dict[str, str]:
    escaped = HOSTILE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    rss = f"""<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
    <item><title>[Basic] 글 {escaped}</title><link>https://blog.example.com/h</link>
    <author>{escaped}</author><category>{escaped}</category>
    <description>{escaped} 요약</description>
    <content:encoded><![CDATA[<p>본문</p>{HOSTILE}]]></content:encoded></item></channel></rss>"""
    atom = f"""<feed xmlns="http://www.w3.org/2005/Atom"><title>b</title>
    <entry><title type="html">[Basic] 글 {escaped}</title><id>https://blog.example.com/h</id>
    <author><name>{escaped}</name></author><category term="{escaped}"/>
    <summary type="html">{escaped} 요약</summary>
    <content type="html">&lt;p&gt;본문&lt;/p&gt;{escaped}</content></entry></feed>"""
    rdf = (
        RSS_10.replace("RDF 글", f"[Basic] 글 {escaped}")
        .replace("RSS 1.0 본문.", f"본문 {escaped}")
        .replace("<dc:subject>Basic</dc:subject>", f"<dc:subject>{escaped}</dc:subject>")
    )
    atom03 = ATOM_03.replace("아톰 0.3 글", f"글 {escaped}").replace(
        "&lt;p&gt;아톰 0.3", f"{escaped}&lt;p&gt;아톰 0.3"
    )
    wxr = WXR.format(items=wxr_item(1, f"[Basic] 글 {escaped}", content=f"<p>본문</p>{HOSTILE}",
                                    excerpt=HOSTILE))  # fmt: skip
    return {"rss20": rss, "atom10": atom, "rss10": rdf, "atom03": atom03, "wxr": wxr}


@pytest.mark.parametrize("name", ["rss20", "atom10", "rss10", "atom03", "wxr"])
def test_it_stores_and_shows_nothing_unsafe_from_hostile_html_in_any_field(
    feed_server, basic, editor, name
):
    url = feed_server.serve("/hostile.xml", hostile_documents()[name])
    assert "1 created" in run(url, "--category", "Basic", "--publish")
    lesson = Lesson.objects.get()
    stored = [lesson.title, lesson.summary, lesson.body, lesson.body_html]
    stored += [c.name for c in Category.objects.all()] + [c.slug for c in Category.objects.all()]
    for text in stored:
        for unsafe in UNSAFE:
            assert unsafe not in text.lower(), (unsafe, text)
    client = Client()
    client.force_login(editor)
    page = client.get(lesson.get_absolute_url()).content.decode()
    for unsafe in ("<script>alert", "onerror=", "javascript:alert", "<iframe"):
        assert unsafe not in page
