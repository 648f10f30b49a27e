"""A study group's questions: asking on a lesson, the group's list, one thread and what
its members and instructors may do to it. Every view finds the group through the
member's own seat in it (access.py): an outsider gets a 404 whatever the ids."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget, trigger_client_event

from lessons.content.access import get_visible_lesson
from lessons.kernel import web
from lessons.kernel.rendering import render_post
from lessons.kernel.web import HtmxHttpRequest
from lessons.models import Lesson
from lessons.models import Question as QuizQuestion
from portal.discussions import access, posting, reading
from portal.discussions.forms import AnswerForm, EditQuestionForm, HideForm, QuestionForm
from portal.models import GroupQuestion
from portal.models.discussions import BODY_MAX

QUESTION_TEMPLATE = "discussions/question.html"


def _announce(response: HttpResponse, message: str) -> HttpResponse:
    return trigger_client_event(response, "portal:announce", {"message": message})


def _draft_posted(response: HttpResponse, key: str) -> HttpResponse:
    """Tell static/js/drafts.js that the draft kept under `key` is posted."""
    return trigger_client_event(response, "portal:draft-posted", {"key": key})


def _section_or_404(lesson: Lesson, section: str) -> str:
    if section and section not in {entry["id"] for entry in lesson.toc}:
        raise Http404("No such section")
    return section


def _quiz_question_or_404(lesson: Lesson, raw: str) -> QuizQuestion | None:
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise Http404("No such quiz question")
    found = QuizQuestion.objects.filter(pk=int(raw), quiz__lesson=lesson).first()
    if found is None:
        raise Http404("No such quiz question")
    return found


def ask_context(request, lesson: Lesson, groups, form: QuestionForm) -> dict:
    return {
        "lesson": lesson,
        "form": form,
        "many_groups": len(groups) > 1,
        "action": reverse("groups:ask", args=[lesson.slug]),
    }


@require_http_methods(["GET", "POST"])
@login_required
def ask(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Ask the group a question on a lesson, about a section or a quiz question."""
    lesson = get_visible_lesson(request.user, slug)
    groups = access.groups_asking_on(request.user, lesson)
    if not groups:
        raise Http404("Not in a group that studies this lesson")
    data = request.POST if request.method == "POST" else request.GET
    section = _section_or_404(lesson, data.get("section", ""))
    quiz_question = _quiz_question_or_404(lesson, data.get("quiz_question", ""))
    if request.method == "GET":
        toc_ids = {entry["id"] for entry in lesson.toc}
        if quiz_question and not section and quiz_question.section in toc_ids:
            section = quiz_question.section
        initial = {"section": section, "group": groups[0].pk}
        if quiz_question:
            initial["quiz_question"] = quiz_question.pk
        form = QuestionForm(initial=initial, groups=groups, toc=lesson.toc)
        context = ask_context(request, lesson, groups, form) | {
            "quiz_question": quiz_question,
            "swapped": web.is_partial(request),
        }
        if section and not web.is_partial(request):
            # Asked from a section heading: what the groups already asked about it.
            context["section"] = next(e for e in lesson.toc if e["id"] == section)
            context["section_questions"] = reading.section_questions(lesson, groups, section)
        return web.render_page(request, "discussions/ask.html", "form", context)
    if data.get("group", "") not in {str(group.pk) for group in groups}:
        raise Http404("No such group")
    form = QuestionForm(request.POST, groups=groups, toc=lesson.toc)
    context = ask_context(request, lesson, groups, form) | {"quiz_question": quiz_question}
    if request.POST.get("preview"):
        # Unbound, so that the preview does not show errors for what is not written yet.
        unbound = QuestionForm(initial=request.POST.dict(), groups=groups, toc=lesson.toc)
        context["form"] = unbound
        context["preview"] = True
        context["preview_html"] = render_post(request.POST.get("body", "")[:BODY_MAX])
        return web.render_page(request, "discussions/ask.html", "form", context)
    status = 422
    if form.is_valid():
        group = next(g for g in groups if g.pk == form.cleaned_data["group"])
        try:
            question = posting.do_ask(
                request.user,
                group,
                lesson,
                form.cleaned_data["title"],
                form.cleaned_data["body"],
                section,
                quiz_question,
            )
        except posting.RateLimited:
            form.add_error(None, _("You have posted a lot just now. Wait a few minutes."))
            status = 429
        else:
            messages.success(request, _("Your question is posted. You follow it."))
            if web.is_partial(request):
                response = HttpResponseClientRedirect(question.get_absolute_url())
                return _draft_posted(response, f"ask-{lesson.pk}")
            return redirect(question.get_absolute_url())
    response = web.invalid_form(request, "discussions/ask.html", "form", context, "#ask-form")
    response.status_code = status
    return response


