"""An instructor removing a learner from the group."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.models import Membership
from tests.conftest import make_user
from tests.helpers.groups import logged_in, make_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(db):
    return make_user("teacher")


def test_it_removes_a_learner(teacher, alice, bob):
    group = make_group(instructors=(teacher,), learners=(alice, bob))
    response = logged_in(teacher).post(reverse("groups:remove_member", args=[group.pk, alice.pk]))
    assert response.status_code == 302
    assert response.url == reverse("groups:manage", args=[group.pk])
    assert list(group.memberships.filter(role="learner").values_list("user", flat=True)) == [bob.pk]


def test_it_answers_htmx_with_the_members_fragment(teacher, alice, bob):
    group = make_group(instructors=(teacher,), learners=(alice, bob))
    response = logged_in(teacher).post(
        reverse("groups:remove_member", args=[group.pk, alice.pk]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="members"')
    assert "<html" not in html
    assert "밥" in html and "앨리스" not in html


def test_it_does_not_remove_an_instructor(teacher):
    co_teacher = make_user("co-teacher")
    group = make_group(instructors=(teacher, co_teacher))
    logged_in(teacher).post(reverse("groups:remove_member", args=[group.pk, co_teacher.pk]))
    assert Membership.objects.filter(group=group, user=co_teacher).exists()


def test_it_handles_someone_who_is_not_a_member(teacher, alice, settings):
    settings.LANGUAGE_CODE = "en"
    group = make_group(instructors=(teacher,))
    client = logged_in(teacher)
    url = reverse("groups:remove_member", args=[group.pk, alice.pk])
    response = client.post(url, follow=True)
    assert "That person is not a learner of this group." in response.content.decode()
    for user_id in (999_999_999_999_999_999, 10**30):
        response = client.post(f"/groups/{group.pk}/manage/members/{user_id}/remove/")
        assert response.status_code in (302, 404)


def test_it_lets_only_the_group_instructors_remove(teacher, alice, bob):
    group = make_group(instructors=(teacher,), learners=(alice, bob))
    url = reverse("groups:remove_member", args=[group.pk, alice.pk])
    assert logged_in(bob).post(url).status_code == 404
    assert logged_in(make_user("other-teacher")).post(url).status_code == 404
    assert Membership.objects.filter(group=group, user=alice).exists()


def test_it_lets_a_removed_learner_join_again(teacher, alice):
    group = make_group(instructors=(teacher,), learners=(alice,))
    logged_in(teacher).post(reverse("groups:remove_member", args=[group.pk, alice.pk]))
    logged_in(alice).post(reverse("groups:join"), {"code": group.invite_code})
    assert Membership.objects.filter(group=group, user=alice, role="learner").exists()


def test_it_says_remove_from_group_not_export(teacher, alice, settings):
    group = make_group(instructors=(teacher,), learners=(alice,))
    client = logged_in(teacher)
    settings.LANGUAGE_CODE = "ko"
    html = client.get(reverse("groups:manage", args=[group.pk])).content.decode()
    assert "그룹에서 제외" in html
    assert "내보내" not in html
    settings.LANGUAGE_CODE = "en"
    html = client.get(reverse("groups:manage", args=[group.pk])).content.decode()
    assert "Remove from group" in html
    # The question says what removing does.
    assert "Remove 앨리스 from the group? They will no longer see the group" in html
    assert "they can join again with the invite link" in html


def test_without_javascript_it_asks_on_a_page_first(
    teacher, alice, settings, django_assert_max_num_queries
):
    settings.LANGUAGE_CODE = "en"
    group = make_group(instructors=(teacher,), learners=(alice,))
    client = logged_in(teacher)
    url = reverse("groups:remove_member", args=[group.pk, alice.pk])
    with django_assert_max_num_queries(4):  # session, user, group, the membership
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Remove 앨리스 from this group?" in html
    assert f'<form method="post" action="{url}"' in html
    assert Membership.objects.filter(group=group, user=alice).exists()  # asking changes nothing
    assert (
        client.get(reverse("groups:remove_member", args=[group.pk, teacher.pk])).status_code == 404
    )


def test_it_tells_htmx_when_the_person_was_no_longer_a_learner(teacher, alice, settings):
    settings.LANGUAGE_CODE = "en"
    group = make_group(instructors=(teacher,), learners=(alice,))
    client = logged_in(teacher)
    url = reverse("groups:remove_member", args=[group.pk, alice.pk])
    client.post(url, headers={"HX-Request": "true"})
    response = client.post(url, headers={"HX-Request": "true"})  # again, from another tab
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="members"')
    assert "That person is not a learner of this group." in html


def test_it_answers_htmx_404_for_a_group_one_does_not_run(teacher, alice, bob):
    group = make_group(instructors=(teacher,), learners=(alice,))
    url = reverse("groups:remove_member", args=[group.pk, alice.pk])
    assert logged_in(bob).post(url, headers={"HX-Request": "true"}).status_code == 404
    assert Client().post(url, headers={"HX-Request": "true"}).status_code == 404
    missing = reverse("groups:remove_member", args=[group.pk + 1000, alice.pk])
    assert logged_in(teacher).post(missing, headers={"HX-Request": "true"}).status_code == 404
    assert Membership.objects.filter(group=group, user=alice).exists()
