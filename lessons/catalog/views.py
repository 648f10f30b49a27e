"""Pages a learner reads: home, category, lesson; and the controls that record progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from lessons.catalog.category_page import category_page
from lessons.catalog.home_page import NextStep, home_page
from lessons.catalog.lesson_page import lesson_page, visible_lesson
from lessons.catalog.progress_page import progress_page
from lessons.content.access import get_visible_lesson
from lessons.kernel import web
from lessons.kernel.headings import beside_headings
from lessons.kernel.panels import actions_for, panels_for
from lessons.kernel.particles import resolve_particles
from lessons.kernel.web import HtmxHttpRequest, login_then_back_to
from lessons.progress import tracking as progress
from lessons.progress.next_lesson import next_lesson

# The home page lists the first lessons of each category; the category page has them all.
HOME_LESSONS_PER_CATEGORY = 10
CATEGORY_PAGE_SIZE = 50


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    page = home_page(request.user, HOME_LESSONS_PER_CATEGORY)
    return render(
        request,
        "lessons/home.html",
        {
            "categories": page.categories,
            "overall": page.overall,
            "next_step": page.next_step,
            "review_due": page.review_due,
            "review_waiting": page.review_waiting,
            "panels": panels_for("home", request),
            "lead_panels": panels_for("next_step", request, next_step=page.next_step)[:1],
        },
    )


@require_GET
def category_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    found = category_page(request.user, slug, CATEGORY_PAGE_SIZE, request.GET.get("page"))
    if found is None:
        raise Http404("No such category")
    return render(
        request,
        "lessons/category_detail.html",
        {
            "category": found.category,
            "lessons": found.page,
            "page": found.page,
            "subcategories": found.subcategories,
            "bar": found.bar,
        },
    )


@require_GET
def lesson_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    lesson = visible_lesson(request.user, slug)
    page = lesson_page(request.user, lesson)
    context = {
        "lesson": lesson,
        "previous": page.previous,
        "next": page.next,
        "is_done": page.is_done,
        "reading_index": page.reading_index,
        "resume_section": lesson.section_at(page.reading_index),
        "bar": page.bars[lesson.category_id],
        "overall": page.overall,
        "panels": panels_for("lesson", request, lesson=lesson, is_done=page.is_done),
        "panels_end": panels_for("lesson_end", request, lesson=lesson),
        "body": beside_headings(
            lesson.body_html, lesson.toc, actions_for("lesson_section", request, lesson=lesson)
        ),
    }
    return render(request, "lessons/lesson_detail.html", context)


@require_POST
def completion(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Mark the lesson done (`done=1`) or undo it (`done=0`) for the signed-in learner."""
    lesson = get_visible_lesson(request.user, slug)
    if not request.user.is_authenticated:
        return login_then_back_to(request, lesson.get_absolute_url())
    done = request.POST.get("done")
    if done not in ("1", "0"):
        return HttpResponseBadRequest("done must be 1 or 0")
    if done == "1":
        progress.record_completion(request.user, lesson)
        said = resolve_particles(_("Marked “%(title)s” done.") % {"title": lesson.title})
    else:
        progress.undo_completion(request.user, lesson)
        said = _("“%(title)s” is no longer marked done.") % {"title": lesson.title}
    if web.is_partial(request):
        bars, overall = progress.category_bars(request.user)
        context = {
            "lesson": lesson,
            "is_done": done == "1",
            "bar": bars[lesson.category_id],
            "overall": overall,
            "swapped": True,
        }
        if done == "1":
            # A next step: the group's lesson due soonest when a group plans one, else the
            # next lesson not done yet.
            following = next_lesson(request.user, lesson)
            step = NextStep(following, None) if following else None
            context |= {"next_lesson": following, "next": None}
            context["next_panels"] = panels_for("next_step", request, next_step=step)[:1]
        response = render(request, "lessons/_completion_response.html", context)
        return trigger_client_event(response, "portal:announce", {"message": said})
    messages.success(request, said, extra_tags="completion")
    return redirect(lesson.get_absolute_url() + "#completion")


@require_POST
def reading_position(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Record that the learner's reading reached section `section` of the lesson. A
    background post: whatever is wrong (an expired session, a stale page), it answers a
    quiet 204 and the reader is never interrupted."""
    try:
        lesson = get_visible_lesson(request.user, slug)
        section_index = int(request.POST.get("section", ""))
    except (Http404, ValueError):
        return HttpResponse(status=204)
    if request.user.is_authenticated and 0 <= section_index < max(len(lesson.toc), 1):
        progress.record_reading_position(request.user, lesson, section_index)
    return HttpResponse(status=204)


@require_GET
@login_required
def my_progress(request: HtmxHttpRequest) -> HttpResponse:
    """The learner's own progress: bars per category, readiness for each exam, mock
    exams, lessons done per day and every lesson done."""
    return render(request, "lessons/my_progress.html", progress_page(request.user))
