"""Timed mock exams: drawing a sitting's questions and hands-on tasks by domain weight,
saving answers as the learner goes, enforcing the deadline on the server, and scoring a
finished sitting.

A task is one item like a question: each domain's seats go a quarter (at least one) to
its tasks, the rest to its questions; a task earns the share of its checks that pass, so
a sitting's score can be a fraction (kept to hundredths; the pass mark is compared with
the exact sum).

The clock is `django.utils.timezone.now`; every rule about time reads it here. Only
questions of lessons learners may read now (published, their time come) are drawn, and a
question drawn into an open sitting is held: no other page takes an answer to it or
shows its key until the sitting ends."""

import random
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lessons.exams.tasks import checker
from lessons.kernel import numbers
from lessons.kernel.signals import questions_answered
from lessons.models import (
    Domain,
    Exam,
    MockSitting,
    Question,
    SittingQuestion,
    Task,
    TaskAttempt,
    visible_now,
)
from lessons.models.exams import GRACE, weight_problem
from lessons.quizzes import scoring

# The share of a domain's seats that go to its hands-on tasks (at least one seat when
# the domain has a task and two seats or more): tasks take longer than questions.
TASK_SHARE = Fraction(1, 4)


def apportion(total: int, weights: dict[int, int], capacity: dict[int, int]) -> dict[int, int]:
    """Split `total` seats across domains in proportion to their weights (largest
    remainder), no domain getting more than its `capacity`; what a short domain cannot
    take goes to the others, again by weight. The result sums to min(total, capacity)."""
    seats = dict.fromkeys(weights, 0)
    remaining = min(total, sum(capacity.get(d, 0) for d in weights))
    while remaining > 0:
        open_domains = {d: w for d, w in weights.items() if seats[d] < capacity.get(d, 0)}
        weight_sum = sum(open_domains.values())
        if not open_domains or weight_sum <= 0:
            break
        quotas = {d: remaining * w / weight_sum for d, w in open_domains.items()}
        share = {d: int(q) for d, q in quotas.items()}
        leftover = remaining - sum(share.values())
        by_remainder = sorted(open_domains, key=lambda d: (-(quotas[d] - share[d]), -weights[d], d))
        for d in by_remainder[:leftover]:
            share[d] += 1
        given = 0
        for d, n in share.items():
            n = min(n, capacity[d] - seats[d])
            seats[d] += n
            given += n
        remaining -= given
        if given == 0:
            break
    return seats


def drawable_questions(exam: Exam) -> dict[int, list[int]]:
    """Question ids per domain of `exam`, from lessons learners may read now only."""
    return _by_domain(Question.objects.filter(visible_now("quiz__lesson__"), domain__exam=exam))


def drawable_tasks(exam: Exam) -> dict[int, list[int]]:
    """Hands-on task ids per domain of `exam`, from lessons learners may read now only."""
    return _by_domain(Task.objects.filter(visible_now("lesson__"), domain__exam=exam))


def _by_domain(items) -> dict[int, list[int]]:
    pool: dict[int, list[int]] = {}
    for domain_id, item_id in items.order_by("id").values_list("domain_id", "id"):
        pool.setdefault(domain_id, []).append(item_id)
    return pool


def task_seats(seats: int, questions: int, tasks: int) -> int:
    """How many of a domain's `seats` go to hands-on tasks: a quarter, rounded half up and
    at least one from two seats on; more when its questions run short."""
    wanted = max(1, numbers.rounded(seats * TASK_SHARE)) if seats >= 2 else 0
    return min(tasks, seats, max(wanted, seats - questions))


@dataclass(frozen=True)
class Plan:
    """What a sitting of `exam` would be now: its domains' seats (items, and of them
    tasks) and the total."""

    domains: list[Domain]
    seats: dict[int, int]
    tasks: dict[int, int]
    pool: dict[int, list[int]]
    task_pool: dict[int, list[int]]
    problem: str | None

    @property
    def size(self) -> int:
        return sum(self.seats.values())

    @property
    def task_count(self) -> int:
        return sum(self.tasks.values())


def plan(exam: Exam) -> Plan:
    domains = list(exam.domains.all())
    pool = drawable_questions(exam)
    task_pool = drawable_tasks(exam)
    problem = weight_problem([d.weight for d in domains])
    weights = {d.id: d.weight for d in domains}
    capacity = {d.id: len(pool.get(d.id, [])) + len(task_pool.get(d.id, [])) for d in domains}
    seats = apportion(exam.questions_per_sitting, weights, capacity)
    tasks = {
        d: task_seats(n, len(pool.get(d, [])), len(task_pool.get(d, []))) for d, n in seats.items()
    }
    if problem is None and not sum(seats.values()):
        problem = _("No published lesson has questions for this exam yet.")
    return Plan(domains, seats, tasks, pool, task_pool, problem)


@dataclass(frozen=True)
class Drawn:
    domain_id: int
    question_id: int | None = None
    task_id: int | None = None


