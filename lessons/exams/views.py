"""Exam pages: readiness per domain, and the timed mock exam (start, answer, finish,
result). The server keeps the time; the page's countdown is only a display."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from lessons.exams import learner_pages, readiness
from lessons.exams import mock as mock_exams
from lessons.exams.tasks import checker
from lessons.kernel import charts, web
from lessons.kernel.web import HtmxHttpRequest
from lessons.models import Choice, Exam, MockSitting, SittingQuestion
from lessons.quizzes import scoring
from lessons.quizzes.views import present_questions
from lessons.sql.footprint import footprint


@require_GET
@login_required
def exam_readiness(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """How ready the learner is for the exam, domain by domain, and its mock exams."""
    exam = get_object_or_404(Exam, slug=slug)
    mark = footprint(request.user)
    context = {
        "exam": exam,
        "summary": learner_pages.readiness_summary(request.user, exam, mark),
        "sittings_html": learner_pages.sitting_history(request.user, mark, "history-heading", exam),
    }
    return render(request, "lessons/exams/readiness.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def mock_start(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """What the mock exam will be; POST starts it (or resumes the open one)."""
    exam = get_object_or_404(Exam, slug=slug)
    if request.method == "POST":
        try:
            sitting = mock_exams.start(request.user, exam)
        except mock_exams.SittingRefused as refused:
            messages.error(request, str(refused))
            return redirect("lessons:mock_start", exam.slug)
        return redirect(_resume_url(sitting))
    the_plan = mock_exams.plan(exam)
    seats = [
        (
            d,
            the_plan.seats.get(d.id, 0),
            len(the_plan.pool.get(d.id, [])) + len(the_plan.task_pool.get(d.id, [])),
            the_plan.tasks.get(d.id, 0),
        )
        for d in the_plan.domains
    ]
    context = {
        "exam": exam,
        "plan": the_plan,
        "seats": seats,
        "thin": [d for d, taken, pool, _ in seats if pool and taken * 2 > pool],
        "open_sitting": mock_exams.open_sitting(request.user),
        "started_today": mock_exams.started_today(request.user, exam),
        "short": the_plan.size < exam.questions_per_sitting,
    }
    return render(request, "lessons/exams/start.html", context)


def _get_sitting(request, slug: str, sitting_id: int) -> MockSitting:
    """The learner's own sitting, or 404: another learner's sitting is never confirmed."""
    return get_object_or_404(
        MockSitting.objects.select_related("exam"),
        pk=sitting_id,
        exam__slug=slug,
        user=request.user,
    )


def _resume_url(sitting: MockSitting) -> str:
    """The first unanswered question, else the last one."""
    positions = list(
        sitting.questions.filter(is_correct__isnull=True).values_list("position", flat=True)[:1]
    )
    position = positions[0] if positions else sitting.max_score or 1
    return reverse("lessons:mock_question", args=[sitting.exam.slug, sitting.pk, position])


def _result_url(sitting: MockSitting) -> str:
    return reverse("lessons:mock_sitting", args=[sitting.exam.slug, sitting.pk])


def _time_up(request, sitting: MockSitting) -> HttpResponse:
    """The time ran out: the answer just sent is not counted, and the page says so."""
    deadline = formats.time_format(timezone.localtime(sitting.deadline), "TIME_FORMAT")
    messages.warning(
        request,
        _("Time ran out at %(time)s. Answers sent after that are not counted.")
        % {"time": deadline},
    )
    url = _result_url(sitting)
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _go_to(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """Leave the question page for `url`: htmx (and the page's offline queue) get the
    address to load, a plain form a redirect."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _item_at(sitting: MockSitting, position: int) -> SittingQuestion:
    items = SittingQuestion.objects.select_related(
        "question__quiz__lesson", "task"
    ).prefetch_related(
        Prefetch("question__choices", queryset=Choice.objects.order_by("position", "id"))
    )
    return get_object_or_404(items, sitting=sitting, position=position)


def _present(sitting: MockSitting, item: SittingQuestion, token: str) -> dict:
    """The item as the form shows it: a question's choices in the sitting's order, or a
    task's prompt and the manifest saved so far (else the one it starts from)."""
    if item.task_id is not None:
        manifest = item.manifest if item.answered_at or item.manifest else item.task.starting
        lines = range(1, max(manifest.count("\n") + 2, 12))
        return {"task": item.task, "manifest": manifest, "lines": lines}
    posted = {"form_token": [token]}
    if item.is_answered:
        chosen = [scoring.choice_token(token, cid) for cid in item.choice_ids]
        posted[f"q{item.question_id}"] = chosen or [item.text]
    seed = mock_exams.choice_order_seed(sitting)
    return present_questions([item.question], seed, token, posted)[0]


def _question_context(sitting: MockSitting, item: SittingQuestion, token: str) -> dict:
    nav = list(sitting.questions.values_list("position", "is_correct", "flagged"))
    return {
        "exam": sitting.exam,
        "sitting": sitting,
        "item": _present(sitting, item, token),
        "flagged": item.flagged,
        "position": item.position,
        "nav": [(position, correct is not None, flag) for position, correct, flag in nav],
        "unanswered": sum(correct is None for _, correct, _ in nav),
        "flagged_count": sum(flag for _, _, flag in nav),
        "previous": item.position - 1 if item.position > 1 else None,
        "next": item.position + 1 if item.position < len(nav) else None,
    }


# What a question page's buttons post as `go`; a number goes to that question.
GO_WORDS = frozenset({"", "save", "next", "previous", "finish", "finish-now"})
GO_NUMBER = re.compile(r"[0-9]{1,3}")


def parse_go(value: str, count: int) -> str | int | None:
    """Where the learner asked to go, or None when the value is not one of the page's."""
    if value in GO_WORDS:
        return value
    if GO_NUMBER.fullmatch(value) and 1 <= int(value) <= count:
        return int(value)
    return None


@require_http_methods(["GET", "POST"])
@login_required
def mock_question(
    request: HtmxHttpRequest, slug: str, sitting_id: int, position: int
) -> HttpResponse:
    """One question of an open sitting. POST saves its answer (htmx on every change and
    on the buttons, or the form's buttons without JavaScript) and, for the buttons,
    moves on."""
    sitting = _get_sitting(request, slug, sitting_id)
    if not sitting.is_finished and not mock_exams.accepts_answers(sitting):
        sitting = mock_exams.finish(sitting, timed_out=True)
        return _time_up(request, sitting)
    if sitting.is_finished:
        # A second tab, or an autosave that lost the race with "finish": the answer
        # came with the finishing post, so the page just goes to the result.
        return _go_to(request, _result_url(sitting))
    item = _item_at(sitting, position)
    token = mock_exams.sitting_token(sitting)
    if request.method == "POST":
        go = parse_go(request.POST.get("go", ""), sitting.max_score)
        if go is None:
            return HttpResponseBadRequest(_("The form asked for a question that is not there."))
        try:
            item = mock_exams.save_answer(sitting, item, request.POST)
        except mock_exams.AnswerRefused as refused:
            return HttpResponseBadRequest(str(refused))
        except mock_exams.SittingOver:
            return _go_to(request, _result_url(sitting))
        except mock_exams.TimeIsUp:
            return _time_up(request, sitting)
        if go == "finish" and mock_exams.left_to_check(sitting):
            return _go_to(request, _confirm_url(sitting))
        if go in ("finish", "finish-now"):
            sitting = mock_exams.finish(sitting)
            return _go_to(request, _result_url(sitting))
        if web.is_partial(request) and go in ("", "save"):
            context = _question_context(sitting, item, token) | {"saved": item}
            return render(request, "lessons/exams/question.html#saved", context)
        target = {"next": position + 1, "previous": position - 1}.get(go, position)
        target = go if isinstance(go, int) else min(max(target, 1), sitting.max_score)
        return _go_to(request, reverse("lessons:mock_question", args=[slug, sitting.pk, target]))
    return render(request, "lessons/exams/question.html", _question_context(sitting, item, token))


def _confirm_url(sitting: MockSitting) -> str:
    return reverse("lessons:mock_finish", args=[sitting.exam.slug, sitting.pk])


@require_http_methods(["GET", "POST"])
@login_required
def mock_finish(request: HtmxHttpRequest, slug: str, sitting_id: int) -> HttpResponse:
    """GET asks first (what is unanswered or flagged, without JavaScript); POST ends the
    sitting (also the page's own post when the time is up)."""
    sitting = _get_sitting(request, slug, sitting_id)
    if sitting.is_finished:
        return _go_to(request, _result_url(sitting))
    timed_out = timezone.now() >= sitting.deadline
    if request.method == "GET" and not timed_out:
        items = list(sitting.questions.values_list("position", "is_correct", "flagged"))
        context = {
            "exam": sitting.exam,
            "sitting": sitting,
            "unanswered": [n for n, correct, _ in items if correct is None],
            "flagged": [n for n, _, flag in items if flag],
        }
        return render(request, "lessons/exams/confirm.html", context)
    sitting = mock_exams.finish(sitting, timed_out=timed_out)
    if timed_out:
        return _time_up(request, sitting)
    return _go_to(request, _result_url(sitting))


@require_GET
@login_required
def mock_sitting(request: HtmxHttpRequest, slug: str, sitting_id: int) -> HttpResponse:
    """The result of a finished sitting; an open one resumes where it was."""
    sitting = _get_sitting(request, slug, sitting_id)
    if not sitting.is_finished:
        if mock_exams.accepts_answers(sitting):
            return redirect(_resume_url(sitting))
        sitting = mock_exams.finish(sitting, timed_out=True)
    items = list(
        sitting.questions.select_related(
            "domain", "question__quiz__lesson", "task__lesson"
        ).prefetch_related(
            Prefetch("question__choices", queryset=Choice.objects.order_by("position", "id"))
        )
    )
    tasks = [item for item in items if item.task_id is not None]
    for item in tasks:
        item.checks = task_checks(item)
    missed = [item for item in items if item.question_id is not None and not item.is_correct]
    for item in missed:
        chosen = set(item.choice_ids)
        item.given = [c.text for c in item.question.choices.all() if c.id in chosen]
        lesson = item.question.quiz.lesson
        item.section_name = readiness.section_name(lesson.toc, item.question.section)
    breakdown = mock_exams.domain_breakdown(items)
    rows = [
        (
            row.domain_name,
            row.percent,
            _("%(percent)d%% (%(points)s of %(answered)d)")
            % {"percent": row.percent, "points": row.points, "answered": row.total},
        )
        for row in breakdown
    ]
    context = {
        "exam": sitting.exam,
        "sitting": sitting,
        "breakdown": breakdown,
        "chart": charts.percent_bars(
            rows,
            mark=sitting.exam.pass_mark,
            mark_label=_("pass mark %(mark)d%%") % {"mark": sitting.exam.pass_mark},
        ),
        "missed": missed,
        "tasks": tasks,
        "unanswered": sum(not item.is_answered for item in items),
    }
    return render(request, "lessons/exams/result.html", context)


def task_checks(item: SittingQuestion) -> list[checker.RuleResult]:
    """Each rule of a task answered in a sitting: whether it passed when the manifest was
    saved, and its feedback in the reader's language."""
    return [
        checker.RuleResult(bool(passed), checker.feedback(rule))
        for passed, rule in zip(item.rule_results, item.task.rules, strict=False)
    ]
