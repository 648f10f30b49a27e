"""Who may see a group's dashboard: its instructors, and operators (the permission
`portal.view_every_group`, held by the "operators" group), who only look. A learner of the
group, an instructor of another group, a staff account without the permission and an
anonymous visitor get 404 from every dashboard URL, fragments and CSV included, and from
the instructor's own pages."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from portal.models import Membership, StudyGroup, User
from tests.conftest import make_lesson, make_user
from tests.helpers.groups import logged_in, make_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(alice, bob, basic):
    teacher = make_user("teacher")
    other_teacher = make_user("other-teacher")
    lesson = make_lesson(basic, "Pods", 1)
    group = make_group(instructors=(teacher,), learners=(alice,))
    make_group("다른 그룹", instructors=(other_teacher,), learners=(bob,))
    return group, teacher, other_teacher, alice, lesson


def _dashboard_requests(group, alice, lesson):
    """Every URL that shows a group's progress: its instructors and operators see them."""
    pk = group.pk
    return [
        ("get", reverse("groups:dashboard", args=[pk]), {}),
        ("htmx", reverse("groups:dashboard", args=[pk]), {}),
        ("get", reverse("groups:dashboard", args=[pk]) + "?sort=-progress&attention=1", {}),
        ("get", reverse("groups:dashboard_csv", args=[pk]), {}),
        ("get", reverse("groups:dashboard_learner", args=[pk, alice.pk]), {}),
        ("htmx", reverse("groups:dashboard_learner", args=[pk, alice.pk]), {}),
        ("get", reverse("groups:dashboard_lesson", args=[pk, lesson.pk]), {}),
        ("htmx", reverse("groups:dashboard_lesson", args=[pk, lesson.pk]), {}),
        ("get", reverse("groups:readiness", args=[pk]), {}),
    ]


def _managing_requests(group, alice, lesson):
    """Every URL that changes a group: its instructors only."""
    pk = group.pk
    return [
        ("get", reverse("groups:manage", args=[pk]), {}),
        ("post", reverse("groups:manage", args=[pk]), {"name": "Taken over", "pace": "none"}),
        ("get", reverse("groups:pace_dates", args=[pk]), {}),
        ("post", reverse("groups:pace_dates", args=[pk]), {f"lesson_{lesson.pk}": "2030-01-01"}),
        ("post", reverse("groups:rotate_invite", args=[pk]), {}),
        ("htmx-post", reverse("groups:rotate_invite", args=[pk]), {}),
        ("post", reverse("groups:remove_member", args=[pk, alice.pk]), {}),
        ("htmx-post", reverse("groups:remove_member", args=[pk, alice.pk]), {}),
    ]


def _requests(group, alice, lesson):
    return _dashboard_requests(group, alice, lesson) + _managing_requests(group, alice, lesson)


def operator() -> User:
    """A staff account in the operators group, with no other permission."""
    person = make_user("operator", is_staff=True)
    person.groups.add(Group.objects.get(name="operators"))
    return person


def _send(client: Client, method: str, url: str, data: dict):
    htmx = {"HX-Request": "true"} if method.startswith("htmx") else {}
    if method.endswith("post"):
        return client.post(url, data, headers=htmx)
    return client.get(url, headers=htmx)


@pytest.mark.parametrize("who", ["learner of the group", "other instructor", "staff", "anonymous"])
def test_it_answers_404_to_everyone_else_on_every_url(setting, who):
    group, _, other_teacher, alice, lesson = setting
    client = {
        "learner of the group": lambda: logged_in(alice),
        "other instructor": lambda: logged_in(other_teacher),
        # Admin access without the permission: an editor of lessons sees no group.
        "staff": lambda: logged_in(make_user("lesson-editor", is_staff=True)),
        "anonymous": Client,
    }[who]()
    code = group.invite_code
    for method, url, data in _requests(group, alice, lesson):
        response = _send(client, method, url, data)
        assert response.status_code == 404, (method, url, response.status_code)
    group.refresh_from_db()
    assert group.name == "쿠버네티스 스터디"
    assert group.invite_code == code
    assert group.pace == StudyGroup.Pace.NONE
    assert Membership.objects.filter(group=group, user=alice).exists()


def test_it_does_not_reveal_whether_a_group_exists(setting):
    group, _, other_teacher, _, _ = setting
    client = logged_in(other_teacher)
    existing = client.get(reverse("groups:dashboard", args=[group.pk]))
    missing = client.get(reverse("groups:dashboard", args=[group.pk + 1000]))
    assert existing.status_code == missing.status_code == 404


def test_it_shows_the_dashboards_to_an_operator_but_not_the_instructors_pages(setting):
    group, _, _, alice, lesson = setting
    client = logged_in(operator())
    for method, url, data in _dashboard_requests(group, alice, lesson):
        response = _send(client, method, url, data)
        assert response.status_code == 200, (method, url, response.status_code)
    csv = client.get(reverse("groups:dashboard_csv", args=[group.pk]))
    assert "alice" in b"".join(csv.streaming_content).decode()
    for method, url, data in _managing_requests(group, alice, lesson):
        response = _send(client, method, url, data)
        assert response.status_code == 404, (method, url, response.status_code)
    group.refresh_from_db()
    assert group.name == "쿠버네티스 스터디"
    assert Membership.objects.filter(group=group, user=alice).exists()


def test_it_offers_an_operator_the_dashboard_but_not_the_settings_on_the_group_page(setting):
    group, *_ = setting
    html = logged_in(operator()).get(reverse("groups:detail", args=[group.pk])).text
    assert reverse("groups:dashboard", args=[group.pk]) in html
    assert reverse("groups:manage", args=[group.pk]) not in html


def test_it_serves_every_url_to_the_instructor(setting):
    group, teacher, _, alice, lesson = setting
    client = logged_in(teacher)
    for method, url, data in _requests(group, alice, lesson):
        if "remove" in url:
            continue  # checked below, once, since it removes alice
        response = _send(client, method, url, data)
        assert response.status_code in (200, 302), (method, url, response.status_code)
    response = client.post(reverse("groups:remove_member", args=[group.pk, alice.pk]))
    assert response.status_code == 302


def test_it_answers_404_for_huge_and_unknown_ids(setting):
    group, teacher, *_ = setting
    client = logged_in(teacher)
    huge = 10**30
    assert client.get(f"/groups/{huge}/dashboard/").status_code == 404
    assert client.get(f"/groups/{huge}/dashboard/export.csv").status_code == 404
    assert client.get(f"/groups/{group.pk}/dashboard/learners/{huge}/").status_code == 404
    assert client.get(f"/groups/{group.pk}/dashboard/lessons/{huge}/").status_code == 404
    assert client.post(f"/groups/{huge}/manage/invite/").status_code == 404


def test_it_answers_404_for_a_learner_or_lesson_outside_the_group(setting, bob, cka):
    group, teacher, _, _, basic_lesson = setting
    group.categories.set([cka])
    client = logged_in(teacher)
    for user in (bob, teacher):
        url = reverse("groups:dashboard_learner", args=[group.pk, user.pk])
        assert client.get(url).status_code == 404
    url = reverse("groups:dashboard_lesson", args=[group.pk, basic_lesson.pk])
    assert client.get(url).status_code == 404


def test_it_keeps_a_draft_lesson_out_of_the_drill_down(setting, basic):
    group, teacher, *_ = setting
    draft = make_lesson(basic, "Draft", 9, status="draft")
    url = reverse("groups:dashboard_lesson", args=[group.pk, draft.pk])
    assert logged_in(teacher).get(url).status_code == 404