def draw(the_plan: Plan, rng: random.Random) -> list[Drawn]:
    """The items of one sitting, no question or task twice, shuffled."""
    drawn = []
    for domain_id, count in the_plan.seats.items():
        tasks = the_plan.tasks.get(domain_id, 0)
        questions = rng.sample(the_plan.pool.get(domain_id, []), count - tasks)
        drawn += [Drawn(domain_id, question_id=q) for q in questions]
        chosen = rng.sample(the_plan.task_pool.get(domain_id, []), tasks)
        drawn += [Drawn(domain_id, task_id=t) for t in chosen]
    rng.shuffle(drawn)
    return drawn


class SittingRefused(Exception):
    """The exam cannot be sat now; the message says why."""


def open_sitting(user, exam: Exam | None = None) -> MockSitting | None:
    """The learner's open sitting (of `exam`, if given); one whose time ran out is
    finished first."""
    finish_expired(user)
    sittings = MockSitting.objects.filter(user=user, finished_at__isnull=True)
    if exam is not None:
        sittings = sittings.filter(exam=exam)
    return sittings.select_related("exam").first()


def started_today(user, exam: Exam) -> int:
    """How many sittings of `exam` the learner started since local midnight."""
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return MockSitting.objects.filter(user=user, exam=exam, started_at__gte=midnight).count()


def start(user, exam: Exam, rng: random.Random | None = None) -> MockSitting:
    """The learner's open sitting of `exam`, or a new one with freshly drawn questions.
    Two starts at once (a double click) make one sitting; an open sitting of another
    exam, or the day's limit reached, refuses."""
    existing = open_sitting(user)
    if existing is not None and existing.exam_id == exam.pk:
        return existing
    if existing is not None:
        raise SittingRefused(
            _("Your mock exam of %(exam)s is still open: finish it first.")
            % {"exam": existing.exam.name}
        )
    if started_today(user, exam) >= exam.sittings_per_day:
        raise SittingRefused(
            _("You have started %(limit)d mock exams of this exam today, the most a day.")
            % {"limit": exam.sittings_per_day}
        )
    the_plan = plan(exam)
    if the_plan.problem:
        raise SittingRefused(the_plan.problem)
    drawn = draw(the_plan, rng or random.SystemRandom())
    now = timezone.now()
    try:
        with transaction.atomic():
            sitting = MockSitting.objects.create(
                user=user,
                exam=exam,
                started_at=now,
                deadline=now + timedelta(minutes=exam.duration_minutes),
                max_score=len(drawn),
            )
            SittingQuestion.objects.bulk_create(
                SittingQuestion(
                    sitting=sitting,
                    domain_id=item.domain_id,
                    question_id=item.question_id,
                    task_id=item.task_id,
                    position=n,
                )
                for n, item in enumerate(drawn, start=1)
            )
    except IntegrityError:
        existing = MockSitting.objects.filter(user=user, finished_at__isnull=True).first()
        if existing is None or existing.exam_id != exam.pk:
            raise SittingRefused(_("Another mock exam was started at the same time.")) from None
        return existing
    return sitting


def sitting_token(sitting: MockSitting) -> str:
    """The form token a sitting's choices are posted under (see scoring.choice_token):
    stable for the sitting, so a reloaded or resumed page posts the same tokens."""
    return f"sitting-{sitting.pk}-{sitting.salt}"


def choice_order_seed(sitting: MockSitting) -> str:
    """What orders a sitting's choices: its stored secret salt (never in the page)."""
    return f"mock:{sitting.pk}:{sitting.salt}"


def accepts_answers(sitting: MockSitting, now=None) -> bool:
    return not sitting.is_finished and (now or timezone.now()) <= sitting.deadline + GRACE


def finished_message() -> str:
    return _("This mock exam is finished; answers can no longer change.")


class AnswerRefused(Exception):
    """The post does not fit the sitting: nothing was stored."""


class SittingOver(Exception):
    """The sitting finished before this answer came (a second tab, or an autosave that
    lost the race with "finish"): nothing was stored; the learner goes to the result."""


class TimeIsUp(Exception):
    """The answer came after the deadline and its grace: not counted; the sitting is
    finished as it stood at the deadline."""


def save_answer(sitting: MockSitting, item: SittingQuestion, data) -> SittingQuestion:
    """Store the learner's answer to one item of an open sitting, replacing an earlier
    one; an empty answer clears it. Choices are posted as tokens; a task's manifest is
    checked here (outside the lock: the check takes a while)."""
    store = (
        _task_answer(sitting, item, data) if item.task_id else _question_answer(sitting, item, data)
    )
    now = timezone.now()
    late = False
    with transaction.atomic():
        locked = MockSitting.objects.select_for_update().get(pk=sitting.pk)
        if locked.is_finished:
            raise SittingOver
        late = not accepts_answers(locked, now)
        if not late:
            store(now, flagged=data.get("flag") == "on")
    if late:
        # Finished in its own transaction, so the refusal does not undo it.
        finish(sitting, timed_out=True)
        raise TimeIsUp
    return item


