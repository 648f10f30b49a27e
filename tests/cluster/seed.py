"""The cluster's data: the lessons in fixtures/lessons, study groups with a weekly pace
and their learners (`make_reminder_groups`, password bench-password-1), an instructor
per group (teacher{n}) and an editor who may upload images (editor)."""

import subprocess

from tests.cluster.processes import BIN, ROOT

PASSWORD = "bench-password-1"

STAFF = """
from django.contrib.auth.hashers import make_password
from portal.models import Membership, StudyGroup, User
password = make_password({password!r})
groups = list(StudyGroup.objects.order_by("pk"))
teachers = User.objects.bulk_create(
    User(username=f"teacher{{n}}", email=f"teacher{{n}}@example.com", password=password)
    for n in range(len(groups))
)
Membership.objects.bulk_create(
    Membership(group=group, user=teacher, role=Membership.Role.INSTRUCTOR)
    for group, teacher in zip(groups, teachers)
)
User.objects.create_superuser("editor", "editor@example.com", {password!r})
print(",".join(str(group.pk) for group in groups))
"""


def manage(env: dict, *args: str) -> str:
    return subprocess.run(
        [BIN / "python", "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def seed(env: dict, groups: int, learners_per_group: int) -> list[int]:
    """The ids of the groups made; learner n is remind{n}, in group n // learners_per_group."""
    manage(env, "import_lessons", "fixtures/lessons")
    manage(
        env,
        "make_reminder_groups",
        "--groups",
        str(groups),
        "--learners-per-group",
        str(learners_per_group),
    )
    out = manage(env, "shell", "--no-imports", "-c", STAFF.format(password=PASSWORD))
    return [int(pk) for pk in out.strip().splitlines()[-1].split(",")]
