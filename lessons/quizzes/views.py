"""Quiz pages: take a quiz, see the scored result, look back at attempts, review misses."""

import random

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import push_url

from lessons.content import kept
from lessons.content.access import get_visible_lesson
from lessons.kernel import web
from lessons.kernel.panels import actions_for
from lessons.kernel.web import HtmxHttpRequest, login_then_back_to
from lessons.models import AttemptAnswer, MockSitting, Question, Quiz, QuizAttempt
from lessons.models.exams import held_questions
from lessons.progress.next_lesson import next_lesson
from lessons.quizzes import history, scoring
from lessons.quizzes.answer_items import answer_items
from lessons.quizzes.fieldsets import fieldsets
from lessons.sql.lesson import fetch_lesson


def _get_quiz(request, slug: str) -> tuple[Quiz, bool]:
    """The quiz of a lesson the user may read, and whether the learner's open mock exam
    holds one of its questions (the lesson, its quiz and that, in one prepared statement:
    through the ORM, building the query cost more than the rest of the page's reads)."""
    lesson = fetch_lesson(request.user, slug, with_held=request.user.is_authenticated)
    if lesson is None:
        raise Http404("No lesson here.")
    try:
        quiz = lesson.quiz
    except Quiz.DoesNotExist:
        raise Http404("This lesson has no quiz.") from None
    return quiz, getattr(lesson, "held", False)


def _get_quiz_for_user(request, slug: str) -> tuple[Quiz, list[Question], bool]:
    """The quiz of a lesson the user may read, with its questions and choices, and
    whether the learner's open mock exam holds one of them."""
    quiz, is_held = _get_quiz(request, slug)
    return quiz, quiz_questions(quiz), is_held


def quiz_questions(quiz: Quiz) -> list[Question]:
    """The quiz's questions with their choices: the same for everyone, kept until the
    catalog changes (lessons.content.kept)."""

    def read() -> tuple[list[Question], None]:
        return list(quiz.questions.prefetch_related("choices")), None

    return kept.kept("quiz-questions", read, quiz.pk)


def choice_order(seed: str, question_id: int) -> bytes:
    return salted_hmac("lessons.choice-order", f"{seed}:{question_id}", algorithm="sha256").digest()


def present_questions(
    questions: list[Question],
    seed: str,
    form_token: str,
    posted: dict | None = None,
    errors: list | None = None,
    kept: dict | None = None,
) -> list[dict]:
    """Questions as the form shows them. Choices come in an order that tells nothing:
    shuffled by a keyed hash of `seed` and the question (the server's secret key is in
    it, so nothing in the page replays it), except true/false, which always reads 참
    then 거짓; each posts an opaque token for this form, not its id.
    `posted` (with the form token it was posted with) refills what the learner entered
    after an error, and each question carries its own error, if any, to show beside it.
    `kept` (question id to choice ids or text, see `keep_answers`) refills the answers a
    learner gave before logging in."""
    posted = posted or {}
    kept = kept or {}
    posted_token = (posted.get("form_token") or [""])[0]
    by_anchor = {getattr(error, "anchor", None): error for error in errors or []}
    items = []
    for question in questions:
        given = posted.get(f"q{question.id}", [])
        was = kept.get(str(question.id), {})
        choices = list(question.choices.all())
        if question.kind != Question.Kind.TRUE_FALSE:
            random.Random(choice_order(seed, question.id)).shuffle(choices)
        items.append(
            {
                "question": question,
                "choices": [
                    {
                        "id": c.id,
                        "token": scoring.choice_token(form_token, c.id),
                        "text": c.text,
                        "checked": scoring.choice_token(posted_token, c.id) in given
                        or c.id in was.get("choices", []),
                    }
                    for c in choices
                ],
                "text": given[0] if given and not question.has_choices else was.get("text", ""),
                "error": by_anchor.get(f"question-{question.id}"),
            }
        )
    return items


