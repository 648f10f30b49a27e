"""The cluster's data: the lessons in fixtures/lessons, study groups with a weekly pace
and their learners (`make_reminder_groups`, password bench-password-1), an instructor
per group (teacher{n}) with a question asked in it, and an editor who may upload
images (editor). `make bench` (tests/bench/bench.py) seeds with the same commands."""

import subprocess
from pathlib import Path

from tests.cluster.processes import BIN, ROOT

PASSWORD = "bench-password-1"  # every seeded account's, the cluster's and the bench's
LESSON = "kubernetes-orchestration-lab"  # where each group's question is asked

STAFF = """
from django.contrib.auth.hashers import make_password
from lessons.models import Lesson
from portal.models import GroupQuestion, Membership, StudyGroup, User
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
lesson = Lesson.objects.get(slug={lesson!r})
questions = [
    GroupQuestion.objects.create(
        group=group, lesson=lesson, author=teacher, title="파드가 Pending이에요", body="왜일까요?"
    )
    for group, teacher in zip(groups, teachers)
]
print(",".join(str(question.pk) for question in questions))
print(",".join(str(group.pk) for group in groups))
"""


def manage(env: dict, *args: str, root: Path = ROOT) -> str:
    """`manage.py args` of the code at `root` on the database of `env`; what it printed."""
    return subprocess.run(
        [BIN / "python", "manage.py", *args],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def lessons(env: dict, root: Path = ROOT) -> None:
    manage(env, "import_lessons", "fixtures/lessons", root=root)


def reminder_groups(env: dict, groups: int, learners_per_group: int) -> None:
    """Groups with a weekly pace and learners remind{n} who are due a reminder tonight."""
    manage(
        env,
        "make_reminder_groups",
        "--groups",
        str(groups),
        "--learners-per-group",
        str(learners_per_group),
    )


SEED = """
from django.core.management import call_command
call_command("import_lessons", "fixtures/lessons", verbosity=0)
call_command("make_reminder_groups", groups={groups}, learners_per_group={learners_per_group})
"""


def seed(env: dict, groups: int, learners_per_group: int) -> tuple[list[int], list[int]]:
    """The ids of the groups made and of their questions; learner n is remind{n}, in group
    n // learners_per_group, and teacher{g} teaches group g. What `lessons` and
    `reminder_groups` do, and the staff, in one process (each loads Django anew)."""
    script = SEED.format(groups=groups, learners_per_group=learners_per_group)
    script += STAFF.format(password=PASSWORD, lesson=LESSON)
    *_, questions, groups_made = manage(env, "shell", "--no-imports", "-c", script).split()
    return [int(pk) for pk in groups_made.split(",")], [int(pk) for pk in questions.split(",")]
