"""What the lesson page shows of a group's questions, kept in the cache so that a member
reading a lesson costs no query for it once warm (the lesson page is the busiest page).

Two things are kept: a member's groups with the categories each studies (a new
generation at any change of a group, membership or a group's categories), and per lesson
and set of groups, the questions' panel (a new generation of a group at any question or
answer saved or deleted in it). A generation moves when the change happens and again
when its transaction commits, so that no request reading in between keeps what it read.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from lessons.models import Lesson
from portal.models import GroupAnswer, GroupQuestion, Membership, StudyGroup

GROUPS_SECONDS = 120
PANEL_SECONDS = 600
GROUPS_GENERATION = "discussions:groups-generation"


def _posts_generation_key(group_id: int) -> str:
    return f"discussions:posts-generation:{group_id}"


@dataclass(frozen=True)
class MemberGroup:
    group: StudyGroup
    category_ids: frozenset[int]  # empty: the group studies every category

    def studies(self, lesson: Lesson) -> bool:
        return not self.category_ids or lesson.category_id in self.category_ids


def member_groups_of(user) -> list[MemberGroup]:
    """The groups `user` belongs to (any role), by name, with their categories."""
    key = f"discussions:groups:{cache.get(GROUPS_GENERATION, 0)}:{user.pk}"
    found = cache.get(key)
    if found is None:
        groups = (
            StudyGroup.objects.filter(memberships__user=user)
            .order_by("name", "id")
            .only("id", "name")
            .prefetch_related("categories")
        )
        found = [
            MemberGroup(group, frozenset(c.pk for c in group.categories.all())) for group in groups
        ]
        cache.set(key, found, GROUPS_SECONDS)
    return found


def panel_key(lesson: Lesson, groups: list[StudyGroup]) -> str:
    keys = [_posts_generation_key(group.pk) for group in groups]
    generations = cache.get_many(keys)
    parts = ",".join(f"{g.pk}.{generations.get(k, 0)}" for g, k in zip(groups, keys, strict=True))
    return f"discussions:lesson:{lesson.pk}:{lesson.updated_at.timestamp()}:{parts}"


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)


def _bump_now_and_at_commit(key: str) -> None:
    _bump(key)
    transaction.on_commit(lambda: _bump(key))


def _groups_changed(**_kwargs) -> None:
    _bump_now_and_at_commit(GROUPS_GENERATION)


def _question_changed(instance: GroupQuestion, **_kwargs) -> None:
    _bump_now_and_at_commit(_posts_generation_key(instance.group_id))


def _answer_changed(instance: GroupAnswer, **_kwargs) -> None:
    group_id = (
        GroupQuestion.objects.filter(pk=instance.question_id)
        .values_list("group_id", flat=True)
        .first()
    )
    if group_id is not None:
        _bump_now_and_at_commit(_posts_generation_key(group_id))


post_save.connect(_groups_changed, sender=StudyGroup, dispatch_uid="discussions-group")
post_delete.connect(_groups_changed, sender=StudyGroup, dispatch_uid="discussions-group-del")
post_save.connect(_groups_changed, sender=Membership, dispatch_uid="discussions-member")
post_delete.connect(_groups_changed, sender=Membership, dispatch_uid="discussions-member-del")
m2m_changed.connect(
    _groups_changed, sender=StudyGroup.categories.through, dispatch_uid="discussions-scope"
)
post_save.connect(_question_changed, sender=GroupQuestion, dispatch_uid="discussions-q")
post_delete.connect(_question_changed, sender=GroupQuestion, dispatch_uid="discussions-q-del")
post_save.connect(_answer_changed, sender=GroupAnswer, dispatch_uid="discussions-a")
post_delete.connect(_answer_changed, sender=GroupAnswer, dispatch_uid="discussions-a-del")
