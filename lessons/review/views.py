"""Today's review: the learner's due review items, one question at a time."""

import re
from datetime import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
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
    """GET: the next due question (or, after `?answered=<item>`, how that answer went).
    POST: answer the question on the card; htmx swaps the card, a plain form is
    redirected to the answer's result (post/redirect/get)."""
    now = timezone.now()
    if request.method == "POST":
        return _answer(request, now)
    standing = review.standing(request.user, now)
    answered = _answered_item(request, now, standing)
    given = _given_from(request, answered) if answered else None
    context = _card_context(
        request,
        now,
        result=answered,
        given=given,
        swapped=web.is_partial(request),
        standing=standing,
    )
    return web.render_page(request, TEMPLATE, FRAGMENT, context)


def _learners_item(request, raw: str | None, standing: review.Standing) -> ReviewItem:
    """One of the learner's own items in their queue (of a published lesson, not held by
    an open mock exam), or 404."""
    if raw is None or not ID.fullmatch(raw) or not standing.holds(int(raw)):
        raise Http404("No such review item.")
    item = review.item_with_question(request.user, int(raw))
    if item is None:
        raise Http404("No such review item.")
    return item


def _answered_item(request, now: datetime, standing: review.Standing) -> ReviewItem | None:
    if "answered" not in request.GET:
        return None
    item = _learners_item(request, request.GET["answered"], standing)
    if item.last_reviewed_at is None or review.is_due(item, now):
        return None  # due (again): the question, not an old answer to it
    return item


def _answer(request, now: datetime) -> HttpResponse:
    raw = request.POST.get("item", "")
    if not ID.fullmatch(raw):
        return HttpResponseBadRequest(_("The form is incomplete. Reload the page and try again."))
    standing = review.standing(request.user, now)
    item = _learners_item(request, raw, standing)
    if request.POST.get("stamp") != item.stamp:
        return _stale(request, now)
    if not review.is_due(item, now):
        return HttpResponseBadRequest(_("This question is not due for review."))
    question = item.question
    try:
        answers = scoring.parse_submission([question], request.POST, require_all=False)
        if not answers:
            error = scoring.QuestionError(_("Choose or type an answer first."), question)
            raise scoring.InvalidSubmission([error])
    except scoring.InvalidSubmission as invalid:
        context = _card_context(
            request,
            now,
            current=item,
            errors=invalid.errors,
            posted=_posted(request),
            standing=standing,
        )
        return web.invalid_form(request, TEMPLATE, FRAGMENT, context, "#review-card")
    correct = scoring.grade(answers) == 1
    try:
        review.answer(request.user, item, correct, now)
    except review.StaleAnswer:
        return _stale(request, now)
    given = answers[0]
    result_url = f"{reverse('lessons:review_today')}?answered={item.pk}"
    if not web.is_partial(request):
        # The answer rides along in the address, so the result can show what was chosen.
        chosen = {"chose": given.choice_ids} if given.choice_ids else {"said": given.text}
        return redirect(f"{result_url}&{urlencode(chosen, doseq=True)}")
    shown = _given_labels(question, given.choice_ids, given.text)
    # Where the review stands now: as read before the answer, with the item moved.
    context = _card_context(
        request, now, result=item, given=shown, swapped=True, standing=standing.after(item)
    )
    response = push_url(render(request, f"{TEMPLATE}#{FRAGMENT}", context), result_url)
    said = _("Right.") if correct else _("Not quite.")
    return trigger_client_event(response, "portal:announce", {"message": said})


def _given_labels(question, choice_ids, text: str) -> list[str]:
    """What the learner answered, as the card shows it: the chosen choices' texts (in the
    question's order) or the typed text."""
    if question.has_choices:
        return [choice.text for choice in question.choices.all() if choice.id in choice_ids]
    return [text] if text else []


def _given_from(request, item: ReviewItem) -> list[str]:
    """The answer named in the result's address (`chose` ids, or `said` text); ids that
    are not this question's own are ignored."""
    chose = {int(raw) for raw in request.GET.getlist("chose") if ID.fullmatch(raw)}
    said = request.GET.get("said", "")[: scoring.SHORT_ANSWER_MAX_CHARS]
    return _given_labels(item.question, chose, said)


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
    given: list[str] | None = None,
    current: ReviewItem | None = None,
    errors: list | None = None,
    posted: dict | None = None,
    notice: str = "",
    swapped: bool = False,
    standing: review.Standing | None = None,
) -> dict:
    """The card: the answer just given (`result`), else the question to answer (`current`,
    or the next one due), else the empty state; and where today's review stands
    (`standing`, read here when not given)."""
    standing = standing or review.standing(request.user, now)
    state = standing.today(now)
    if result is None and current is None:
        current = review.item_with_question(request.user, standing.next_id(now))
    context = {
        "today": state,
        "result": result,
        "given": given,
        "current": current,
        "errors": errors,
        "notice": notice,
        "swapped": swapped,
        "position": state.done if result else state.done + 1,
    }
    shown = result or current
    if shown is not None:
        context["section"] = review.section_of(shown.question)
    if current is not None:
        token = scoring.new_form_token()
        seed = f"review:{request.user.pk}"
        fields = present_questions([current.question], seed, token, posted, errors)
        context |= {"field": fields[0], "form_token": token}
    return context
