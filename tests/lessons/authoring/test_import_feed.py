"""`manage.py import_feed`: a blog's RSS or Atom file becomes lessons."""

import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lessons.authoring.feeds import html_to_markdown, import_feed
from lessons.models import Category, Lesson

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "data"
FEED = DATA / "blog-feed.xml"
ATOM = DATA / "blog-atom.xml"
MALFORMED = DATA / "malformed-feed.xml"
HOSTILE = ["<script", "alert", "javascript:", "onclick", "onmouseover", "onerror", "steal",
           "iframe", "evil.example.com", "style", "display: none"]  # fmt: skip


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_feed", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_creates_one_draft_lesson_per_entry_in_the_prefixed_categories(basic, cka):
    output = run(str(FEED), "--category", "공지")
    assert "4 created, 0 updated, 0 unchanged, 3 skipped." in output
    scheduler = Lesson.objects.get(source_url="https://blog.example.com/entry/scheduler")
    assert scheduler.title == "스케줄러와 노드 배치"
    assert scheduler.category == cka
    assert scheduler.status == Lesson.Status.DRAFT
    assert scheduler.published_at.isoformat() == "2023-09-05T12:10:00+00:00"
    assert scheduler.summary.startswith("스케줄러 kube-scheduler는 파드를")
    assert "kube-scheduler는 파드를 어느 **노드**에 배치할지 정한다." in scheduler.body
    assert "```bash\nkubectl get pods -o wide\n```" in scheduler.body
    assert "NODE 열이 &lt;none>이면" in scheduler.body
    assert "&lt;none&gt;이면" in scheduler.body_html


def test_it_takes_the_category_from_the_prefix_then_the_entry_then_the_command_line(cka):
    run(str(FEED), "--category", "공지")
    secrets = Lesson.objects.get(source_url="https://blog.example.com/entry/secrets")
    assert secrets.category.name == "보안"
    assert secrets.category.slug == "보안"
    cri = Lesson.objects.get(source_url="https://blog.example.com/entry/cri")
    assert (cri.title, cri.category) == ("컨테이너런타임 인터페이스 정리", cka)
    notice = Lesson.objects.get(source_url="https://blog.example.com/entry/notice")
    assert notice.category.name == "공지"


def test_it_lists_entries_it_cannot_import_with_the_reason_and_imports_the_rest(basic, cka):
    output = run(str(FEED), "--category", "공지")
    assert "skipped: entry 2: 스케줄러와 노드 배치: the same entry (id/link) as entry 1" in output
    assert "skipped: entry 6: (no title): no title" in output
    assert "skipped: entry 7: 내용 없는 글: no content" in output
    assert Lesson.objects.count() == 4


def test_it_skips_entries_without_any_category_when_none_is_given(basic, cka):
    output = run(str(FEED))
    assert "entry 5: 스터디 공지: no category" in output
    assert not Lesson.objects.filter(source_url__endswith="/notice").exists()


def test_it_strips_hostile_html(basic, cka):
    run(str(FEED), "--category", "공지")
    secrets = Lesson.objects.get(source_url="https://blog.example.com/entry/secrets")
    for text in (secrets.body, secrets.body_html):
        for hostile in HOSTILE:
            assert hostile not in text, (hostile, text)
    assert "여기를 누르세요 또는 [공식 문서](https://kubernetes.io/" in secrets.body
    assert '<img alt="시크릿 구조" src="https://blog.example.com/secret.png">' in secrets.body_html
    # The post's <h1> becomes the lesson's first section; its <h2> the one below.
    assert secrets.body.startswith("## 시크릿\n")
    assert "### 암호화" in secrets.body


def test_it_updates_and_never_duplicates_on_a_second_import(basic, cka, tmp_path):
    run(str(FEED), "--category", "공지")
    assert "0 created, 0 updated, 4 unchanged, 3 skipped." in run(str(FEED), "--category", "공지")
    assert Lesson.objects.count() == 4
    lesson = Lesson.objects.get(source_url__endswith="/entry/cri")
    lesson.status, lesson.position = Lesson.Status.PUBLISHED, 42
    lesson.save()
    changed = tmp_path / "feed.xml"
    changed.write_text(
        FEED.read_text().replace(
            "kubelet은 CRI로 런타임과 통신한다.", "kubelet은 gRPC로 통신한다."
        ),
        encoding="utf-8",
    )
    output = run(str(changed), "--category", "공지")
    assert "0 created, 1 updated, 3 unchanged, 3 skipped." in output
    lesson.refresh_from_db()
    assert "kubelet은 gRPC로 통신한다." in lesson.body
    assert "gRPC" in lesson.body_html
    # The editor's decisions survive: status, position, category, slug.
    assert (lesson.status, lesson.position) == (Lesson.Status.PUBLISHED, 42)
    assert Lesson.objects.count() == 4


