"""Password-reset mails are throttled per e-mail address and per client address, with a
message that does not tell whether an account has the address."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.models import PasswordResetRequest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
REFUSED = "Too many password reset requests"


def ask(client: Client, email: str, address: str = "203.0.113.7"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_it_sends_at_most_three_mails_to_one_address_however_often_it_is_asked(
    client, alice, mailoutbox
):
    answers = [ask(client, "alice@example.com", f"198.51.100.{n}") for n in range(20)]
    assert len(mailoutbox) == 3
    assert [a.status_code for a in answers[:3]] == [302] * 3
    assert {a.status_code for a in answers[3:]} == {429}
    assert REFUSED in answers[3].text


def test_it_answers_an_address_without_an_account_the_same_way(client, alice, mailoutbox):
    for email in ("alice@example.com", "nobody@example.com"):
        statuses = [ask(client, email, f"198.51.100.{n}").status_code for n in range(4)]
        assert statuses == [302, 302, 302, 429]
    for email in ("alice@example.com", "nobody@example.com"):
        assert REFUSED in ask(client, email).text
    assert len(mailoutbox) == 3


def test_it_refuses_a_client_asking_for_many_addresses(client, alice, mailoutbox):
    statuses = [ask(client, f"person{n}@example.com").status_code for n in range(10)]
    assert statuses == [302] * 10
    assert ask(client, "alice@example.com").status_code == 429
    assert mailoutbox == []
    assert ask(client, "alice@example.com", "192.0.2.44").status_code == 302
    assert len(mailoutbox) == 1


def test_it_sends_again_once_the_window_has_passed(client, alice, mailoutbox):
    for _ in range(3):
        ask(client, "Alice@Example.com ")
    assert ask(client, "alice@example.com").status_code == 429
    PasswordResetRequest.objects.update(requested_at=timezone.now() - timedelta(minutes=61))
    assert ask(client, "alice@example.com").status_code == 302
    assert len(mailoutbox) == 4
    assert PasswordResetRequest.objects.count() == 1  # old requests are not kept
