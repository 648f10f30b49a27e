"""Floor views for `make bench`: what a page costs when Django does nothing else.

Mounted only when BENCH_FLOORS=True, so that a benchmark compares the portal's pages,
in the same run, with (1) a view doing no database work, (2) one doing only the lesson
page's essential queries (session, user, the lesson with the learner's state, its
neighbours, the progress bars) and no template, and (3) the lean lesson page any Django
tutorial would write: the session, the user, one lesson query and its stored HTML in a
minimal template. All three pass through the portal's whole middleware stack, as pages do.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from lessons.content.access import get_visible_lesson
from lessons.models import Lesson
from lessons.progress.tracking import category_bars


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def lesson_essentials(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = get_visible_lesson(request.user, slug, with_learner_state=True)
    previous, following = Lesson.objects.visible_to(request.user).neighbours_of(lesson)
    _, overall = category_bars(request.user)
    return HttpResponse(
        f"<h1>{lesson.title}</h1>{lesson.is_done}{overall.done}{previous}{following}"
        f"{lesson.body_html}"
    )


def lean_lesson(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = get_object_or_404(Lesson.objects.visible_to(request.user), slug=slug)
    return render(request, "bench/lean_lesson.html", {"lesson": lesson})
