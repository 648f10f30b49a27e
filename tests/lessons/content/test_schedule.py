"""Drafts and scheduled lessons: staff preview them on the site with a banner; everyone
else meets a scheduled lesson exactly from its time, on every page that lists lessons."""

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lessons.authoring.exporting import export_lessons
from lessons.authoring.importing import ImportFailed, import_folder
from lessons.catalog.home_page import home_page
from lessons.models import Lesson
from portal.groups.scope import scope_queryset
from tests.conftest import make_lesson
from tests.helpers import feed_server as local_server
from tests.helpers.groups import make_group, make_quiz

pytestmark = pytest.mark.usefixtures("english")

feed_server = local_server.feed_server  # the fixture
GOES_LIVE = datetime(2027, 1, 4, 11, 0, tzinfo=timezone.get_fixed_timezone(0))


@pytest.fixture
def clock(monkeypatch):
    """The site's clock, set by the test (visibility is a query on the time)."""

    class Clock:
        now = GOES_LIVE - timedelta(days=1)

        def set(self, moment: datetime) -> None:
            self.now = moment

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture
def scheduled(lessons, clock) -> Lesson:
    """'Services' (second in Basic) is published but scheduled for GOES_LIVE."""
    services = Lesson.objects.get(slug="services")
    services.visible_from = GOES_LIVE
    services.save()
    return services


def page_text(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "moment, visible",
    [
        (GOES_LIVE - timedelta(seconds=1), False),
        (GOES_LIVE, True),
        (GOES_LIVE + timedelta(seconds=1), True),
    ],
)
def test_a_scheduled_lesson_appears_exactly_at_its_time(
    scheduled, clock, alice_client, moment, visible
):
    clock.set(moment)
    lesson_url = reverse("lessons:lesson", args=["services"])
    for client in (Client(), alice_client):
        assert client.get(lesson_url).status_code == (200 if visible else 404)
        quiz_url = reverse("lessons:quiz", args=["services"])
        assert client.get(quiz_url).status_code in ((200, 404) if visible else (404,))
        home = page_text(client, reverse("lessons:home"))
        category = page_text(client, reverse("lessons:category", args=["basic"]))
        assert (lesson_url in home) is visible
        assert (lesson_url in category) is visible
    assert Lesson.objects.published().filter(pk=scheduled.pk).exists() is visible
    assert scheduled.is_published is visible
    assert scheduled.is_scheduled is not visible


def test_search_finds_a_scheduled_lesson_only_from_its_time(scheduled, clock, alice_client):
    url = reverse("lessons:search") + "?q=Services"
    assert reverse("lessons:lesson", args=["services"]) not in page_text(alice_client, url)
    clock.set(GOES_LIVE)
    assert reverse("lessons:lesson", args=["services"]) in page_text(alice_client, url)


def test_neighbours_skip_a_scheduled_lesson_until_its_time(scheduled, clock, alice_client):
    pods = reverse("lessons:lesson", args=["pods"])
    services = reverse("lessons:lesson", args=["services"])
    volumes = reverse("lessons:lesson", args=["volumes"])
    before = page_text(alice_client, pods)
    assert volumes in before and services not in before
    clock.set(GOES_LIVE)
    after = page_text(alice_client, pods)
    assert services in after


def test_a_group_counts_a_scheduled_lesson_only_from_its_time(scheduled, clock, alice, basic):
    group = make_group(learners=(alice,), categories=(basic,))
    assert "services" not in scope_queryset(group).values_list("slug", flat=True)
    clock.set(GOES_LIVE)
    assert "services" in scope_queryset(group).values_list("slug", flat=True)


def test_the_home_page_lists_it_from_its_time(scheduled, clock, alice):
    def titles():
        return [
            lesson.title
            for category in home_page(alice, per_category=10).categories
            for lesson in category.visible_lessons
        ]

    assert "Services" not in titles()
    clock.set(GOES_LIVE)
    assert "Services" in titles()


def test_staff_open_a_scheduled_lesson_with_a_banner_saying_when(scheduled, editor_client):
    html = page_text(editor_client, reverse("lessons:lesson", args=["services"]))
    assert "Scheduled lesson" in html
    assert "Learners will see it from" in html and "2027" in html
    assert reverse("admin:lessons_lesson_change", args=[scheduled.pk]) in html
    category = page_text(editor_client, reverse("lessons:category", args=["basic"]))
    assert "Scheduled:" in category


