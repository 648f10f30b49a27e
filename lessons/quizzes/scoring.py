"""Scoring a quiz on the server: validate what was posted, grade it, record it.

Rules: a single-choice or true/false question scores 1 when the one chosen choice is
correct. A multiple-choice question scores 1 only when the chosen set is exactly the set
of correct choices (no partial credit: choosing one right answer of two, or every choice,
scores 0). A short answer scores 1 when, normalised (case, width, white space), it equals
one of the accepted answers.
"""

import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from lessons.kernel.signals import questions_answered
from lessons.models import (
    AttemptAnswer,
    Question,
    Quiz,
    QuizAttempt,
    Review,
    normalize_answer,
    visible_now,
)
from lessons.models.exams import held_questions
from lessons.progress import tracking as progress

SHORT_ANSWER_MAX_CHARS = 200
FORM_TOKEN_MAX_CHARS = 64


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


def choice_token(form_token: str, choice_id: int) -> str:
    """What a choice posts instead of its id: a keyed hash of the form's own token and the
    choice. It differs on every form and tells nothing of ids, which follow the order the
    choices were written in (often the right ones first)."""
    digest = salted_hmac("lessons.choice", f"{form_token}:{choice_id}", algorithm="sha256")
    return digest.hexdigest()[:20]


@dataclass
class Answer:
    question: Question
    choice_ids: list[int]
    text: str
    is_correct: bool = False


class QuestionError(str):
    """A problem with one question's answer; `anchor` is the id of that question's
    fieldset in the form, so the error summary can link to it."""

    anchor: str

    def __new__(cls, message: str, question: Question) -> "QuestionError":
        error = super().__new__(cls, message)
        error.anchor = f"question-{question.id}"
        return error