def quiz_form_context(request, quiz: Quiz, questions: list[Question], **extra) -> dict:
    posted = extra.pop("posted", {})
    kept = extra.pop("kept", None)
    token = scoring.new_form_token()
    # A learner keeps their order across reloads; a visitor gets a new one each time.
    seed = f"learner:{request.user.pk}" if request.user.pk else scoring.new_form_token()
    errors = extra.get("errors")
    items = present_questions(questions, seed, token, posted, errors, kept)
    return {
        "quiz": quiz,
        "lesson": quiz.lesson,
        "questions": items,
        "question_fieldsets": fieldsets(items),
        "form_token": token,
        "kept": bool(kept),
        **extra,
    }


def _kept_key(quiz: Quiz) -> str:
    return f"lessons.quiz-answers:{quiz.id}"


def keep_answers(request, quiz: Quiz, questions: list[Question]) -> None:
    """Hold what a visitor, or a learner whose session expired, posted, in the session
    that logging in carries over, so the quiz comes back answered as they left it. Only
    answers that belong to this quiz are held; nothing is scored."""
    try:
        answers = scoring.parse_submission(questions, request.POST, require_all=False)
    except scoring.InvalidSubmission:
        return
    if answers:
        request.session[_kept_key(quiz)] = {
            str(answer.question.id): {"choices": answer.choice_ids, "text": answer.text}
            for answer in answers
        }


def _login_to_submit(request, quiz: Quiz, questions: list[Question]) -> HttpResponse:
    keep_answers(request, quiz, questions)
    if request.POST.get("signed_in"):
        said = _("Your session has expired. Log in again to submit: your answers are kept.")
    else:
        said = _("Log in to have your answers scored: they are kept for you.")
    messages.info(request, said)
    return login_then_back_to(request, request.path)


def _attempt_history(request, quiz: Quiz) -> dict:
    return history.attempt_history(request.user, quiz)


def _holding_sitting(request, is_held: bool) -> MockSitting | None:
    """The learner's open mock exam when it holds one of this quiz's questions: until it
    ends, the quiz takes no answer and no attempt shows its key. Whether it does was
    asked with the page's own query (`is_held`), so only a held quiz costs one more."""
    if not is_held or not request.user.is_authenticated:
        return None
    return (
        MockSitting.objects.filter(user=request.user, finished_at__isnull=True)
        .select_related("exam")
        .first()
    )


def _held(request, quiz: Quiz, sitting: MockSitting, status: int) -> HttpResponse:
    context = {"quiz": quiz, "lesson": quiz.lesson, "sitting": sitting}
    return render(request, "lessons/quiz_held.html", context, status=status)


