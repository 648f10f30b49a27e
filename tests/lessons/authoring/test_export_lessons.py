"""`manage.py export_lessons DIR`: lessons and quizzes back out as the Markdown files that
`import_lessons` reads, so that export then import gives the same content."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lessons.authoring.importing import split_front_matter
from lessons.models import Category, Choice, Lesson, Question, Quiz

pytestmark = pytest.mark.django_db

FEED = Path(__file__).resolve().parents[2] / "data" / "blog-feed.xml"


def snapshot() -> dict:
    """Everything an export must carry: categories, lessons in order, quizzes."""
    return {
        "categories": list(
            Category.objects.order_by("slug").values_list(
                "slug", "name", "position", "description", "parent__slug"
            )
        ),
        "lessons": list(
            Lesson.objects.in_learning_order().values_list(
                "slug",
                "title",
                "category__slug",
                "position",
                "status",
                "summary",
                "source_url",
                "published_at",
                "body",
                "body_html",
                "toc",
            )
        ),
        "quizzes": list(
            Quiz.objects.order_by("lesson__slug").values_list(
                "lesson__slug", "pass_mark", "marks_done"
            )
        ),
        "questions": list(
            Question.objects.order_by("quiz__lesson__slug", "position").values_list(
                "quiz__lesson__slug",
                "position",
                "kind",
                "prompt",
                "explanation",
                "section",
                "accepted_answers",
            )
        ),
        "choices": list(
            Choice.objects.order_by(
                "question__quiz__lesson__slug", "question__position", "position"
            ).values_list(
                "question__quiz__lesson__slug",
                "question__position",
                "position",
                "text",
                "is_correct",
            )
        ),
    }


def empty_the_database() -> None:
    Lesson.objects.all().delete()
    Category.objects.update(parent=None)
    Category.objects.all().delete()


def export(folder: Path, *args: str) -> str:
    out = StringIO()
    call_command("export_lessons", str(folder), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def everything(seed_lessons) -> None:
    """The seed lessons (imported once per process), a feed's lessons, a subcategory with
    a description of several lines, and a lesson whose title and summary YAML must quote."""
    call_command("import_feed", str(FEED), "--category", "공지", stdout=StringIO(),
                 stderr=StringIO())  # fmt: skip
    basic = Category.objects.get(slug="basic")
    Category.objects.create(name="심화", slug="advanced", parent=basic, position=9,
                            description="여러 줄\n---\n설명")  # fmt: skip
    tricky = Lesson.objects.get(slug="스케줄러와-노드-배치")
    tricky.summary = "첫 줄\n---\n셋째 줄: 'quotes' \"and\" # hash"
    tricky.title = "- 대시로 시작하는: 제목"
    tricky.save()


def test_it_round_trips_seed_lessons_feed_lessons_and_quizzes(tmp_path, everything):
    before = snapshot()
    assert before["questions"] and before["choices"]
    output = export(tmp_path)
    assert f"{Lesson.objects.count()} lessons and 5 categories written" in output
    empty_the_database()
    call_command("import_lessons", str(tmp_path), stdout=StringIO())
    assert snapshot() == before


def test_it_writes_the_format_import_lessons_reads(tmp_path, everything):
    export(tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names[0] == "0001-kubernetes-orchestration-lab.md"
    assert "categories.yaml" in names
    text = (tmp_path / "0002-kubernetes-network.md").read_text(encoding="utf-8")
    front, body = split_front_matter(text)
    assert "title: 쿠버네티스 네트워크\n" in front
    assert "category: basic\n" in front
    assert "- kind: true_false\n" in front and "answer: false\n" in front
    assert body.lstrip().startswith(Lesson.objects.get(slug="kubernetes-network").body[:40])
    feed_lesson = next(tmp_path.glob("*-스케줄러와-노드-배치.md")).read_text(encoding="utf-8")
    assert "published_at: '2023-09-05T12:10:00+00:00'\n" in feed_lesson
    assert "source_url: https://blog.example.com/entry/scheduler\n" in feed_lesson


def test_it_refuses_a_folder_that_holds_an_export_unless_told_to_overwrite(tmp_path, everything):
    export(tmp_path)
    stale = tmp_path / "9999-stale.md"
    stale.write_text("---\ntitle: stale\n---\n", encoding="utf-8")
    with pytest.raises(CommandError, match="already holds lesson files"):
        export(tmp_path)
    export(tmp_path, "--overwrite")
    assert not stale.exists()
    assert len(list(tmp_path.glob("*.md"))) == Lesson.objects.count()


def test_it_exports_an_empty_database(tmp_path):
    assert "0 lessons and 0 categories written" in export(tmp_path / "new")
    assert (tmp_path / "new" / "categories.yaml").read_text() == "[]\n"
