"""Who may read what: the one place that hides drafts from everyone but staff."""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django_htmx.http import HttpResponseClientRedirect

from lessons.models import Lesson


def get_visible_lesson(user, slug: str, *, with_learner_state: bool = False) -> Lesson:
    """The lesson at `slug` with its category and quiz, or 404 when it does not exist
    or is a draft and the user is not staff. `with_learner_state` also loads whether
    the user has done it and how far they have read, in the same query."""
    lessons = Lesson.objects.visible_to(user).select_related("category", "quiz")
    if with_learner_state:
        lessons = lessons.with_learner_state(user)
    return get_object_or_404(lessons, slug=slug)


def login_then_back_to(request, url: str) -> HttpResponse:
    """Send a visitor (or an expired session) to log in and then back to `url`. An htmx
    request redirects the whole page, so the login form never lands inside a fragment."""
    response = redirect_to_login(url)
    return HttpResponseClientRedirect(response.url) if request.htmx else response
