"""Instructors' dashboard pages, their htmx fragments and the CSV export.

Anonymous visitors are not sent to the login page: like everyone else who may not see the
group, they get 404, so that a URL never confirms that a group exists.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from lessons.kernel import charts, numbers, web
from lessons.kernel.web import HtmxHttpRequest
from lessons.models import Completion, Lesson
from portal.dashboards import (
    cohort,
    drilldowns,
    export,
    learners,
    matrix,
    nudging,
    table_html,
    timeline,
)
from portal.dashboards.forms import SORT_CHOICES, DashboardFilterForm, query_for
from portal.discussions import reading as discussion_reading
from portal.groups import pace, scope
from portal.groups.access import get_group_for_dashboard
from portal.groups.scope import learner_memberships, scope_queryset
from portal.models import StudyGroup
from portal.notifications.nudges import nudges_for
from portal.scaling.replica import reads_from_replica


def _table_context(
    request: HtmxHttpRequest,
    group: StudyGroup,
    lessons: list[scope.LessonColumn],
    readers: list[learners.Learner],
) -> dict:
    form = DashboardFilterForm(request.GET, categories=learners.scope_categories(lessons))
    filters = form.filters()
    chart_unit = form.chart_unit()
    context = {
        "group": group,
        "lessons": lessons,
        "form": form,
        "filters": filters,
        "chart_unit": chart_unit,
        "query": query_for(filters, chart_unit),
        "attention_query": query_for(filters, chart_unit, attention="1"),
        # The chart's other unit, with the filters on screen (kept current after htmx
        # filtering by an out-of-band swap of the link).
        "other_unit_query": query_for(filters, "day" if chart_unit == "week" else "week"),
        "sort_label": dict(SORT_CHOICES)[filters.sort],
    }
    if cohort.is_cohort(len(readers), len(lessons)):
        now = timezone.now()
        table = cohort.build_cohort(group, lessons, filters, form.page_number(), now, readers)
        other_unit = "day" if chart_unit == "week" else "week"
        return context | {
            "reach": nudging.reach_out(request.user, group, table.reach_out),
            "cohort": table,
            "cohort_html": table_html.cohort_parts(group.pk, table, filters, chart_unit),
            "section_rows": [
                (total, query_for(filters, chart_unit, section=total.section.key))
                for total in table.section_totals
            ],
            "closed_query": query_for(filters, chart_unit, section=""),
            "next_query": query_for(filters, chart_unit, page=table.next_page or ""),
            "previous_query": query_for(filters, chart_unit, page=table.previous_page or ""),
            "activity_query": query_for(filters, chart_unit, panel="activity"),
            "other_unit_query": query_for(filters, other_unit, panel="activity"),
        }
    table = matrix.build_matrix(group, lessons, filters, timezone.now(), readers)
    return context | {
        "reach": nudging.reach_out(request.user, group, table.reach_out),
        "matrix": table,
        "matrix_html": table_html.parts(group.pk, table),
    }


@require_GET
@reads_from_replica
def dashboard(request: HtmxHttpRequest, group_id: int) -> HttpResponse:
    """The matrix with its filters; htmx requests (filtering, the minute's refresh) get
    just the results fragment. A cohort (cohort.is_cohort) gets its summary and a page of
    learners instead; htmx asks for the next page's rows (`rows`) and, once scrolled to,
    for the activity panel (`panel=activity`), which a plain link also shows in place."""
    group = get_group_for_dashboard(request.user, group_id)
    lessons = scope.scope_lessons(group)
    readers = learners.group_learners(group, lessons)
    partial = web.is_partial(request)
    if not cohort.is_cohort(len(readers), len(lessons)):
        context = _table_context(request, group, lessons, readers)
        if partial:
            context["chart_unit_oob"] = True
            return render(request, "dashboards/dashboard.html#results", context)
        context |= _activity(group, lessons, readers, context["chart_unit"])
        return render(request, "dashboards/dashboard.html", context)

    # The chart and the hardest questions read every answer of every learner: a cohort's
    # first view goes without them, and they come as the instructor scrolls to them.
    wants_activity = request.GET.get("panel") == "activity"
    if partial and wants_activity:
        form = DashboardFilterForm(request.GET, categories=learners.scope_categories(lessons))
        context = {"group": group, "cohort": True, "chart_unit": form.chart_unit()}
        context["other_unit_query"] = query_for(
            form.filters(), "day" if context["chart_unit"] == "week" else "week", panel="activity"
        )
        context |= _activity(group, lessons, readers, context["chart_unit"])
        return render(request, "dashboards/dashboard.html#activity", context)
    context = _table_context(request, group, lessons, readers)
    if partial:
        if request.GET.get("rows"):
            return render(request, "dashboards/_cohort.html#rows", context)
        return render(request, "dashboards/dashboard.html#results", context)
    if wants_activity:
        context |= _activity(group, lessons, readers, context["chart_unit"])
    return render(request, "dashboards/dashboard.html", context)


def _activity(
    group: StudyGroup,
    lessons: list[scope.LessonColumn],
    readers: list[learners.Learner],
    chart_unit: str,
) -> dict:
    """The chart of lessons done over time and the questions the group finds hardest."""
    learners = [learner.user_id for learner in readers]
    scope = [lesson.id for lesson in lessons]
    due = pace.due_dates(group, lessons)
    periods = timeline.progress_over_time(
        learners=learners,
        lessons=scope,
        due=due.values() if group.pace != group.Pace.NONE else None,
        learner_count=len(learners),
        unit=chart_unit,
        today=timezone.localdate(),
    )
    return {
        "activity": True,
        "chart": charts.column_chart(periods),
        "hardest": drilldowns.hardest_questions(learners, scope),
    }


@require_GET
@reads_from_replica
def dashboard_csv(request: HtmxHttpRequest, group_id: int) -> HttpResponse:
    """Exactly the table the dashboard shows for the same query string."""
    group = get_group_for_dashboard(request.user, group_id)
    lessons = scope.scope_lessons(group)
    form = DashboardFilterForm(request.GET, categories=learners.scope_categories(lessons))
    return export.csv_response(group, lessons, form.filters(), timezone.now())


@require_GET
@reads_from_replica
def learner(request: HtmxHttpRequest, group_id: int, user_id: int) -> HttpResponse:
    """One learner of the group: progress, scores per quiz, and a timeline."""
    group = get_group_for_dashboard(request.user, group_id)
    membership = get_object_or_404(
        learner_memberships(group).select_related("user"), user_id=user_id
    )
    scope = scope_queryset(group)
    total = scope.count()
    done = Completion.objects.filter(user_id=user_id, lesson_id__in=scope.values("pk")).count()
    return render(
        request,
        "dashboards/learner.html",
        {
            "group": group,
            "membership": membership,
            "learner": membership.user,
            "done": done,
            "total": total,
            "percent_done": numbers.percent(done, total),
            "scores": drilldowns.learner_quiz_scores(user_id, scope),
            "events": drilldowns.learner_timeline(user_id, scope),
            "nudges": nudges_for(membership.user, group)[:20],
        },
    )


@require_GET
@reads_from_replica
def lesson(request: HtmxHttpRequest, group_id: int, lesson_id: int) -> HttpResponse:
    """One lesson of the group: who did it, how it went over time, and its questions."""
    group = get_group_for_dashboard(request.user, group_id)
    lesson = get_object_or_404(
        scope_queryset(group).select_related("category", "quiz"), pk=lesson_id
    )
    quiz = getattr(lesson, "quiz", None)  # a lesson need not have a quiz
    memberships = learner_memberships(group)
    people = drilldowns.lesson_learners(memberships, lesson)
    due = pace.due_dates(group, scope.scope_lessons(group)).get(lesson.pk)
    periods = timeline.progress_over_time(
        learners=memberships.values("user_id"),
        lessons=Lesson.objects.filter(pk=lesson.pk).values("pk"),
        due=[due] if due else ([] if group.pace != group.Pace.NONE else None),
        learner_count=len(people),
        unit="week",
        today=timezone.localdate(),
    )
    done = sum(1 for person in people if person.done_at)
    scores = [person.best for person in people if person.best is not None]
    return render(
        request,
        "dashboards/lesson.html",
        {
            "group": group,
            "lesson": lesson,
            "quiz": quiz,
            "due": due,
            "people": people,
            "done": done,
            "completion_rate": numbers.percent(done, len(people)),
            "average_best": numbers.average(scores),
            "chart": charts.column_chart(periods),
            "questions": drilldowns.question_stats(quiz, memberships.values("user_id"))
            if quiz
            else [],
            "busiest_sections": discussion_reading.busiest_sections(group, lesson),
        },
    )
