"""Search: the results page at /search/?q=..., and its results alone for htmx (the live
results under the header's search box, or the page's own list)."""

import hashlib
from datetime import datetime

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from lessons.content import kept
from lessons.kernel import search as lesson_search
from lessons.kernel import search_results, web
from lessons.kernel.panels import panels_for
from lessons.kernel.web import HtmxHttpRequest
from lessons.models import Category, Lesson

PAGE_SIZE = 20
LIVE_SIZE = 6
LIVE_TARGET = "site-search-results"
MAX_PAGE = 500


def _page_number(value: str) -> int:
    try:
        return min(max(int(value), 1), MAX_PAGE)
    except ValueError:
        return 1


def _found(request, query: lesson_search.SearchQuery, **page) -> search_results.Results:
    """A page of the lessons the query finds. What learners and visitors find is the same
    for each of them: kept (lessons.content.kept) until the catalog changes or a scheduled
    lesson's time comes; staff, who find drafts too, search every time."""
    if request.user.is_staff or not query:
        return search_results.find_lessons(Lesson.objects.all(), query, **page)

    def search() -> tuple[search_results.Results, datetime | None]:
        found = search_results.find_lessons(
            Lesson.objects.published(), query, also=kept.next_scheduled(), **page
        )
        # Nothing found read no schedule: not kept (finding nothing is quick).
        return found, found.also if found.hits else timezone.now()

    terms = hashlib.sha256(repr(query.terms).encode()).hexdigest()[:32]
    return kept.kept("search", search, terms, *(f"{k}={v}" for k, v in sorted(page.items())))


@require_GET
@vary_on_headers("HX-Target")  # HX-Request: every page varies on it (lessons.kernel.web)
def search(request: HtmxHttpRequest) -> HttpResponse:
    query = lesson_search.parse_query(request.GET.get("q", ""))
    visible = Lesson.objects.visible_to(request.user)
    partial = web.is_partial(request)
    if partial and request.htmx.target == LIVE_TARGET:
        results = _found(request, query, offset=0, limit=LIVE_SIZE, count=False, excerpts=False)
        return render(request, "lessons/search.html#live", {"query": query, "results": results})
    page = _page_number(request.GET.get("page", "1"))
    results = _found(request, query, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE, count=True)
    # The header's box keeps the query: the page has no box of its own.
    context = {"query": query, "results": results, "page": page, "site_search_text": query.text}
    if page == 1:
        context["panels"] = panels_for("search", request, query=query)
    if query and not results.hits and page == 1:
        context["categories"] = Category.objects.filter(lessons__in=visible).distinct()
    template = "lessons/search.html#results" if partial else "lessons/search.html"
    return render(request, template, context)
