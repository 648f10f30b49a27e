"""The list of one's study groups, with the form to join one."""

import pytest
from django.urls import reverse

from tests.conftest import make_user
from tests.helpers.groups import logged_in, make_group

pytestmark = pytest.mark.django_db


def test_it_lists_the_groups_i_teach_and_belong_to(alice, django_assert_max_num_queries):
    taught = make_group("내가 가르치는 그룹", instructors=(alice,))
    joined = make_group("내가 배우는 그룹", learners=(alice,))
    make_group("남의 그룹", learners=(make_user("someone"),))
    client = logged_in(alice)
    with django_assert_max_num_queries(3):
        html = client.get(reverse("groups:list")).content.decode()
    assert reverse("groups:dashboard", args=[taught.pk]) in html
    assert reverse("groups:detail", args=[joined.pk]) in html
    assert reverse("groups:dashboard", args=[joined.pk]) not in html
    assert "남의 그룹" not in html
    assert 'action="/groups/join/"' in html


def test_it_is_linked_from_the_navigation_for_signed_in_users(alice_client, client, db):
    assert 'href="/groups/"' in alice_client.get(reverse("lessons:home")).content.decode()
    assert 'href="/groups/"' not in client.get(reverse("lessons:home")).content.decode()
