"""An editor schedules a lesson in the admin; learners meet it exactly at its time."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from portal.models import User

PASSWORD = "editor-password-for-the-admin"
SEOUL = ZoneInfo("Asia/Seoul")


@pytest.mark.allow_console_errors("status of 404")
def test_a_scheduled_lesson_appears_at_its_time(page, new_page, live_server, seeded, monkeypatch):
    User.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/lessons/lesson/")
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.get_by_role("link", name="쿠버네티스 네트워크").first.click()

    tomorrow = (timezone.now().astimezone(SEOUL) + timedelta(days=1)).date()
    page.click("details:has(input[name=visible_from_0]) summary")  # the folded details
    page.fill("input[name=visible_from_0]", tomorrow.isoformat())
    page.fill("input[name=visible_from_1]", "20:00:00")
    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/lessons/lesson/")

    # The editor still opens it, with a banner that says when learners will see it.
    page.goto(f"{live_server.url}/lessons/kubernetes-network/")
    banner = page.locator(".draft-banner")
    assert "예약된 단원" in banner.inner_text()

    learner = new_page()
    learner.goto(f"{live_server.url}/categories/basic/")
    assert learner.locator("a[href='/lessons/kubernetes-network/']").count() == 0
    assert learner.goto(f"{live_server.url}/lessons/kubernetes-network/").status == 404

    # The time comes: no job runs, the next request simply shows it.
    goes_live = datetime.combine(tomorrow, datetime.min.time(), SEOUL).replace(hour=20)
    monkeypatch.setattr(timezone, "now", lambda: goes_live)
    learner.goto(f"{live_server.url}/categories/basic/")
    assert learner.locator("a[href='/lessons/kubernetes-network/']").count() == 1
    assert learner.goto(f"{live_server.url}/lessons/kubernetes-network/").status == 200
    assert learner.locator(".draft-banner").count() == 0
