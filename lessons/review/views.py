"""Today's review: the learner's due review items, one question at a time."""

import re
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import push_url, trigger_client_event

from lessons.kernel import web
from lessons.kernel.web import HtmxHttpRequest
from lessons.models import ReviewItem
from lessons.quizzes import scoring
from lessons.quizzes.views import present_questions
from lessons.review import queue as review

TEMPLATE = "lessons/review_today.html"
FRAGMENT = "review-card"
ID = re.compile(r"[0-9]{1,18}")


@require_http_methods(["GET", "POST"])
@login_required
def review_today(request: HtmxHttpRequest) -> HttpResponse:
    """GET: the next due question (or, after `?answered=<item>`, how that answer went;
    with `?ahead=1` and nothing due, the next question to review ahead). POST: answer the
    question on the card; htmx swaps the card, a plain form is redirected to the answer's
    result (post/redirect/get)."""
    now = timezone.now()
    if request.method == "POST":
        return _answer(request, now)
    answered = _answered_item(request, now)
    context = _card_context(
        request, now, result=answered, swapped=web.is_partial(request), ahead=_ahead(request)
    )
    return web.render_page(request, TEMPLATE, FRAGMENT, context)


def _ahead(request) -> bool:
    return (request.POST if request.method == "POST" else request.GET).get("ahead") == "1"


def _may_review_ahead(item: ReviewItem, now: datetime) -> bool:
    """Not due, and not answered yet today: reviewed ahead once a day at most."""
    answered = item.last_reviewed_at
    return item.retired_at is None and (answered is None or answered < review.start_of_day(now))


def _learners_item(request, raw: str | None) -> ReviewItem:
    """One of the learner's own items of a published lesson, or 404."""
    if raw is None or not ID.fullmatch(raw):
        raise Http404("No such review item.")
    return get_object_or_404(review.with_question(review.queue(request.user)), pk=int(raw))


def _answered_item(request, now: datetime) -> ReviewItem | None:
    if "answered" not in request.GET:
        return None
    item = _learners_item(request, request.GET["answered"])
    if item.last_reviewed_at is None or review.is_due(item, now):
        return None  # due (again): the question, not an old answer to it
    return item


def _answer(request, now: datetime) -> HttpResponse:
    raw = request.POST.get("item", "")
    if not ID.fullmatch(raw):
        return HttpResponseBadRequest(_("The form is incomplete. Reload the page and try again."))
    item = _learners_item(request, raw)
    if request.POST.get("stamp") != item.stamp:
        return _stale(request, now)
    ahead = _ahead(request)
    if not review.is_due(item, now) and not (ahead and _may_review_ahead(item, now)):
        return HttpResponseBadRequest(_("This question is not due for review."))
    question = item.question
    try:
        answers = scoring.parse_submission([question], request.POST, require_all=False)
        if not answers:
            error = scoring.QuestionError(_("Choose or type an answer first."), question)
            raise scoring.InvalidSubmission([error])
    except scoring.InvalidSubmission as invalid:
        context = _card_context(
            request, now, current=item, errors=invalid.errors, posted=_posted(request), ahead=ahead
        )
        return web.invalid_form(request, TEMPLATE, FRAGMENT, context, "#review-card")
    correct = scoring.grade(answers) == 1
    try:
        review.answer(request.user, item, correct, now)
    except review.StaleAnswer:
        return _stale(request, now)
    result_url = f"{reverse('lessons:review_today')}?answered={item.pk}"
    if ahead:
        result_url += "&ahead=1"
    if not web.is_partial(request):
        return redirect(result_url)
    context = _card_context(request, now, result=item, swapped=True, ahead=ahead)
    response = push_url(render(request, f"{TEMPLATE}#{FRAGMENT}", context), result_url)
    said = _("Right.") if correct else _("Not quite.")
    return trigger_client_event(response, "portal:announce", {"message": said})


def _stale(request, now: datetime) -> HttpResponse:
    """An answer from a form that is out of date: refused, nothing moves."""
    notice = _(
        "That answer was already counted (sent twice, or from another tab), so it was "
        "not counted again. Here is where your review stands."
    )
    if not web.is_partial(request):
        messages.warning(request, notice)
        return redirect("lessons:review_today")
    context = _card_context(request, now, notice=notice, swapped=True)
    return render(request, f"{TEMPLATE}#{FRAGMENT}", context)


def _posted(request) -> dict:
    """What the learner entered, to fill the card again after an error."""
    return {
        key: request.POST.getlist(key)
        for key in request.POST
        if key.startswith("q") or key == "form_token"
    }


def _card_context(
    request,
    now: datetime,
    *,
    result: ReviewItem | None = None,
    current: ReviewItem | None = None,
    errors: list | None = None,
    posted: dict | None = None,
    notice: str = "",
    swapped: bool = False,
    ahead: bool = False,
) -> dict:
    """The card: the answer just given (`result`), else the question to answer (`current`,
    or the next one due, or when `ahead` and none is due the next to review ahead), else
    the empty state; and where today's review stands."""
    state = review.today(request.user, now)
    if result is None and current is None:
        current = review.next_item(request.user, now)
        if current is None and ahead and state.ahead:
            current = review.next_ahead_item(request.user, now)
    shown = result or current
    context = {
        "today": state,
        # Reviewing ahead: asked for, and the question on the card (if any) is not due.
        "ahead": ahead and (current is None or not review.is_due(current, now)),
        "result": result,
        "current": current,
        "errors": errors,
        "notice": notice,
        "swapped": swapped,
        "position": state.done if result else state.done + 1,
    }
    if shown is not None:
        context["section"] = review.section_of(shown.question)
    if current is not None:
        token = scoring.new_form_token()
        seed = f"review:{request.user.pk}"
        fields = present_questions([current.question], seed, token, posted, errors)
        context |= {"field": fields[0], "form_token": token}
    return context
