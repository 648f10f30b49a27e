"""The admin as an editor (staff who write lessons) and a superuser find it: sign-in records
only for superusers, a mistyped history address a plain 404."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from tests.conftest import make_lesson, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_editor(db) -> Client:
    """Staff with every permission there is, but not a superuser."""
    editor = make_user("writer", is_staff=True)
    editor.user_permissions.set(Permission.objects.all())
    client = Client()
    client.force_login(editor)
    return client


def test_it_keeps_sign_in_records_from_editors(full_editor, admin_client):
    sidebar = full_editor.get(reverse("admin:index")).content.decode()
    assert "/admin/lessons/" in sidebar
    assert "/admin/axes/" not in sidebar
    for name in ("accesslog", "accessattempt", "accessfailurelog"):
        assert full_editor.get(f"/admin/axes/{name}/").status_code == 403
        assert admin_client.get(f"/admin/axes/{name}/").status_code == 200
    assert "/admin/axes/" in admin_client.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("object_id", ["999999", "abc", "0"])
def test_a_mistyped_history_address_is_not_found(admin_client, full_editor, basic, object_id):
    make_lesson(basic, "Pods", 1)
    url = f"/admin/lessons/lesson/{object_id}/history/"
    assert admin_client.get(url).status_code == 404
    assert full_editor.get(url).status_code == 404
    restore = f"/admin/lessons/lesson/{object_id}/history/1/restore/"
    assert admin_client.post(restore).status_code == 404


def test_a_history_stays_closed_to_staff_without_the_permission(basic):
    lesson = make_lesson(basic, "Pods", 1)
    client = Client()
    client.force_login(make_user("helper", is_staff=True))
    assert client.get(f"/admin/lessons/lesson/{lesson.pk}/history/").status_code == 403
    assert client.get("/admin/lessons/lesson/999999/history/").status_code == 403