def test_it_keeps_the_most_recently_updated_copy_of_a_repeated_entry(basic, tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_text(
        """<rss version="2.0"><channel>
        <item><title>[Basic] 옛 제목</title><link>https://b.example/1</link>
          <pubDate>Mon, 04 Sep 2023 09:00:00 +0900</pubDate><description>옛 글</description></item>
        <item><title>[Basic] 새 제목</title><link>https://b.example/1</link>
          <pubDate>Tue, 05 Sep 2023 09:00:00 +0900</pubDate><description>새 글</description></item>
        </channel></rss>""",
        encoding="utf-8",
    )
    output = run(str(feed))
    assert "skipped: entry 1: 옛 제목: the same entry (id/link) as entry 2" in output
    assert list(Lesson.objects.values_list("title", flat=True)) == ["새 제목"]


def test_it_publishes_new_lessons_when_asked(basic, cka):
    run(str(FEED), "--category", "공지", "--publish")
    assert set(Lesson.objects.values_list("status", flat=True)) == {Lesson.Status.PUBLISHED}


def test_it_places_new_lessons_after_the_category_s_lessons_oldest_first(cka):
    Lesson.objects.create(category=cka, title="기존", slug="existing", body="본문", position=7)
    run(str(FEED), "--category", "공지")
    order = list(
        Lesson.objects.filter(category=cka).order_by("position").values_list("slug", "position")
    )
    assert order == [
        ("existing", 7),
        ("컨테이너런타임-인터페이스-정리", 8),
        ("스케줄러와-노드-배치", 9),
    ]


def test_it_gives_a_new_lesson_a_free_slug(cka):
    Lesson.objects.create(category=cka, title="x", slug="스케줄러와-노드-배치", body="본문")
    run(str(FEED), "--category", "공지")
    assert Lesson.objects.filter(slug="스케줄러와-노드-배치-2").exists()


def test_it_changes_nothing_on_a_dry_run_and_says_what_it_would_do(basic, cka):
    output = run(str(FEED), "--category", "공지", "--dry-run")
    assert "category would be created: 보안" in output
    assert "would be created: entry 1: [CKA] 스케줄러와 노드 배치 (스케줄러와-노드-배치)" in output
    assert "skipped: entry 6: (no title): no title" in output
    assert "Dry run, nothing was changed. 4 would be created, 0 would be updated" in output
    assert Lesson.objects.count() == 0
    assert set(Category.objects.values_list("slug", flat=True)) == {"basic", "cka"}


def test_it_reports_updates_on_a_dry_run_of_a_changed_feed(basic, cka, tmp_path):
    run(str(FEED), "--category", "공지")
    changed = tmp_path / "feed.xml"
    changed.write_text(FEED.read_text().replace("etcd 저장 시", "etcd에 저장할 때"), "utf-8")
    output = run(str(changed), "--category", "공지", "--dry-run")
    assert "would be updated: entry 3: [보안] 시크릿을 안전하게 다루기" in output
    assert "etcd 저장 시" in Lesson.objects.get(source_url__endswith="/secrets").body


def test_it_imports_what_a_feed_reader_makes_of_a_malformed_file(basic, cka):
    output = run(str(MALFORMED))
    assert "skipped: entry 2: 닫히지 않은 태그: no content" in output
    assert "1 created, 0 updated, 0 unchanged, 1 skipped." in output
    fine = Lesson.objects.get(source_url="https://blog.example.com/entry/fine")
    assert fine.body == "문제없는 첫 글.\n"


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "the document is empty"),
        ("<html><body>not a feed</body></html>", "it is not an RSS or Atom feed"),
        ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
         "<rss><channel><item><title>&x;</title></item></channel></rss>", "DOCTYPE"),
        ('<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91'
         '//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91">'
         "<channel><item><title>t</title></item></channel></rss>", "DOCTYPE"),
    ],
)  # fmt: skip
def test_it_refuses_files_that_are_not_feeds(tmp_path, basic, content, message):
    path = tmp_path / "feed.xml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run(str(path), "--category", "Basic")
    assert Lesson.objects.count() == 0


def test_it_refuses_an_entity_expansion_bomb_before_expanding_anything(tmp_path):
    entities = "".join(f'<!ENTITY e{n} "{f"&e{n - 1};" * 10}">' for n in range(1, 10))
    path = tmp_path / "bomb.xml"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e0 "lol">{entities}]>'
        "<rss><channel><item><title>&e9;</title></item></channel></rss>",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="feeds with a DTD are refused"):
        run(str(path))


