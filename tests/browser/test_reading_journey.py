"""Reading in a real browser: a fast scroll through a lesson records how far the learner
got in one or two requests, and coming back offers to continue from there."""

from lessons.models import Lesson, ReadingPosition
from portal.models import User

PASSWORD = "reader-password-5"


def test_it_records_a_fast_scroll_in_few_requests_and_offers_to_continue(page, live_server, seeded):
    User.objects.create_user("reader", password=PASSWORD)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "reader")
    page.fill("input[name=password]", PASSWORD)
    page.click(".form-page form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    lesson = Lesson.objects.get(slug="kubernetes-architecture")
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.url.endswith("/position/") else None)
    page.goto(f"{live_server.url}{lesson.get_absolute_url()}")
    page.set_viewport_size({"width": 1200, "height": 700})
    headings = page.locator(".lesson-body h2[id], .lesson-body h3[id]")
    middle = headings.count() // 2
    for index in range(middle + 1):  # a fast scroll, heading by heading
        headings.nth(index).scroll_into_view_if_needed()
        page.wait_for_timeout(50)
    page.wait_for_timeout(2500)  # the form waits for a pause before it posts

    assert 1 <= len(posts) <= 2, posts
    reached = ReadingPosition.objects.get(user__username="reader", lesson=lesson).section_index
    assert reached >= middle - 1

    page.goto(f"{live_server.url}{lesson.get_absolute_url()}")
    resume = page.locator(".resume a")
    assert resume.get_attribute("href") == f"#{lesson.toc[reached]['id']}"