def test_staff_open_a_draft_with_a_draft_banner_and_learners_get_404(
    lessons, editor_client, alice_client
):
    url = reverse("lessons:lesson", args=["secret-draft"])
    html = page_text(editor_client, url)
    assert "Draft lesson" in html and "Learners cannot see it" in html
    assert alice_client.get(url).status_code == 404
    assert Client().get(url).status_code == 404


def test_a_published_lesson_shows_no_banner(lessons, editor_client, alice_client):
    for client in (editor_client, alice_client):
        html = page_text(client, reverse("lessons:lesson", args=["pods"]))
        assert "draft-banner" not in html


def test_completions_of_a_scheduled_lesson_do_not_count_before_its_time(
    scheduled, clock, alice, alice_client
):
    from lessons.models import Completion

    Completion.objects.create(user=alice, lesson=scheduled)
    progress = page_text(alice_client, reverse("lessons:my_progress"))
    assert "Services" not in progress
    clock.set(GOES_LIVE)
    assert "Services" in page_text(alice_client, reverse("lessons:my_progress"))


def test_missed_questions_of_a_scheduled_lesson_stay_out_of_review(scheduled, clock, alice):
    from lessons.quizzes.scoring import missed_questions
    from tests.helpers.groups import attempt

    quiz = make_quiz(scheduled)
    wrong = [q.choices.get(is_correct=False, position=2) for q in quiz.questions.all()]
    attempt(alice, quiz, score=0, max_score=2, chosen=wrong)
    assert missed_questions(alice) == []
    clock.set(GOES_LIVE)
    assert len(missed_questions(alice)) == 2


def test_the_admin_schedules_a_lesson(clock, basic, editor_client):
    response = editor_client.post(
        reverse("admin:lessons_lesson_add"),
        {
            "category": basic.pk,
            "title": "Scheduled",
            "slug": "scheduled",
            "status": "published",
            "visible_from_0": "2027-01-04",
            "visible_from_1": "20:00:00",
            "position": 1,
            "body": "## 절\n\n본문\n",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    lesson = Lesson.objects.get(slug="scheduled")
    assert lesson.visible_from == GOES_LIVE  # 20:00 in Seoul is 11:00 UTC
    assert lesson.is_scheduled
    assert Client().get(lesson.get_absolute_url()).status_code == 404
    clock.set(GOES_LIVE)
    assert Client().get(lesson.get_absolute_url()).status_code == 200


def test_a_schedule_survives_export_and_import(scheduled, tmp_path):
    written = export_lessons(tmp_path).files
    (services,) = [path for path in written if "services" in path.name]
    assert "visible_from: '2027-01-04T11:00:00+00:00'" in services.read_text()
    Lesson.objects.filter(pk=scheduled.pk).update(visible_from=None)
    import_folder(tmp_path)
    assert Lesson.objects.get(pk=scheduled.pk).visible_from == GOES_LIVE


def test_an_import_refuses_a_schedule_that_is_not_a_time(basic, tmp_path):
    make_lesson(basic, "Pods")
    (path,) = export_lessons(tmp_path).files
    path.write_text(path.read_text().replace("status:", "visible_from: next monday\nstatus:"))
    with pytest.raises(ImportFailed, match="visible_from"):
        import_folder(tmp_path)


def test_a_post_wordpress_scheduled_is_imported_scheduled(feed_server, cka, clock):
    from tests.lessons.authoring.test_feed_formats import WXR, run, wxr_item

    items = wxr_item(7, "예약 글", status="future", date="2027-01-04 11:00:00")
    items += wxr_item(8, "보류 글", status="pending", date="2027-01-04 11:00:00")
    run(feed_server.serve("/export.xml", WXR.format(items=items)), "--publish")
    scheduled = Lesson.objects.get(source_url="https://blog.example.com/post-7/")
    assert (scheduled.status, scheduled.visible_from) == (Lesson.Status.PUBLISHED, GOES_LIVE)
    assert not Lesson.objects.published().filter(pk=scheduled.pk).exists()
    pending = Lesson.objects.get(source_url="https://blog.example.com/post-8/")
    assert (pending.status, pending.visible_from) == (Lesson.Status.DRAFT, None)
    clock.set(GOES_LIVE)
    assert Lesson.objects.published().filter(pk=scheduled.pk).exists()
