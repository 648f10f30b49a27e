"""A result's scored answers as the result page lists them, each item rendered once and
kept until the catalog changes (lessons.content.kept). An item is the same for everyone
who gave that answer to that question at that place in the list: the prompt, what was
chosen, right or wrong, the right answer, the explanation and the links beside it. A
result of eleven answers reads its items in one round trip to the cache instead of
rendering each (a quarter of a submit's time went there)."""

import hashlib

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from lessons.content import kept
from lessons.models import Lesson, Question

ITEM = "lessons/_answer_review.html"


def _given(answer) -> str | list[int]:
    if answer.question.kind == Question.Kind.SHORT:
        return answer.text
    return [choice.id for choice in answer.choices.all()]


def _part(lesson_url: str, number: int, answer) -> str:
    """What the item shows, as a digest: a short answer is any text a learner typed."""
    actions = [(a.label, a.url, a.note) for a in getattr(answer, "actions", [])]
    shown = (lesson_url, number, answer.question.id, answer.is_correct, _given(answer), actions)
    digest = hashlib.sha256(repr(shown).encode()).hexdigest()
    return f"{translation.get_language()}:{digest}"


def answer_items(lesson: Lesson, answers: list) -> SafeString:
    """The list's items, in order; each answer carries its question and its `actions`."""
    lesson_url = lesson.get_absolute_url()
    parts, builds = [], {}
    for number, answer in enumerate(answers, start=1):
        part = _part(lesson_url, number, answer)
        context = {
            "answer": answer,
            "question": answer.question,
            "lesson_url": lesson_url,
            "number": number,
        }
        builds[part] = lambda context=context: str(render_to_string(ITEM, context))
        parts.append(part)
    items = kept.kept_each("answer-item", builds)
    return mark_safe("".join(items[part] for part in parts))  # noqa: S308 (our template)