class InvalidSubmission(Exception):
    """The post does not fit the quiz; `errors` says why, per question where possible."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


def parse_submission(questions: list[Question], data, *, require_all: bool = True) -> list[Answer]:
    """Turn posted fields `q<question id>` into answers, refusing anything that does not
    belong to these questions. Choices are posted as their `choice_token` for the posted
    form token. `questions` must have their choices prefetched."""
    form_token = data.get("form_token", "")
    errors: list[str] = []
    by_key = {f"q{question.id}": question for question in questions}
    for key in data:
        if key.startswith("q") and key not in by_key:
            errors.append(_("The form names a question that is not in this quiz."))
            break
    answers = []
    for number, question in enumerate(questions, start=1):
        values = [value for value in data.getlist(f"q{question.id}") if value.strip()]
        if not values:
            if require_all:
                message = _("Question %(number)d has no answer.") % {"number": number}
                errors.append(QuestionError(message, question))
            continue
        if question.kind == Question.Kind.SHORT:
            text = values[0].strip()
            if len(values) > 1 or len(text) > SHORT_ANSWER_MAX_CHARS:
                message = _(
                    "The answer to question %(number)d is too long (at most %(max)d characters)."
                ) % {"number": number, "max": SHORT_ANSWER_MAX_CHARS}
                errors.append(QuestionError(message, question))
                continue
            answers.append(Answer(question, [], text))
            continue
        by_token = {choice_token(form_token, c.id): c.id for c in question.choices.all()}
        chosen = [by_token.get(value) for value in values]
        if None in chosen or len(set(chosen)) != len(chosen):
            message = _("Question %(number)d got a choice that is not one of its own.")
            errors.append(QuestionError(message % {"number": number}, question))
            continue
        if question.kind != Question.Kind.MULTIPLE and len(chosen) != 1:
            message = _("Question %(number)d takes exactly one choice.") % {"number": number}
            errors.append(QuestionError(message, question))
            continue
        answers.append(Answer(question, sorted(chosen), ""))
    if errors:
        raise InvalidSubmission(errors)
    return answers


def grade(answers: list[Answer]) -> int:
    """Mark each answer right or wrong; return the number right."""
    for answer in answers:
        question = answer.question
        if question.kind == Question.Kind.SHORT:
            accepted = {normalize_answer(a) for a in question.accepted_answer_list()}
            answer.is_correct = normalize_answer(answer.text) in accepted
        else:
            correct = sorted(c.id for c in question.choices.all() if c.is_correct)
            answer.is_correct = answer.choice_ids == correct
    return sum(answer.is_correct for answer in answers)


def _store_answers(answers: list[Answer], **owner) -> list[AttemptAnswer]:
    """Store the graded answers; return the rows, each holding its question and its
    chosen choices (in the question's order), as a read of them back would give them."""
    rows = AttemptAnswer.objects.bulk_create(
        [
            AttemptAnswer(question=a.question, text=a.text, is_correct=a.is_correct, **owner)
            for a in answers
        ]
    )
    through = AttemptAnswer.choices.through
    through.objects.bulk_create(
        [
            through(attemptanswer_id=row.id, choice_id=choice_id)
            for row, answer in zip(rows, answers, strict=True)
            for choice_id in answer.choice_ids
        ]
    )
    for row, answer in zip(rows, answers, strict=True):
        chosen = [c for c in answer.question.choices.all() if c.id in answer.choice_ids]
        _hold_prefetched(row, "choices", chosen)
    return rows


def _hold_prefetched(row, name: str, objects: list) -> None:
    """Give `row.<name>.all()` these objects, as prefetch_related would, with no query."""
    held = getattr(row, name).get_queryset()
    held._result_cache = objects
    held._prefetch_done = True
    row._prefetched_objects_cache = {name: held}


def submit_attempt(user, quiz: Quiz, questions: list[Question], data) -> QuizAttempt:
    """Score a posted quiz and store the attempt. A repeat of the same form returns the
    attempt it made the first time. Raises InvalidSubmission and stores nothing when the
    post does not fit the quiz. A new attempt carries its stored answers as `graded`
    (questions' order), so its result needs no read of them."""
    if not questions:
        raise InvalidSubmission([_("This quiz has no questions yet.")])
    token = data.get("form_token", "")
    if not token or len(token) > FORM_TOKEN_MAX_CHARS:
        raise InvalidSubmission([_("The form is incomplete. Reload the quiz and try again.")])
    answers = parse_submission(questions, data)
    score = grade(answers)
    max_score = len(questions)
    try:
        with transaction.atomic():
            attempt = QuizAttempt.objects.create(
                user=user,
                quiz=quiz,
                score=score,
                max_score=max_score,
                passed=quiz.passes(score, max_score),
                form_token=token,
            )
            attempt.graded = _store_answers(answers, attempt=attempt)
            # In the same transaction: the review queue never lags behind the attempt.
            results = [(a.question.id, a.is_correct) for a in answers]
            questions_answered.send(sender=QuizAttempt, user=user, results=results)
    except IntegrityError:
        # The same form posted again (a double click, a reload, two at once): the form's
        # token is stored once per learner, so the first post's attempt is the answer.
        # Asked only here, the first post of a form costs no read of it.
        existing = QuizAttempt.objects.filter(user=user, form_token=token).first()
        if existing is None:
            raise
        if existing.quiz_id != quiz.id:
            raise InvalidSubmission(
                [_("The form is incomplete. Reload the quiz and try again.")]
            ) from None
        return existing
    if attempt.passed and quiz.marks_done:
        progress.record_completion(user, quiz.lesson)
    return attempt


def missed_questions(user) -> list[Question]:
    """Questions answered wrongly in the learner's latest attempt of each quiz, of
    published lessons only: a lesson taken back to draft takes its questions along."""
    newest = QuizAttempt.objects.filter(user=user, quiz_id=OuterRef("quiz_id")).order_by(
        "-submitted_at", "-id"
    )
    latest = QuizAttempt.objects.filter(user=user, id=Subquery(newest.values("id")[:1]))
    return list(
        Question.objects.filter(
            visible_now("quiz__lesson__"),
            answers__attempt__in=latest.values("id"),
            answers__is_correct=False,
        )
        .exclude(id__in=held_questions(user))
        .select_related("quiz__lesson")
        .prefetch_related("choices")
        .order_by("quiz__lesson__category__position", "quiz__lesson__position", "position")
    )


def submit_review(user, questions: list[Question], data) -> tuple[Review, list[Answer]]:
    """Score a review of missed questions; stored apart from quiz attempts."""
    token = data.get("form_token", "")
    if not token or len(token) > FORM_TOKEN_MAX_CHARS:
        raise InvalidSubmission([_("The form is incomplete. Reload the page and try again.")])
    answers = parse_submission(questions, data)
    grade(answers)
    with transaction.atomic():
        review, created = Review.objects.get_or_create(user=user, form_token=token)
        if created:
            _store_answers(answers, review=review)
    return review, answers