@require_GET
@login_required
def group_questions(request: HtmxHttpRequest, group_id: int) -> HttpResponse:
    """The group's questions, unanswered first, filtered by lesson."""
    seat = access.access_seat(request.user, group_id)
    lesson_id = request.GET.get("lesson", "")
    if lesson_id and (not lesson_id.isdigit() or len(lesson_id) > 18):
        raise Http404("No such lesson")
    open_only = request.GET.get("open") == "1"
    questions = reading.group_questions(
        seat.group, int(lesson_id) if lesson_id else None, open_only
    )
    page = Paginator(questions, reading.GROUP_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "seat": seat,
        "group": seat.group,
        "page": page,
        "lessons": reading.asked_lessons(seat.group),
        "lesson_id": int(lesson_id) if lesson_id else None,
        "open_only": open_only,
    }
    return web.render_page(request, "discussions/group_questions.html", "list", context)


def _thread_context(request, seat: access.Seat, question: GroupQuestion, form=None) -> dict:
    found = reading.thread(question, request.user)
    user = request.user
    return {
        "seat": seat,
        "group": seat.group,
        "question": question,
        "answers": [
            (
                answer,
                posting.can_edit(user, answer),
                posting.can_delete(user, answer),
            )
            for answer in found.answers
        ],
        "following": found.following,
        "followers": found.followers,
        "form": form or AnswerForm(),
        "can_accept": posting.can_accept(user, question, seat.is_instructor),
        "can_edit": posting.can_edit(user, question),
        "can_delete": posting.can_delete(user, question),
        "section": next((e for e in question.lesson.toc if e["id"] == question.section), None),
    }


@require_GET
@login_required
def question(request: HtmxHttpRequest, group_id: int, question_id: int) -> HttpResponse:
    seat = access.access_seat(request.user, group_id)
    found = access.access_question(seat, question_id)
    return render(request, QUESTION_TEMPLATE, _thread_context(request, seat, found))


@require_POST
@login_required
def answer(request: HtmxHttpRequest, group_id: int, question_id: int) -> HttpResponse:
    seat = access.access_seat(request.user, group_id)
    found = access.access_question(seat, question_id)
    form = AnswerForm(request.POST)
    if request.POST.get("preview"):
        unbound = AnswerForm(initial={"body": request.POST.get("body", "")})
        context = _thread_context(request, seat, found, unbound) | {
            "preview": True,
            "preview_html": render_post(request.POST.get("body", "")[:BODY_MAX]),
        }
        if not web.is_partial(request):
            return render(request, QUESTION_TEMPLATE, context)
        response = render(request, f"{QUESTION_TEMPLATE}#answer-form", context)
        return reswap(retarget(response, "#answer-form"), "outerHTML")
    status = 422
    if form.is_valid():
        if found.is_deleted:
            form.add_error(None, _("This question was deleted; it takes no more answers."))
            status = 409
        else:
            try:
                posting.do_answer(request.user, found, form.cleaned_data["body"])
            except posting.RateLimited:
                form.add_error(None, _("You have posted a lot just now. Wait a few minutes."))
                status = 429
            else:
                if web.is_partial(request):
                    found.refresh_from_db()
                    context = _thread_context(request, seat, found) | {
                        "posted": True,
                        "swapped": True,
                    }
                    response = render(request, f"{QUESTION_TEMPLATE}#thread", context)
                    response = _draft_posted(response, f"answer-{found.pk}")
                    return _announce(response, _("Your answer is posted."))
                messages.success(request, _("Your answer is posted."))
                return redirect(found.get_absolute_url() + "#answers")
    context = _thread_context(request, seat, found, form)
    response = web.invalid_form(request, QUESTION_TEMPLATE, "answer-form", context, "#answer-form")
    response.status_code = status
    return response


def _back_to_thread(request, seat, found: GroupQuestion, said: str) -> HttpResponse:
    if web.is_partial(request):
        found.refresh_from_db()
        context = _thread_context(request, seat, found) | {"swapped": True}
        response = render(request, f"{QUESTION_TEMPLATE}#thread", context)
        return _announce(response, said)
    messages.success(request, said)
    return redirect(found.get_absolute_url())


