"""Accounts: sign-up, log-in and log-out, password change and reset, and the lock-out."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from portal.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

STRONG_PASSWORD = "tangerine-ladder-42"


def sign_up(client: Client, next_url: str = "", **fields):
    data = {
        "username": "dana",
        "display_name": "다나",
        "email": "dana@example.com",
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
        **fields,
    }
    if next_url:
        data["next"] = next_url
    return client.post(reverse("signup"), data)


def log_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def is_signed_in(client: Client) -> bool:
    # My progress is only for signed-in learners; everyone else is sent to log in.
    return client.get(reverse("lessons:my_progress")).status_code == 200


def test_it_shows_the_sign_up_form(client):
    response = client.get(reverse("signup"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="username"' in html
    assert 'name="display_name"' in html
    assert 'name="password1"' in html
    assert 'name="password2"' in html


@pytest.mark.parametrize(("name", "heading"), [("login", "Log in"), ("signup", "Sign up")])
def test_it_names_the_page_in_its_heading(client, name, heading):
    html = client.get(reverse(name)).content.decode()

    assert re.search(r"<h1>\s*" + heading + r"\s*</h1>", html)


def test_it_puts_a_mismatched_password_beside_its_field_and_in_the_summary(client):
    html = sign_up(client, password2=STRONG_PASSWORD + "x").content.decode()

    field = html[: html.index('id="id_password2"')]
    field = field[field.rindex('<div class="field') :]
    assert "has-error" in field and "The two password fields didn’t match." in field
    summary = html[html.index('class="error-summary"') :]
    assert '<a href="#id_password2">The two password fields didn’t match.</a>' in summary
    assert 'value="dana"' in html  # what was typed stays


def test_it_signs_up_a_learner_with_a_display_name_and_logs_them_in(client, lessons):
    response = sign_up(client)

    assert response.status_code == 302
    assert response.url == reverse("lessons:home")
    user = User.objects.get(username="dana")
    assert user.display_name == "다나"
    assert user.check_password(STRONG_PASSWORD)
    home = client.get(reverse("lessons:home")).content.decode()
    assert "Log out (다나)" in home
    assert "Welcome, 다나! Start with a lesson below" in home


def test_it_sends_a_new_learner_to_a_local_next_page(client):
    response = sign_up(client, next_url=reverse("lessons:my_progress"))

    assert response.status_code == 302
    assert response.url == reverse("lessons:my_progress")


def test_it_keeps_next_in_the_sign_up_form(client):
    html = client.get(reverse("signup"), {"next": "/progress/"}).content.decode()
    assert '<input type="hidden" name="next" value="/progress/">' in html


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/", "http://evil.example/progress/"],
)
def test_it_ignores_a_next_page_on_another_site(client, next_url):
    response = sign_up(client, next_url=next_url)

    assert response.status_code == 302
    assert response.url == reverse("lessons:home")


@pytest.mark.parametrize(
    ("password1", "password2", "message"),
    [
        ("abc12", "abc12", "This password is too short."),
        ("password123", "password123", "This password is too common."),
        ("48151623428", "48151623428", "This password is entirely numeric."),
        ("danadana-99", "danadana-99", "The password is too similar to the username."),
        (STRONG_PASSWORD, STRONG_PASSWORD + "x", "The two password fields didn"),
    ],
)
def test_it_refuses_a_weak_or_mismatched_password(client, password1, password2, message):
    response = sign_up(client, username="danadana", password1=password1, password2=password2)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(username="danadana").exists()
    assert not is_signed_in(client)


def test_it_refuses_a_username_that_is_taken(client, alice):
    response = sign_up(client, username="alice")

    assert response.status_code == 200
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.filter(username="alice").count() == 1


def test_it_logs_in_and_out(client, alice, lessons):
    response = log_in(client, "alice", "alice-password-1")
    assert response.status_code == 302
    assert response.url == reverse("lessons:home")
    assert "Log out (앨리스)" in client.get(reverse("lessons:home")).content.decode()

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("lessons:home")
    assert not is_signed_in(client)


def test_it_logs_in_to_the_next_page(client, alice, lessons):
    response = client.post(
        reverse("login") + "?next=" + reverse("lessons:lesson", args=["pods"]),
        {"username": "alice", "password": "alice-password-1"},
    )
    assert response.status_code == 302
    assert response.url == reverse("lessons:lesson", args=["pods"])


def test_it_refuses_a_wrong_password_with_a_message(client, alice):
    response = log_in(client, "alice", "not-her-password")

    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()
    assert not is_signed_in(client)


def test_it_logs_out_only_by_post(alice_client):
    assert alice_client.get(reverse("logout")).status_code == 405
    assert is_signed_in(alice_client)


def test_it_offers_log_out_as_a_form_that_posts(alice_client, lessons):
    html = alice_client.get(reverse("lessons:home")).content.decode()
    assert f'<form method="post" action="{reverse("logout")}"' in html


def test_it_changes_the_password(client, alice):
    log_in(client, "alice", "alice-password-1")
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "alice-password-1",
            "new_password1": STRONG_PASSWORD,
            "new_password2": STRONG_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    assert is_signed_in(client)  # changing the password keeps this session

    client.post(reverse("logout"))
    assert log_in(Client(), "alice", "alice-password-1").status_code == 200
    assert log_in(client, "alice", STRONG_PASSWORD).status_code == 302


def test_it_refuses_a_password_change_without_the_old_password(alice_client, alice):
    response = alice_client.post(
        reverse("password_change"),
        {
            "old_password": "a-guess-1234",
            "new_password1": STRONG_PASSWORD,
            "new_password2": STRONG_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly." in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password("alice-password-1")


def test_it_sends_visitors_from_password_change_to_log_in(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def reset_link_from(mail) -> str:
    match = re.search(r"https?://testserver(/accounts/password/reset/[^/\s]+/[^/\s]+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def reset_password_by_email(client: Client, mailoutbox, email: str) -> str:
    """Ask for a reset, follow the mailed link and set STRONG_PASSWORD; returns the link."""
    client.post(reverse("password_reset"), {"email": email})
    link = reset_link_from(mailoutbox[-1])
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(
        set_password_url, {"new_password1": STRONG_PASSWORD, "new_password2": STRONG_PASSWORD}
    )
    return link


def test_it_resets_a_forgotten_password_by_email(client, alice, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "alice@example.com"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["alice@example.com"]

    response = client.get(reset_link_from(mailoutbox[0]), follow=True)
    assert response.status_code == 200
    assert 'name="new_password1"' in response.content.decode()
    set_password_url = response.redirect_chain[-1][0]

    response = client.post(
        set_password_url, {"new_password1": STRONG_PASSWORD, "new_password2": STRONG_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("password_reset_complete")

    assert log_in(Client(), "alice", "alice-password-1").status_code == 200
    assert log_in(client, "alice", STRONG_PASSWORD).status_code == 302
    assert is_signed_in(client)


def test_it_accepts_a_reset_link_only_once(client, alice, mailoutbox):
    link = reset_password_by_email(client, mailoutbox, "alice@example.com")
    assert log_in(Client(), "alice", STRONG_PASSWORD).status_code == 302

    response = Client().get(link, follow=True)
    html = response.content.decode()
    assert "This link is no longer valid" in html
    assert 'name="new_password1"' not in html


def test_it_does_not_tell_whether_an_address_has_an_account(client, alice, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mailoutbox == []


def fail_to_log_in(client: Client, username: str, times: int) -> list:
    return [log_in(client, username, f"wrong-guess-{n}") for n in range(times)]


def test_it_locks_an_account_after_five_failed_logins(client, alice):
    responses = fail_to_log_in(client, "alice", 5)

    assert [r.status_code for r in responses[:4]] == [200] * 4
    assert responses[4].status_code == 429
    assert "Too many failed logins" in responses[4].content.decode()


def test_it_refuses_the_right_password_while_locked(client, alice):
    fail_to_log_in(client, "alice", 5)

    response = log_in(client, "alice", "alice-password-1")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert not is_signed_in(client)


def test_it_locks_the_username_only_from_the_address_that_guessed(client, alice, bob):
    fail_to_log_in(client, "alice", 5)

    # Whoever guessed at alice's password cannot lock her out of her own account...
    assert log_in(Client(REMOTE_ADDR="203.0.113.9"), "alice", "alice-password-1").status_code == 302
    # ...nor everyone else who shares the address.
    assert log_in(client, "bob", "bob-password-1").status_code == 302
    assert log_in(client, "alice", "alice-password-1").status_code == 429


@pytest.fixture
def behind_load_balancer(settings):
    """What TRUSTED_PROXY_COUNT=1 configures: one balancer at 10.0.0.2 appends the
    address it was reached from to X-Forwarded-For."""
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")


def through_balancer(forwarded_for: str) -> Client:
    return Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for)


def test_it_does_not_lock_everyone_out_behind_a_load_balancer(behind_load_balancer, alice):
    attacker = through_balancer("198.51.100.66")
    for number in range(10):
        log_in(attacker, f"someone-{number}", "wrong-guess")
    fail_to_log_in(attacker, "alice", 5)

    assert log_in(through_balancer("198.51.100.7"), "alice", "alice-password-1").status_code == 302


def test_it_takes_the_address_the_balancer_appended_not_the_one_a_client_wrote(
    behind_load_balancer, alice
):
    spoofing = through_balancer("203.0.113.1, 198.51.100.66")
    for number in range(5):
        spoofing.defaults["HTTP_X_FORWARDED_FOR"] = f"203.0.113.{number}, 198.51.100.66"
        log_in(spoofing, "alice", "wrong-guess")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.66"}
    assert log_in(spoofing, "alice", "alice-password-1").status_code == 429


def test_it_ignores_x_forwarded_for_without_trusted_proxies(client, alice):
    for number in range(5):
        client.defaults["HTTP_X_FORWARDED_FOR"] = f"198.51.100.{number}"
        log_in(client, "alice", "wrong-guess")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}
    assert log_in(client, "alice", "alice-password-1").status_code == 429


def test_it_locks_an_address_that_fails_with_many_usernames(client, settings, alice, bob):
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT >= 10 * settings.AXES_FAILURE_LIMIT
    for number in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1):
        log_in(client, f"someone-{number}", "wrong-guess")
    assert log_in(client, "bob", "bob-password-1").status_code == 302
    client.post(reverse("logout"))

    log_in(client, "someone-else", "wrong-guess")

    assert log_in(client, "alice", "alice-password-1").status_code == 429
    assert log_in(Client(REMOTE_ADDR="203.0.113.9"), "alice", "alice-password-1").status_code == 302


def test_it_still_says_a_look_alike_username_is_taken(client, db):
    sign_up(client, username="minjun", email="minjun@example.com")
    for username in ("MINJUN", "ｍｉｎｊｕｎ"):
        response = sign_up(Client(), username=username, email="other@example.com")
        assert response.status_code == 200
        assert "already exists" in response.content.decode()


def test_it_does_not_lock_after_four_failures_and_a_success(client, alice):
    fail_to_log_in(client, "alice", 4)
    assert log_in(client, "alice", "alice-password-1").status_code == 302
    client.post(reverse("logout"))

    fail_to_log_in(client, "alice", 4)
    assert log_in(client, "alice", "alice-password-1").status_code == 302


def test_it_says_how_long_the_lock_lasts_in_words(client, alice):
    response = fail_to_log_in(client, "alice", 5)[-1]
    html = response.content.decode()
    assert "PT15M" not in html
    assert "15 minutes" in html


def test_it_clears_only_the_reset_accounts_failures(client, alice, bob, mailoutbox):
    fail_to_log_in(client, "bob", 4)
    fail_to_log_in(client, "alice", 5)

    reset_password_by_email(client, mailoutbox, "alice@example.com")

    assert log_in(client, "alice", STRONG_PASSWORD).status_code == 302
    client.post(reverse("logout"))
    # bob's four failures still count: a fifth guess locks him from this address.
    assert fail_to_log_in(client, "bob", 1)[0].status_code == 429


def test_it_lets_a_locked_out_learner_in_after_resetting_the_password(client, alice, mailoutbox):
    fail_to_log_in(client, "alice", 5)
    reset_password_by_email(client, mailoutbox, "alice@example.com")
    alice.refresh_from_db()
    assert alice.check_password(STRONG_PASSWORD)  # the reset itself went through

    assert log_in(client, "alice", STRONG_PASSWORD).status_code == 302


def test_it_lets_visitors_read_a_published_lesson(client, lessons):
    response = client.get(reverse("lessons:lesson", args=["pods"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "본문입니다." in html
    assert "Log in to record your progress." in html
    assert 'name="done"' not in html


def test_it_sends_a_visitor_who_marks_a_lesson_done_to_log_in(client, lessons):
    response = client.post(reverse("lessons:completion", args=["pods"]), {"done": "1"})

    assert response.status_code == 302
    url = urlsplit(response.url)
    assert url.path == reverse("login")
    assert parse_qs(url.query)["next"]


def test_it_brings_a_visitor_back_to_the_lesson_after_logging_in(client, alice, lessons):
    response = client.post(reverse("lessons:completion", args=["pods"]), {"done": "1"})

    response = client.post(
        response.url, {"username": "alice", "password": "alice-password-1"}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("lessons:lesson", args=["pods"])


def test_it_refuses_a_username_longer_than_any_account_with_a_message(client, alice):
    # Found by tests/portal/test_fuzz_forms.py: on PostgreSQL the failed-login record broke.
    response = log_in(client, "가" * 300, "wrong-guess")

    assert response.status_code == 200
    assert "Ensure this value has at most 150 characters" in response.content.decode()
    assert not AccessAttempt.objects.exists()
    assert log_in(client, "alice", "alice-password-1").status_code == 302
