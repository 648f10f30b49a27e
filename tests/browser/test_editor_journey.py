"""An editor in a real browser: fix a lesson in the admin, watching the live preview,
and the lesson page shows the change at once."""

from lessons.models import Lesson
from portal.models import User

PASSWORD = "editor-password-for-the-admin"


def test_it_previews_an_edit_live_and_publishes_it(page, live_server, seeded):
    User.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    lesson = Lesson.objects.get(slug="kubernetes-overview")

    page.goto(f"{live_server.url}/admin/login/?next=/admin/lessons/lesson/{lesson.pk}/change/")
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#markdown-preview h2")

    page.fill("textarea[name=body]", "## 고친 제목\n\n오타를 고친 **본문**.\n")
    page.wait_for_selector("#markdown-preview h2#고친-제목")
    assert page.inner_text("#markdown-preview strong") == "본문"

    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/lessons/lesson/")
    page.goto(f"{live_server.url}/lessons/kubernetes-overview/")
    assert "오타를 고친" in page.inner_text("article")
