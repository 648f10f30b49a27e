"""The group comes back, in a real browser at phone and laptop widths, light and dark: a
learner in two groups opens home and sees the one next step, each group's week and the
streak; a lesson says when it is due; the instructor nudges one learner in place (htmx,
the live region tells) and everyone behind, then the same without JavaScript. axe finds
nothing on home or on the dashboard with the nudges. Screenshots go to SHOTS."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from lessons.models import Lesson
from portal.models import Membership, Nudge, SentMail, StudyGroup, User
from tests.browser.conftest import sign_in
from tests.browser.pages import axe_violations

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("TODAY_SHOTS", "/work/helpers/shots"))
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
LEARNER = "seoyeon"


def shoot(page, name: str) -> None:
    if SHOTS.is_dir():
        page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


@pytest.fixture
def two_groups(demo):
    """seoyeon in the demo group and in a second one with a target date per lesson."""
    learner = User.objects.get(username=LEARNER)
    teacher = User.objects.get(username="teacher")
    second = StudyGroup.objects.create(name="CKA 집중반", pace=StudyGroup.Pace.DATES)
    Membership.objects.create(group=second, user=teacher, role=Membership.Role.INSTRUCTOR)
    Membership.objects.create(group=second, user=learner)
    Membership.objects.filter(group=second).update(joined_at=timezone.now() - timedelta(days=20))
    today = timezone.localdate()
    cka = Lesson.objects.published().filter(category__slug="cka").in_learning_order()
    for offset, lesson in zip((-1, 2, 9), cka[:3], strict=False):
        second.lesson_targets.create(lesson=lesson, due_on=today + timedelta(days=offset))
    return learner, second


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", WIDTHS)
def test_a_learner_sees_the_groups_week_on_home(new_page, live_server, two_groups, size, scheme):
    learner, _second = two_groups
    page = new_page(viewport=WIDTHS[size], color_scheme=scheme)
    sign_in(page.context, live_server.url, learner)
    page.goto(f"{live_server.url}/")
    lead = page.locator(".today-card")
    assert "다음 할 일" in lead.inner_text()
    assert page.locator(".week-goal").count() == 2
    assert "CKA 집중반" in page.inner_text(".today-weeks")
    assert axe_violations(page) == []
    shoot(page, f"today-home-{size}-{scheme}")
    page.click(".today-card a.button")
    page.wait_for_selector(".lesson-due")
    assert "까지" in page.inner_text(".lesson-due")
    assert axe_violations(page) == []
    shoot(page, f"today-lesson-{size}-{scheme}")


@pytest.mark.parametrize("size", WIDTHS)
def test_an_instructor_nudges_from_the_dashboard(new_page, live_server, two_groups, size):
    teacher = User.objects.get(username="teacher")
    group = StudyGroup.objects.get(memberships__user=teacher, name__contains="쿠버네티스")
    page = new_page(viewport=WIDTHS[size])
    sign_in(page.context, live_server.url, teacher)
    page.goto(f"{live_server.url}/groups/{group.pk}/dashboard/")
    page.wait_for_selector("#reach-out")
    assert axe_violations(page) == []
    shoot(page, f"reach-out-{size}")
    first = page.locator(".reach-out-list > li").first
    name = first.locator(".reach-out-who > a").inner_text()
    page.evaluate("window.notReloaded = true")
    first.locator("button").click()
    page.wait_for_selector(".reach-out-list > li .reach-out-nudge .chip")
    assert page.evaluate("window.notReloaded === true"), "htmx should swap the button"
    page.wait_for_function(
        "(name) => document.getElementById('announcer').textContent.includes(name)", arg=name
    )
    assert Nudge.objects.filter(group=group).count() == 1
    assert axe_violations(page) == []
    shoot(page, f"reach-out-nudged-{size}")
    if page.locator("#nudge-behind button").count():
        page.click("#nudge-behind button")
        page.wait_for_selector("#nudge-behind .message")
        assert "응원 메일을 보냈습니다" in page.inner_text("#nudge-behind")
    # One mail queued per nudge (the worker sends them: portal/notifications).
    assert SentMail.objects.filter(kind="nudge").count() == Nudge.objects.count()

    plain = new_page(viewport=WIDTHS[size], java_script_enabled=False)
    sign_in(plain.context, live_server.url, teacher)
    plain.goto(f"{live_server.url}/groups/{group.pk}/dashboard/")
    button = plain.locator(".reach-out-list form button")
    if button.count():
        button.first.click()
        plain.wait_for_selector(".messages, .message")
        assert "#reach-out" in plain.url
        assert SentMail.objects.filter(kind="nudge").count() == Nudge.objects.count()
