"""An instructor in a real browser: create a group, a learner joins by its link and
studies, and the open dashboard shows it after its next refresh."""

from portal.models import StudyGroup, User

PASSWORD = "instructor-password-9"


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click(".form-page form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_it_shows_a_new_member_on_the_dashboard_after_the_refresh(new_page, live_server, seeded):
    User.objects.create_user("teacher", password=PASSWORD)
    User.objects.create_user("learner", password=PASSWORD, display_name="새 학습자")
    instructor = new_page()
    instructor.clock.install()
    log_in(instructor, live_server, "teacher")
    instructor.goto(f"{live_server.url}/groups/new/")
    instructor.fill("input[name=name]", "CKA 저녁 스터디")
    with instructor.expect_navigation():
        instructor.click(".form-page form button[type=submit]")
    invite_url = instructor.input_value(".invite-url")
    group = StudyGroup.objects.get(name="CKA 저녁 스터디")

    learner = new_page()
    log_in(learner, live_server, "learner")
    learner.goto(invite_url)
    with learner.expect_navigation():
        learner.click("main form button[type=submit]")
    assert group.memberships.filter(user__username="learner").exists()

    instructor.goto(f"{live_server.url}/groups/{group.pk}/dashboard/")
    assert "새 학습자" in instructor.inner_text("#dashboard-results")
    before = instructor.inner_text("#dashboard-results")

    learner.goto(f"{live_server.url}/lessons/kubernetes-overview/")
    learner.click("button[name=done][value='1']")
    learner.wait_for_selector("button[name=done][value='0']")

    instructor.evaluate("window.notReloaded = true")
    instructor.clock.run_for(61_000)
    instructor.wait_for_function(
        "before => document.querySelector('#dashboard-results').innerText !== before", arg=before
    )
    assert instructor.evaluate("window.notReloaded === true")
