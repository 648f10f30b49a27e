"""The lesson to offer after one is finished (a quiz passed, a lesson marked done)."""

from django.db.models import Exists, OuterRef

from lessons.models import Completion, Lesson
from lessons.progress.tracking import plain_rows

FIELDS = ["id", "slug", "title"]


def next_lesson(user, after: Lesson) -> Lesson | None:
    """The first lesson after `after`, in learning order, that `user` has not done; else
    the first one not done before it; None when every other lesson is done. One query,
    whose rows (every visible lesson) are read as plain tuples: a thousand lessons made
    into models cost more than the rest of the page."""
    lessons = (
        Lesson.objects.visible_to(user)
        .in_learning_order()
        .annotate(is_done=Exists(Completion.objects.filter(user=user, lesson=OuterRef("pk"))))
        .values_list(*FIELDS, "is_done")
    )
    # The cursor's columns come in the query's order, which values_list() would reorder.
    query = lessons.query
    columns = [*query.extra_select, *query.values_select, *query.annotation_select]
    pk, done = columns.index("id"), columns.index("is_done")
    rows = plain_rows(lessons)
    place = next((i for i, row in enumerate(rows) if row[pk] == after.id), len(rows))
    for row in rows[place + 1 :] + rows[:place]:
        if not row[done]:
            # As `.only(*FIELDS)` would load it: any other field is read when asked for.
            values = dict(zip(columns, row, strict=True))
            # from_db() takes the values in the model's order of fields.
            names = [f.attname for f in Lesson._meta.concrete_fields if f.attname in FIELDS]
            return Lesson.from_db(lessons.db, names, [values[name] for name in names])
    return None