def _question_answer(sitting: MockSitting, item: SittingQuestion, data):
    posted = data.copy()
    posted["form_token"] = sitting_token(sitting)
    try:
        answers = scoring.parse_submission([item.question], posted, require_all=False)
    except scoring.InvalidSubmission as invalid:
        raise AnswerRefused("; ".join(invalid.errors)) from None
    scoring.grade(answers)
    return lambda now, flagged: _store(item, answers, now, flagged=flagged)


def _task_answer(sitting: MockSitting, item: SittingQuestion, data):
    """A manifest is the learner's answer once it is more than the starting text; one
    the checker refuses (broken YAML, another kind) is kept and earns nothing."""
    text = data.get("manifest", "")
    if len(text) > checker.MAX_MANIFEST_CHARS:
        raise AnswerRefused(
            _("The manifest is too long (at most %(max)d characters).")
            % {"max": checker.MAX_MANIFEST_CHARS}
        )
    task = item.task
    answered = bool(text.strip()) and text.strip() != task.starting.strip()
    results, refused = [], ""
    if answered:
        try:
            check = checker.check(text, task.kind, task.rules, sitting.exam.kubernetes_version)
            results = [r.passed for r in check.results]
        except checker.ManifestRefused as why:
            refused = str(why)

    def store(now, flagged: bool) -> None:
        item.manifest, item.rule_results, item.refused = text, results, refused
        item.is_correct = (bool(results) and all(results)) if answered else None
        item.answered_at = now if answered else None
        item.flagged = flagged
        item.save(
            update_fields=[
                "manifest", "rule_results", "refused", "is_correct", "answered_at", "flagged"
            ]
        )  # fmt: skip

    return store


def _store(item: SittingQuestion, answers: list, now, *, flagged: bool) -> None:
    if answers:
        answer = answers[0]
        item.choice_ids, item.text = answer.choice_ids, answer.text
        item.is_correct, item.answered_at = answer.is_correct, now
    else:
        item.choice_ids, item.text, item.is_correct, item.answered_at = [], "", None, None
    item.flagged = flagged
    item.save(update_fields=["choice_ids", "text", "is_correct", "answered_at", "flagged"])


def left_to_check(sitting: MockSitting) -> bool:
    """Whether a question is still unanswered or flagged, so "finish" asks first."""
    return sitting.questions.filter(Q(is_correct__isnull=True) | Q(flagged=True)).exists()


def finish(sitting: MockSitting, *, timed_out: bool = False) -> MockSitting:
    """Score and close the sitting (once), and tell listeners what was missed."""
    with transaction.atomic():
        locked = MockSitting.objects.select_for_update().get(pk=sitting.pk)
        if locked.is_finished:
            return locked
        items = list(locked.questions.select_related("task"))
        exact = sum((item.credit for item in items), Fraction(0))
        locked.score = numbers.hundredths(exact)
        locked.max_score = len(items)
        locked.passed = locked.exam.passes(exact, locked.max_score)
        locked.timed_out = timed_out
        locked.finished_at = min(timezone.now(), locked.deadline) if timed_out else timezone.now()
        locked.save(update_fields=["score", "max_score", "passed", "timed_out", "finished_at"])
        _record_task_attempts(locked, items)
    results = [
        (item.question_id, bool(item.is_correct)) for item in items if item.question_id is not None
    ]
    questions_answered.send(sender=MockSitting, user=locked.user, results=results)
    return locked


def _record_task_attempts(sitting: MockSitting, items: list[SittingQuestion]) -> None:
    """Each task answered in the sitting becomes an attempt at it, as if checked on its
    page: readiness counts it, and the task's page shows it as the latest."""
    TaskAttempt.objects.bulk_create(
        TaskAttempt(
            user_id=sitting.user_id,
            task_id=item.task_id,
            manifest=item.manifest,
            score=item.checks_passed,
            max_score=len(item.rule_results) or len(item.task.rules),
            refused=item.refused,
        )
        for item in items
        if item.task_id is not None and item.is_answered
    )


def finish_expired(user) -> None:
    """Close the learner's sittings whose time ran out while nobody was looking."""
    expired = MockSitting.objects.filter(
        user=user, finished_at__isnull=True, deadline__lt=timezone.now() - GRACE
    ).select_related("exam", "user")
    for sitting in expired:
        finish(sitting, timed_out=True)


@dataclass
class DomainResult:
    domain_name: str
    weight: int
    right: Fraction
    total: int

    @property
    def percent(self) -> int:
        return numbers.percent(self.right, self.total)

    @property
    def points(self) -> str:
        return numbers.points(self.right)


def domain_breakdown(items: list[SittingQuestion]) -> list[DomainResult]:
    """Points per domain of a sitting (a task earning the share of its checks that
    passed), heaviest domain first."""
    by_domain: dict[int | None, DomainResult] = {}
    for item in items:
        domain = item.domain
        key = domain.id if domain else None
        if key not in by_domain:
            name = domain.name if domain else _("Other")
            by_domain[key] = DomainResult(name, domain.weight if domain else 0, Fraction(0), 0)
        by_domain[key].total += 1
        by_domain[key].right += item.credit
    return sorted(by_domain.values(), key=lambda r: (-r.weight, r.domain_name))
