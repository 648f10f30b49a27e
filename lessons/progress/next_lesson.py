"""The lesson to offer after one is finished (a quiz passed, a lesson marked done)."""

from django.db.models import Exists, OuterRef

from lessons.models import Completion, Lesson


def next_lesson(user, after: Lesson) -> Lesson | None:
    """The first lesson after `after`, in learning order, that `user` has not done; else
    the first one not done before it; None when every other lesson is done. One query."""
    lessons = (
        Lesson.objects.visible_to(user)
        .in_learning_order()
        .annotate(is_done=Exists(Completion.objects.filter(user=user, lesson=OuterRef("pk"))))
        .only("id", "slug", "title")
    )
    rows = list(lessons)
    place = next((i for i, lesson in enumerate(rows) if lesson.id == after.id), len(rows))
    for lesson in rows[place + 1 :] + rows[:place]:
        if not lesson.is_done:
            return lesson
    return None
