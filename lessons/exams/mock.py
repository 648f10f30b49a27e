"""Timed mock exams: drawing a sitting's questions by domain weight, saving answers as the
learner goes, enforcing the deadline on the server, and scoring a finished sitting.

The clock is `django.utils.timezone.now`; every rule about time reads it here. Only
questions of lessons learners may read now (published, their time come) are drawn, and a
question drawn into an open sitting is held: no other page takes an answer to it or
shows its key until the sitting ends."""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lessons.kernel import numbers
from lessons.kernel.signals import questions_answered
from lessons.models import Domain, Exam, MockSitting, Question, SittingQuestion, visible_now
from lessons.models.exams import GRACE, weight_problem
from lessons.quizzes import scoring


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
    pool: dict[int, list[int]] = {}
    rows = Question.objects.filter(visible_now("quiz__lesson__"), domain__exam=exam).values_list(
        "domain_id", "id"
    )
    for domain_id, question_id in rows:
        pool.setdefault(domain_id, []).append(question_id)
    return pool


@dataclass(frozen=True)
class Plan:
    """What a sitting of `exam` would be now: its domains' seats and the total."""

    domains: list[Domain]
    seats: dict[int, int]
    pool: dict[int, list[int]]
    problem: str | None

    @property
    def size(self) -> int:
        return sum(self.seats.values())


def plan(exam: Exam) -> Plan:
    domains = list(exam.domains.all())
    pool = drawable_questions(exam)
    problem = weight_problem([d.weight for d in domains])
    weights = {d.id: d.weight for d in domains}
    capacity = {d: len(ids) for d, ids in pool.items()}
    seats = apportion(exam.questions_per_sitting, weights, capacity)
    if problem is None and not sum(seats.values()):
        problem = _("No published lesson has questions for this exam yet.")
    return Plan(domains, seats, pool, problem)


def draw(the_plan: Plan, rng: random.Random) -> list[tuple[int, int]]:
    """(domain id, question id) pairs for one sitting, no question twice, shuffled."""
    drawn = [
        (domain_id, question_id)
        for domain_id, count in the_plan.seats.items()
        for question_id in rng.sample(the_plan.pool.get(domain_id, []), count)
    ]
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
                SittingQuestion(sitting=sitting, domain_id=d, question_id=q, position=n)
                for n, (d, q) in enumerate(drawn, start=1)
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
    """Store the learner's answer to one question of an open sitting, replacing an
    earlier one; an empty answer clears it. Choices are posted as tokens."""
    posted = data.copy()
    posted["form_token"] = sitting_token(sitting)
    question = item.question
    try:
        answers = scoring.parse_submission([question], posted, require_all=False)
    except scoring.InvalidSubmission as invalid:
        raise AnswerRefused("; ".join(invalid.errors)) from None
    scoring.grade(answers)
    now = timezone.now()
    late = False
    with transaction.atomic():
        locked = MockSitting.objects.select_for_update().get(pk=sitting.pk)
        if locked.is_finished:
            raise SittingOver
        late = not accepts_answers(locked, now)
        if not late:
            _store(item, answers, now, flagged=data.get("flag") == "on")
    if late:
        # Finished in its own transaction, so the refusal does not undo it.
        finish(sitting, timed_out=True)
        raise TimeIsUp
    return item


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
        items = list(locked.questions.values_list("question_id", "is_correct"))
        locked.score = sum(bool(correct) for _, correct in items)
        locked.max_score = len(items)
        locked.passed = locked.exam.passes(locked.score, locked.max_score)
        locked.timed_out = timed_out
        locked.finished_at = min(timezone.now(), locked.deadline) if timed_out else timezone.now()
        locked.save(update_fields=["score", "max_score", "passed", "timed_out", "finished_at"])
    results = [(question_id, bool(correct)) for question_id, correct in items]
    questions_answered.send(sender=MockSitting, user=locked.user, results=results)
    return locked


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
    right: int
    total: int

    @property
    def percent(self) -> int:
        return numbers.percent(self.right, self.total)


def domain_breakdown(items: list[SittingQuestion]) -> list[DomainResult]:
    """Right answers per domain of a sitting, heaviest domain first."""
    by_domain: dict[int | None, DomainResult] = {}
    for item in items:
        domain = item.domain
        key = domain.id if domain else None
        if key not in by_domain:
            name = domain.name if domain else _("Other")
            by_domain[key] = DomainResult(name, domain.weight if domain else 0, 0, 0)
        by_domain[key].total += 1
        by_domain[key].right += bool(item.is_correct)
    return sorted(by_domain.values(), key=lambda r: (-r.weight, r.domain_name))
