"""Reading a group's questions: on a lesson (with a count per section), on the group's
page, one thread, the sections that draw the most, and search. Each is a fixed number of
queries whatever the number of questions (held by tests at 500 on a lesson)."""

from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.db.models import Count, F, Q, QuerySet

from lessons.kernel.search import SearchQuery
from lessons.models import Lesson
from portal.models import GroupAnswer, GroupQuestion, QuestionFollow, StudyGroup

LESSON_PAGE_QUESTIONS = 20
GROUP_PAGE_SIZE = 50
SEARCH_LIMIT = 10
LIST_FIELDS = (
    "id", "group_id", "group__name", "lesson_id", "lesson__title", "lesson__slug", "section",
    "title", "author__username", "author__display_name", "created_at", "deleted_at",
    "hidden_at", "hidden_reason", "accepted_answer_id", "answer_count", "author_id",
)  # fmt: skip


def unanswered_first(questions: QuerySet[GroupQuestion]) -> QuerySet[GroupQuestion]:
    return questions.order_by(
        F("accepted_answer_id").asc(nulls_first=True), "-last_activity_at", "-id"
    )


def _listed(questions: QuerySet[GroupQuestion]) -> QuerySet[GroupQuestion]:
    return questions.select_related("group", "lesson", "author").only(*LIST_FIELDS)


@dataclass(frozen=True)
class Section:
    id: str
    name: str
    level: int
    count: int


@dataclass
class LessonQuestions:
    groups: list[StudyGroup]
    questions: list[GroupQuestion]
    total: int
    unanswered: int
    sections: list[Section] = field(default_factory=list)
    on_lesson: int = 0  # questions about the lesson as a whole (no section)

    @property
    def many_groups(self) -> bool:
        return len(self.groups) > 1


def lesson_questions(lesson: Lesson, groups: list[StudyGroup]) -> LessonQuestions:
    """The questions the user's groups asked on `lesson`: the first ones (unanswered
    first), the count per section of the lesson, and the totals. Two queries."""
    ids = [group.pk for group in groups]
    asked = GroupQuestion.objects.filter(group_id__in=ids, lesson=lesson, deleted_at=None)
    counts = {
        row["section"]: (row["n"], row["open"])
        for row in asked.values("section")
        .annotate(n=Count("id"), open=Count("id", filter=Q(accepted_answer=None)))
        .order_by()
    }
    questions = list(_listed(unanswered_first(asked))[:LESSON_PAGE_QUESTIONS])
    sections = [
        Section(entry["id"], entry["name"], entry["level"], counts.get(entry["id"], (0, 0))[0])
        for entry in lesson.toc
    ]
    return LessonQuestions(
        groups=groups,
        questions=questions,
        total=sum(n for n, _ in counts.values()),
        unanswered=sum(open_ for _, open_ in counts.values()),
        sections=sections,
        on_lesson=counts.get("", (0, 0))[0],
    )


def section_questions(
    lesson: Lesson, groups: list[StudyGroup], section: str
) -> list[GroupQuestion]:
    """The questions the groups asked on one section of `lesson`, unanswered first (the
    first LESSON_PAGE_QUESTIONS). One query."""
    asked = GroupQuestion.objects.filter(
        group__in=groups, lesson=lesson, section=section, deleted_at=None
    )
    return list(_listed(unanswered_first(asked))[:LESSON_PAGE_QUESTIONS])


def group_questions(
    group: StudyGroup, lesson_id: int | None, unanswered_only: bool
) -> QuerySet[GroupQuestion]:
    """The group's questions for its own page, unanswered first."""
    questions = GroupQuestion.objects.filter(group=group)
    if lesson_id is not None:
        questions = questions.filter(lesson_id=lesson_id)
    if unanswered_only:
        questions = questions.filter(accepted_answer=None, deleted_at=None)
    return _listed(unanswered_first(questions))


def asked_lessons(group: StudyGroup) -> list[tuple[int, str, int]]:
    """The lessons the group asked about, with how many questions each: (id, title, n)."""
    rows = (
        GroupQuestion.objects.filter(group=group)
        .values("lesson_id", "lesson__title")
        .annotate(n=Count("id"))
        .order_by("lesson__category__position", "lesson__position", "lesson_id")
    )
    return [(row["lesson_id"], row["lesson__title"], row["n"]) for row in rows]


@dataclass(frozen=True)
class Thread:
    question: GroupQuestion
    answers: list[GroupAnswer]
    following: bool
    followers: int


def thread(question: GroupQuestion, user) -> Thread:
    answers = list(
        GroupAnswer.objects.filter(question=question)
        .select_related("author")
        .order_by("created_at", "id")
    )
    follows = QuestionFollow.objects.filter(question=question).aggregate(
        n=Count("id"), mine=Count("id", filter=Q(user=user))
    )
    return Thread(question, answers, bool(follows["mine"]), follows["n"])


def busiest_sections(group: StudyGroup, lesson: Lesson, limit: int = 5) -> list[Section]:
    """The lesson's sections the group asked most about, most first. One query."""
    names = {entry["id"]: entry for entry in lesson.toc}
    rows = (
        GroupQuestion.objects.filter(group=group, lesson=lesson, deleted_at=None)
        .exclude(section="")
        .values("section")
        .annotate(n=Count("id"))
        .order_by("-n", "section")[:limit]
    )
    return [
        Section(row["section"], names[row["section"]]["name"], names[row["section"]]["level"], n)
        for row in rows
        if row["section"] in names and (n := row["n"])
    ]


def search_questions(user, query: SearchQuery) -> list[GroupQuestion]:
    """The questions of the user's own groups that match every term of `query`."""
    if not query or not user.is_authenticated:
        return []
    matches = [
        reduce(or_, (Q(title__icontains=form) | Q(body__icontains=form) for form in term.forms))
        for term in query.terms
    ]
    questions = GroupQuestion.objects.filter(
        reduce(and_, matches),
        group__in=StudyGroup.objects.filter(memberships__user=user).values("pk"),
        deleted_at=None,
        hidden_at=None,
    )
    return list(_listed(questions.order_by("-created_at", "-id"))[:SEARCH_LIMIT])
