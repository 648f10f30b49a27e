"""One-click unsubscribe from a mail's link, without logging in (RFC 8058)."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.models import NotificationPreference
from portal.notifications import mail, preferences

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def url(user, kind="reminder") -> str:
    return reverse("notifications:unsubscribe", args=[mail.unsubscribe_token(user.pk, kind)])


def test_it_asks_first_on_get_and_changes_nothing(alice, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = Client().get(url(alice))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Stop these mails (Evening reminder)?" in html
    assert '<form method="post">' in html
    assert not NotificationPreference.objects.filter(user=alice).exists()


def test_it_unsubscribes_on_post_without_a_login_or_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    response = client.post(url(alice), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "no more mails of this kind" in response.content.decode()
    assert preferences.for_user(alice).reminders is False
    assert preferences.for_user(alice).nudges is True  # only the mail's own kind


def test_it_turns_off_the_kind_the_link_was_for(alice):
    Client().post(url(alice, "nudge"))
    chosen = preferences.for_user(alice)
    assert chosen.nudges is False


@pytest.mark.parametrize(
    "token",
    ["nonsense", "WzEsInJlbWluZGVyIl0:forged-signature", "x" * 300],
)
def test_it_refuses_a_bad_token_with_a_clear_page(alice, token):
    for method in ("get", "post"):
        response = getattr(Client(), method)(reverse("notifications:unsubscribe", args=[token]))
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_it_refuses_a_token_of_another_salt(alice):
    from django.core import signing

    token = signing.Signer().sign_object([alice.pk, "reminder"])
    response = Client().post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 400