def test_it_imports_an_atom_feed(basic):
    output = run(str(ATOM))
    assert "2 created, 0 updated, 0 unchanged, 1 skipped." in output
    pods = Lesson.objects.get(source_url="https://blog.example.com/entry/pods-and-services")
    assert (pods.title, pods.category) == ("파드와 서비스", basic)
    assert pods.summary == "파드와 서비스의 관계."
    assert pods.body == "서비스는 셀렉터로 **파드**를 고른다.\n"
    assert pods.published_at.isoformat() == "2023-09-08T01:00:00+00:00"
    ingress = Lesson.objects.get(source_url="https://blog.example.com/entry/ingress")
    assert ingress.category.name == "네트워크"
    assert "인그레스는 [HTTP](https://kubernetes.io/) 라우팅 규칙이다." in ingress.body
    assert "onclick" not in ingress.body
    assert "entry 3: 요약만 있는 글: no category" in output
    assert "0 created, 0 updated, 2 unchanged" in run(str(ATOM))


def test_it_uses_an_atom_summary_when_there_is_no_content(basic):
    run(str(ATOM), "--category", "Basic")
    lesson = Lesson.objects.get(source_url__endswith="/summary-only")
    assert lesson.body == "본문 대신 요약만 있다.\n"


def test_it_imports_a_large_feed_with_a_progress_bar(basic, tmp_path):
    items = "".join(
        f"<item><title>[Basic] 글 {n}</title><link>https://b.example/{n}</link>"
        f"<description>&lt;p&gt;본문 {n}&lt;/p&gt;</description></item>"
        for n in range(300)
    )
    path = tmp_path / "big.xml"
    path.write_text(f'<rss version="2.0"><channel>{items}</channel></rss>', encoding="utf-8")
    ticks = []
    result = import_feed(path, progress=lambda total: lambda: ticks.append(total))
    assert len(result.created) == 300
    assert len(ticks) == 300 and ticks[0] == 300
    assert Lesson.objects.filter(category=basic).count() == 300


def test_it_converts_html_to_markdown_that_renders_safely():
    markdown_text = html_to_markdown(
        '<p>a <a href="javascript:alert(1)">b</a> <span style="x" onclick="y">c</span></p>'
        "<ul><li>하나</li><li>둘</li></ul><p>kubectl -o &lt;format&gt; &amp; 1 &lt; 2</p>"
    )
    assert markdown_text == "a b c\n\n- 하나\n- 둘\n\nkubectl -o &lt;format> & 1 < 2\n"


def test_it_refuses_linear_entity_expansion_at_once(tmp_path):
    # 40 KB that an XML parser would expand to 100 million characters.
    path = tmp_path / "bomb.xml"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "{"x" * 10_000}">]>'
        f"<rss><channel><item><title>t</title><description>{'&a;' * 10_000}</description>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    started = time.monotonic()
    with pytest.raises(CommandError, match="feeds with a DTD are refused"):
        run(str(path))
    assert time.monotonic() - started < 2


def test_it_refuses_a_file_over_the_size_cap_before_reading_it(tmp_path, settings):
    settings.FEED_MAX_BYTES = 1024 * 1024
    path = tmp_path / "big.xml"
    path.write_bytes(b"<rss>" + b" " * (1024 * 1024) + b"</rss>")
    with pytest.raises(CommandError, match=r"Nothing was imported: .*: it is larger than 1 MB"):
        run(str(path))


def test_it_skips_an_entry_with_an_element_over_the_text_cap(basic, tmp_path, settings):
    settings.FEED_MAX_ELEMENT_CHARS = 1000
    items = "".join(
        f"<item><title>[Basic] 글 {n}</title><link>https://b.example/{n}</link>"
        f"<description>{'가' * size}</description></item>"
        for n, size in ((1, 10), (2, 2000))
    )
    path = tmp_path / "feed.xml"
    path.write_text(f'<rss version="2.0"><channel>{items}</channel></rss>', encoding="utf-8")
    output = run(str(path))
    assert "skipped: entry 2: 글 2: its content is longer than 1000 characters" in output
    assert "1 created, 0 updated, 0 unchanged, 1 skipped." in output


def test_it_shortens_a_long_title_to_what_the_lesson_model_allows(basic, tmp_path):
    long_title = "가" * 300  # shortened to 200 characters
    path = tmp_path / "feed.xml"
    path.write_text(
        f'<rss version="2.0"><channel><item><title>[Basic] {long_title}</title>'
        "<link>https://b.example/1</link><description>본문</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    assert "1 created" in run(str(path))
    assert len(Lesson.objects.get().title) == 200