@require_http_methods(["GET", "POST"])
def take_quiz(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    quiz, questions, is_held = _get_quiz_for_user(request, slug)
    holding = _holding_sitting(request, is_held)
    if holding is not None:
        return _held(request, quiz, holding, 409 if request.method == "POST" else 200)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return _login_to_submit(request, quiz, questions)
        try:
            attempt = scoring.submit_attempt(request.user, quiz, questions, request.POST)
        except scoring.InvalidSubmission as invalid:
            context = quiz_form_context(
                request, quiz, questions, errors=invalid.errors, posted=_posted(request)
            )
            context |= _attempt_history(request, quiz)
            return web.invalid_form(
                request, "lessons/quiz.html", "quiz-form", context, "#quiz-form"
            )
        attempt_url = reverse("lessons:quiz_attempt", args=[slug, attempt.id])
        if web.is_partial(request):
            # The attempts list sits outside the swapped result: it comes along out of band.
            context = _result_context(request, attempt) | _attempt_history(request, quiz)
            response = render(request, "lessons/quiz_result.html#result-swap", context)
            return push_url(response, attempt_url)
        return redirect(attempt_url)
    kept = request.session.pop(_kept_key(quiz), None) if request.user.is_authenticated else None
    context = quiz_form_context(request, quiz, questions, kept=kept)
    context |= _attempt_history(request, quiz)
    return web.render_page(request, "lessons/quiz.html", "quiz-form", context)


def _posted(request) -> dict:
    """What the learner entered, to fill the form again after an error."""
    return {
        key: request.POST.getlist(key)
        for key in request.POST
        if key.startswith("q") or key == "form_token"
    }


def _result_context(request: HtmxHttpRequest, attempt: QuizAttempt) -> dict:
    quiz = attempt.quiz
    # An attempt just made carries its graded answers; any other is read back.
    answers = getattr(attempt, "graded", None)
    if answers is None:
        answers = _stored_answers(attempt)
    wrong = [answer.question_id for answer in answers if not answer.is_correct]
    actions = actions_for("quiz_answer", request, lesson=quiz.lesson, question_ids=wrong)
    for answer in answers:
        answer.actions = actions.get(answer.question_id, [])
    following = next_lesson(request.user, quiz.lesson) if attempt.passed else None
    return {
        "attempt": attempt,
        "quiz": quiz,
        "lesson": quiz.lesson,
        "answers": answers,
        "answer_items": answer_items(quiz.lesson, answers),
        "next_lesson": following,
    }


def _stored_answers(attempt: QuizAttempt) -> list[AttemptAnswer]:
    answers = list(
        AttemptAnswer.objects.filter(attempt=attempt)
        .prefetch_related("choices")
        .order_by("question__position", "question__id")
    )
    # The questions as kept for the quiz; read with the answers when one is not there.
    questions = {question.id: question for question in quiz_questions(attempt.quiz)}
    if all(answer.question_id in questions for answer in answers):
        for answer in answers:
            answer.question = questions[answer.question_id]
    else:
        prefetch_related_objects(answers, "question__choices")
    return answers


@require_GET
@login_required
def quiz_attempt(request: HtmxHttpRequest, slug: str, attempt_id: int) -> HttpResponse:
    """One of the learner's own attempts, scored and explained."""
    lesson = get_visible_lesson(request.user, slug)
    held = held_questions(request.user).filter(question__quiz=OuterRef("quiz_id"))
    attempt = get_object_or_404(
        QuizAttempt.objects.select_related("quiz__lesson__category").annotate(held=Exists(held)),
        id=attempt_id,
        user=request.user,
        quiz__lesson=lesson,
    )
    holding = _holding_sitting(request, attempt.held)
    if holding is not None:
        return _held(request, attempt.quiz, holding, 200)
    context = _result_context(request, attempt) | _attempt_history(request, attempt.quiz)
    return render(request, "lessons/quiz_result.html", context)


@require_GET
@login_required
def quiz_attempts(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Every one of the learner's own attempts at a quiz, a page at a time."""
    quiz, is_held = _get_quiz(request, slug)
    holding = _holding_sitting(request, is_held)
    if holding is not None:
        return _held(request, quiz, holding, 200)
    page, first_number = history.attempts_page(request.user, quiz, request.GET.get("page"))
    context = {"quiz": quiz, "lesson": quiz.lesson, "page": page, "first_number": first_number}
    return render(request, "lessons/quiz_attempts.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def review(request: HtmxHttpRequest) -> HttpResponse:
    """Re-answer the questions missed in the latest attempt of each quiz."""
    questions = scoring.missed_questions(request.user)
    posted = _posted(request) if request.method == "POST" else {}
    token = scoring.new_form_token()
    seed = f"review:{request.user.pk}"
    context = {
        "questions": present_questions(questions, seed, token, posted),
        "form_token": token,
    }
    if request.method == "POST":
        try:
            _, answers = scoring.submit_review(request.user, questions, request.POST)
        except scoring.InvalidSubmission as invalid:
            context["errors"] = invalid.errors
            context["questions"] = present_questions(questions, seed, token, posted, invalid.errors)
            return web.invalid_form(
                request, "lessons/review.html", "review-body", context, "#review-body"
            )
        context["results"] = answers
        context["right"] = sum(a.is_correct for a in answers)
    return web.render_page(request, "lessons/review.html", "review-body", context)