@require_POST
@login_required
def accept(request: HtmxHttpRequest, group_id: int, question_id: int) -> HttpResponse:
    """The asker or an instructor marks one answer accepted (`answer` empty: none is)."""
    seat = access.access_seat(request.user, group_id)
    found = access.access_question(seat, question_id)
    raw = request.POST.get("answer", "")
    chosen = None
    if raw:
        if not raw.isdigit() or len(raw) > 18:
            raise Http404("No such answer")
        chosen = access.access_answer(found, int(raw))
        if chosen.is_deleted or chosen.is_hidden:
            raise Http404("No such answer")
    if not posting.can_accept(request.user, found, seat.is_instructor):
        raise PermissionDenied
    posting.do_accept(request.user, found, chosen)
    said = _("Answer accepted.") if chosen else _("No answer is accepted now.")
    return _back_to_thread(request, seat, found, said)


@require_POST
@login_required
def follow(request: HtmxHttpRequest, group_id: int, question_id: int) -> HttpResponse:
    seat = access.access_seat(request.user, group_id)
    found = access.access_question(seat, question_id)
    wanted = request.POST.get("follow")
    if wanted not in ("1", "0"):
        return HttpResponse(_("follow must be 1 or 0"), status=400)
    posting.do_follow(request.user, found, wanted == "1")
    if wanted == "1":
        said = _("You follow this question: new answers reach you by mail.")
    else:
        said = _("You no longer follow this question.")
    if web.is_partial(request):
        context = _thread_context(request, seat, found) | {"swapped": True}
        return _announce(render(request, f"{QUESTION_TEMPLATE}#follow", context), said)
    messages.success(request, said)
    return redirect(found.get_absolute_url())


def _post_or_404(seat, question_id: int, answer_id: int | None):
    found = access.access_question(seat, question_id)
    return found, (access.access_answer(found, answer_id) if answer_id else found)


@require_http_methods(["GET", "POST"])
@login_required
def edit(
    request: HtmxHttpRequest, group_id: int, question_id: int, answer_id: int | None = None
) -> HttpResponse:
    """The author changes their post within the edit window."""
    seat = access.access_seat(request.user, group_id)
    found, post = _post_or_404(seat, question_id, answer_id)
    if post.author_id != request.user.pk:
        raise PermissionDenied
    is_question = isinstance(post, GroupQuestion)
    form_class = EditQuestionForm if is_question else AnswerForm
    context = {"seat": seat, "group": seat.group, "question": found, "post": post}
    if not posting.can_edit(request.user, post):
        context["too_late"] = True
        return render(request, "discussions/edit.html", context, status=403)
    if request.method == "GET":
        initial = {"body": post.body} | ({"title": post.title} if is_question else {})
        return render(
            request, "discussions/edit.html", context | {"form": form_class(initial=initial)}
        )
    form = form_class(request.POST)
    if not form.is_valid():
        context["form"] = form
        return web.invalid_form(request, "discussions/edit.html", "form", context, "#edit-form")
    posting.do_edit(post, form.cleaned_data["body"], form.cleaned_data.get("title"))
    messages.success(request, _("Your changes are saved."))
    target = found.get_absolute_url() + ("" if is_question else f"#answer-{post.pk}")
    return HttpResponseClientRedirect(target) if web.is_partial(request) else redirect(target)


@require_POST
@login_required
def delete(
    request: HtmxHttpRequest, group_id: int, question_id: int, answer_id: int | None = None
) -> HttpResponse:
    """The author deletes their post; a question with answers stays as "삭제된 글"."""
    seat = access.access_seat(request.user, group_id)
    found, post = _post_or_404(seat, question_id, answer_id)
    if not posting.can_delete(request.user, post):
        raise PermissionDenied
    posting.do_delete(post)
    messages.success(request, _("Deleted."))
    if isinstance(post, GroupQuestion) and post.pk is None:
        target = reverse("groups:questions", args=[seat.group.pk])
    else:
        target = found.get_absolute_url()
    return HttpResponseClientRedirect(target) if web.is_partial(request) else redirect(target)


@require_http_methods(["GET", "POST"])
@login_required
def hide(
    request: HtmxHttpRequest, group_id: int, question_id: int, answer_id: int | None = None
) -> HttpResponse:
    """An instructor of the group hides a post, with a reason its author sees; or shows it
    again (`hidden=0`)."""
    seat = access.access_seat(request.user, group_id)
    found, post = _post_or_404(seat, question_id, answer_id)
    if not seat.is_instructor:
        raise PermissionDenied
    context = {"seat": seat, "group": seat.group, "question": found, "post": post}
    if request.method == "POST" and request.POST.get("hidden") == "0":
        posting.do_unhide(post)
        messages.success(request, _("The post shows again."))
        return redirect(found.get_absolute_url())
    form = HideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        posting.do_hide(post, form.cleaned_data["reason"])
        messages.success(request, _("The post is hidden; its author sees why."))
        return redirect(found.get_absolute_url())
    status = 422 if request.method == "POST" else 200
    return render(request, "discussions/hide.html", context | {"form": form}, status=status)
