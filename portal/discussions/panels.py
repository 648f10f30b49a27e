"""What the group's questions add to lessons pages (lessons/kernel/panels.py): the
questions under a lesson, "질문하기" with a count beside each section heading, a link from
each wrong quiz answer, and the group's questions among search results. Registered in
PortalConfig.ready()."""

from urllib.parse import urlencode

from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lessons.kernel.panels import Action, Panel
from lessons.kernel.search import SearchQuery
from lessons.models import Lesson
from portal.discussions import access, kept, reading


def _lesson_questions(request, lesson: Lesson) -> tuple[str, reading.LessonQuestions] | None:
    """The questions of the learner's groups on `lesson` and their cache key, read once per
    request (the panel below the lesson and the links beside its headings share it)."""
    memo = request.__dict__.setdefault("_group_questions", {})
    if lesson.pk not in memo:
        groups = access.groups_shown_on(request.user, lesson)
        if not groups:
            memo[lesson.pk] = None
        else:
            key = kept.panel_key(lesson, groups)
            found = cache.get(key)
            if found is None:
                found = reading.lesson_questions(lesson, groups)
                cache.set(key, found, kept.PANEL_SECONDS)
            memo[lesson.pk] = (key, found)
    return memo[lesson.pk]


def lesson_questions_panel(request, lesson: Lesson, **page) -> Panel | None:
    """Below the lesson: its questions in the learner's groups and a form to ask one.
    Nothing at all for a visitor or someone in no group that studies the lesson."""
    read = _lesson_questions(request, lesson)
    if read is None:
        return None
    key, found = read
    context = {
        "lesson": lesson,
        "found": found,
        "key": key,
        # The panel is shared by the groups' members, except by the author of a hidden
        # question listed in it: they alone see its title and why it was hidden.
        "reader": f"author-{request.user.pk}" if _hidden_of(found, request.user) else "",
        "action": reverse("groups:ask", args=[lesson.slug]),
    }
    return Panel("discussions/_lesson_panel.html", context)


def section_actions(request, lesson: Lesson, **page) -> dict[str, list[Action]]:
    """Beside each section heading, for a member: "질문하기" about that section, with how
    many questions their groups asked on it (from the panel's cached reading)."""
    read = _lesson_questions(request, lesson)
    if read is None:
        return {}
    ask_url = reverse("groups:ask", args=[lesson.slug])
    label = _("Ask")
    actions = {}
    for section in read[1].sections:
        note = ""
        if section.count:
            note = ngettext(
                "%(count)s question asked", "%(count)s questions asked", section.count
            ) % {"count": section.count}
        url = f"{ask_url}?{urlencode({'section': section.id})}"
        actions[section.id] = [Action(label, url, note)]
    return actions


def _hidden_of(found: reading.LessonQuestions, user) -> bool:
    return any(q.hidden_at and q.author_id == user.pk for q in found.questions)


def quiz_answer_actions(request, lesson: Lesson, question_ids: list[int], **page):
    """ "이 문제에 대해 질문하기" beside each wrong answer, for a member of a group."""
    if not question_ids or not access.groups_shown_on(request.user, lesson):
        return {}
    ask_url = reverse("groups:ask", args=[lesson.slug])
    label = _("Ask the group about this question")
    return {
        question_id: [Action(label, f"{ask_url}?{urlencode({'quiz_question': question_id})}")]
        for question_id in question_ids
    }


def search_panel(request, query: SearchQuery, **page) -> Panel | None:
    """The questions of the member's own groups that match, under the lessons found.
    Someone in no group (the cache knows, as on the lesson page) asks nothing more."""
    if not query or not request.user.is_authenticated or not kept.member_groups_of(request.user):
        return None
    questions = reading.search_questions(request.user, query)
    if not questions:
        return None
    return Panel("discussions/_search.html", {"questions": questions, "query": query})
