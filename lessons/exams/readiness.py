"""Readiness for an exam, domain by domain: the share of a domain's questions whose latest
answer (in a quiz attempt or a finished mock exam) is right, and the expected share of the
whole exam: a domain not measured yet counts as not ready (0), never skipped, so a learner
measured on a quarter of the exam reads at most 25%.

Everything comes from a fixed number of queries whatever the history's size: the latest
answer per learner and question is picked inside the database (a window function)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import BooleanField, Case, F, Max, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from lessons.content import kept
from lessons.kernel import numbers
from lessons.models import (
    AttemptAnswer,
    Domain,
    Exam,
    Lesson,
    Question,
    SittingQuestion,
    Task,
    TaskAttempt,
    visible_now,
)

# Fewer answered questions than this in a domain tell nothing about it yet (with 3, one
# lucky guess moved a domain by a third).
MIN_ANSWERED = 5
# Lessons listed under a domain as what trains it.
LESSONS_PER_DOMAIN = 3


def exam_questions(exams: Iterable[Exam] | None = None) -> QuerySet[Question]:
    """Questions tagged with a domain, of lessons learners may read now (drafts and
    lessons scheduled for later never count)."""
    questions = Question.objects.filter(visible_now("quiz__lesson__"), domain__isnull=False)
    if exams is not None:
        questions = questions.filter(domain__exam__in=list(exams))
    return questions


def latest_answers(users: QuerySet | list[int], questions: QuerySet | list[int]) -> dict:
    """{(user id, question id): is_correct} for each learner's latest answer to each of
    `questions` (a query of them, or their ids), from quiz attempts and finished mock
    exams: two queries."""
    ids = questions.values("id") if isinstance(questions, QuerySet) else questions
    attempts = (
        AttemptAnswer.objects.filter(
            attempt__isnull=False, attempt__user_id__in=users, question_id__in=ids
        )
        .annotate(
            who=F("attempt__user_id"),
            at=F("attempt__submitted_at"),
            rank=Window(
                RowNumber(),
                partition_by=[F("attempt__user_id"), F("question_id")],
                order_by=[F("attempt__submitted_at").desc(), F("id").desc()],
            ),
        )
        .filter(rank=1)
        .values_list("who", "question_id", "at", "is_correct")
    )
    sittings = (
        SittingQuestion.objects.filter(
            sitting__user_id__in=users,
            sitting__finished_at__isnull=False,
            is_correct__isnull=False,
            question_id__in=ids,
        )
        .annotate(
            who=F("sitting__user_id"),
            rank=Window(
                RowNumber(),
                partition_by=[F("sitting__user_id"), F("question_id")],
                order_by=[F("answered_at").desc(), F("id").desc()],
            ),
        )
        .filter(rank=1)
        .values_list("who", "question_id", "answered_at", "is_correct")
    )
    latest: dict[tuple[int, int], tuple[datetime, bool]] = {}
    for who, question_id, at, correct in [*attempts, *sittings]:
        known = latest.get((who, question_id))
        if known is None or at > known[0]:
            latest[(who, question_id)] = (at, correct)
    return {key: correct for key, (_, correct) in latest.items()}


@dataclass
class Section:
    name: str
    url: str


@dataclass
class TrainingLesson:
    title: str
    url: str
    sections: list[Section] = field(default_factory=list)


@dataclass
class DomainReadiness:
    domain: Domain
    questions: int = 0
    answered: int = 0
    right: int = 0
    lessons: list[TrainingLesson] = field(default_factory=list)

    @property
    def measured(self) -> bool:
        return self.answered >= MIN_ANSWERED

    @property
    def measurable(self) -> bool:
        """Whether the lessons have enough questions to measure this domain at all."""
        return self.questions >= MIN_ANSWERED

    @property
    def percent(self) -> int | None:
        """The share right among answered questions; None while there are too few."""
        return numbers.percent(self.right, self.answered) if self.measured else None


@dataclass
class Readiness:
    exam: Exam
    domains: list[DomainReadiness]

    @property
    def estimate(self) -> int | None:
        """The expected share of the whole exam: each measured domain's share times its
        weight, an unmeasured domain counting 0. None only for an exam with no domains."""
        if not self.domains:
            return None
        total = sum(d.domain.weight for d in self.domains) or 1
        expected = sum(d.domain.weight * d.percent for d in self.domains if d.measured)
        return numbers.rounded(expected / total)

    @property
    def coverage(self) -> int:
        """The share of the exam (by weight) measured so far."""
        return sum(d.domain.weight for d in self.domains if d.measured)

    @property
    def unmeasured(self) -> list[DomainReadiness]:
        """Domains not measured yet, heaviest first: each counts as not ready."""
        return sorted(
            (d for d in self.domains if not d.measured),
            key=lambda d: (-d.domain.weight, d.domain.position),
        )

    @property
    def weakest_first(self) -> list[DomainReadiness]:
        """Measured domains from the weakest up, then the unmeasured, heaviest first."""
        return sorted(
            self.domains,
            key=lambda d: (not d.measured, d.percent or 0, -d.domain.weight, d.domain.position),
        )

    @property
    def is_ready(self) -> bool:
        return self.estimate is not None and self.estimate >= self.exam.pass_mark


def section_name(toc: list[dict], anchor: str) -> str | None:
    """The heading a section anchor points at, as the lesson shows it."""
    return next((entry["name"] for entry in toc if entry["id"] == anchor), None)


@dataclass(frozen=True)
class Layout:
    """What readiness shows that is the same for every learner: the exams' domains, and
    the questions and hands-on tasks that measure them with the lesson (and section)
    that trains each, in learning order."""

    exams: list[Exam]
    domains: list[Domain]
    # (question id, domain id, section anchor, lesson title, lesson URL, section name)
    questions: list[tuple[int, int, str, str, str, str | None]]
    # (task id, domain id, lesson title, lesson URL)
    tasks: list[tuple[int, int, str, str]]


def _layout(exams: list[Exam] | None) -> tuple[Layout, datetime | None]:
    """The layout, and until when it holds (the next scheduled lesson's time). Four
    queries."""
    if exams is None:
        domains = list(Domain.objects.select_related("exam"))
        exams = list({d.exam_id: d.exam for d in domains}.values())
    else:
        domains = list(Domain.objects.filter(exam__in=exams))
    if not domains:
        return Layout(exams, [], [], []), None
    rows = (
        exam_questions(exams)
        .order_by("quiz__lesson__category__position", "quiz__lesson__position", "position")
        .annotate(next_at=kept.next_scheduled())
        .values_list(
            "id", "domain_id", "section", "quiz__lesson__title", "quiz__lesson__slug",
            "quiz__lesson__toc", "next_at",
        )
    )  # fmt: skip
    questions, until = [], None
    for question_id, domain_id, section, title, slug, toc, next_at in rows:
        url = Lesson(slug=slug).get_absolute_url()
        name = section_name(toc, section) if section else None
        questions.append((question_id, domain_id, section, title, url, name))
        until = next_at
    task_rows = (
        exam_tasks(exams)
        .annotate(next_at=kept.next_scheduled())
        .values_list("id", "domain_id", "lesson__title", "lesson__slug", "next_at")
    )
    task_list = []
    for task_id, domain_id, title, slug, next_at in task_rows:
        task_list.append((task_id, domain_id, title, Lesson(slug=slug).get_absolute_url()))
        until = next_at
    if not questions and not task_list:
        until = timezone.now()  # nothing read the schedule: read again next time
    return Layout(exams, domains, questions, task_list), until


def for_learner(user, exams: list[Exam] | None = None) -> list[Readiness]:
    """Each exam's readiness for one learner, with the lessons and sections that train
    each domain (sections of questions not yet answered right first), hands-on tasks
    counted like questions. Three queries once the exams' layout is kept (four more
    before)."""
    parts = "all" if exams is None else ",".join(str(exam.pk) for exam in exams)
    layout = kept.kept("exam-layout", lambda: _layout(exams), parts)
    exams, domains = exams or layout.exams, layout.domains
    if not domains:
        return [Readiness(exam, []) for exam in exams]
    answers = latest_answers([user.pk], [row[0] for row in layout.questions])
    by_domain = {d.id: DomainReadiness(d) for d in domains}
    to_train: dict[int, dict[str, tuple[int, TrainingLesson, set]]] = {}
    for question_id, domain_id, section, title, url, name in layout.questions:
        correct = answers.get((user.pk, question_id))
        record(by_domain[domain_id], correct)
        lessons = to_train.setdefault(domain_id, {})
        if url not in lessons:
            lessons[url] = (0, TrainingLesson(title, url), set())
        missed, lesson, anchors = lessons[url]
        if not correct:
            lessons[url] = (missed + 1, lesson, anchors)
            if name and section not in anchors:
                anchors.add(section)
                lesson.sections.append(Section(name, f"{url}#{section}"))
    _count_tasks(user, layout.tasks, by_domain, to_train)
    for domain_id, lessons in to_train.items():
        ranked = sorted(lessons.values(), key=lambda item: -item[0])
        by_domain[domain_id].lessons = [lesson for _, lesson, _ in ranked[:LESSONS_PER_DOMAIN]]
        for lesson in by_domain[domain_id].lessons:
            lesson.sections = lesson.sections[:3]
    return [
        Readiness(exam, [by_domain[d.id] for d in domains if d.exam_id == exam.id])
        for exam in exams
    ]


def exam_tasks(exams: Iterable[Exam]) -> QuerySet[Task]:
    """Hands-on tasks tagged with a domain of `exams`, of lessons learners may read now."""
    return Task.objects.filter(visible_now("lesson__"), domain__exam__in=list(exams))


def task_outcomes(
    users: QuerySet | list[int], tasks: QuerySet | list[int]
) -> dict[tuple[int, int], bool]:
    """{(user id, task id): solved} for each task (a query of them, or their ids) a
    learner attempted (on its page or in a finished mock exam): solved once an attempt
    passed every rule. One query."""
    ids = tasks.values("id") if isinstance(tasks, QuerySet) else tasks
    rows = (
        TaskAttempt.objects.filter(user_id__in=users, task_id__in=ids)
        .values("user_id", "task_id")
        .annotate(solved=Max(Case(When(score=F("max_score"), max_score__gt=0, then=1), default=0)))
        .values_list("user_id", "task_id", "solved")
    )
    return {(user_id, task_id): bool(solved) for user_id, task_id, solved in rows}


def record(entry: DomainReadiness, outcome: bool | None) -> None:
    """The one rule for what an item (a question or a hands-on task) adds to its domain:
    it is there to measure; answered (attempted) when it has an outcome; right when that
    outcome is. A learner's readiness and a group's both count through here."""
    entry.questions += 1
    if outcome is not None:
        entry.answered += 1
        entry.right += outcome


def _count_tasks(user, tasks: list[tuple], by_domain: dict, to_train: dict) -> None:
    """Hands-on tasks count in their domain like questions (see `record`); an unsolved
    one puts its lesson among what trains the domain. One query."""
    outcomes = task_outcomes([user.pk], [row[0] for row in tasks])
    for task_id, domain_id, title, url in tasks:
        solved = outcomes.get((user.pk, task_id))
        record(by_domain[domain_id], solved)
        lessons = to_train.setdefault(domain_id, {})
        if url not in lessons:
            lessons[url] = (0, TrainingLesson(title, url), set())
        if not solved:
            missed, lesson, anchors = lessons[url]
            lessons[url] = (missed + 1, lesson, anchors)


@dataclass
class LearnerRow:
    user: object
    readiness: Readiness


@dataclass
class GroupDomain:
    domain: Domain
    percents: list[int]
    learners: int

    @property
    def average(self) -> int | None:
        return numbers.average(self.percents)


def for_group(exam: Exam, memberships: QuerySet) -> tuple[list[GroupDomain], list[LearnerRow]]:
    """The group's readiness per domain (the mean over learners with enough answers in
    it) and each learner's, for a learner × domain table: questions and hands-on tasks
    counted as in a learner's own readiness (`record`). Six queries."""
    people = [m.user for m in memberships.select_related("user").order_by("user__username")]
    domains = list(exam.domains.all())
    learners = memberships.values("user_id")
    questions = exam_questions([exam])
    answers = latest_answers(learners, questions)
    tasks = exam_tasks([exam])
    outcomes = task_outcomes(learners, tasks)
    is_task = Value(True, output_field=BooleanField())
    listed = (
        questions.order_by()
        .values_list("id", "domain_id", Value(False, output_field=BooleanField()))
        .union(tasks.order_by().values_list("id", "domain_id", is_task), all=True)
        .order_by()
    )
    items = [(outcomes if task else answers, key, domain) for key, domain, task in listed]
    rows = []
    for person in people:
        entries = {d.id: DomainReadiness(d) for d in domains}
        for found, key, domain_id in items:
            record(entries[domain_id], found.get((person.pk, key)))
        rows.append(LearnerRow(person, Readiness(exam, list(entries.values()))))
    summary = []
    for index, domain in enumerate(domains):
        cells = [row.readiness.domains[index] for row in rows]
        percents = [cell.percent for cell in cells if cell.percent is not None]
        summary.append(GroupDomain(domain, percents, len(rows)))
    return summary, rows
