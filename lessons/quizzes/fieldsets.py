"""A quiz form's questions as the form shows them, each question's fieldset rendered once
and kept until the catalog changes (lessons.content.kept): the quiz page spent half its
time rendering them.

Only the choices' tokens differ from one form to the next (scoring.choice_token). A kept
fieldset holds a mark in place of each token, a choice's id between two NUL characters,
which no text of the portal can hold (lessons, questions and posts never store NUL, and
requests carrying one are refused), and each form puts its own tokens there. A question
shown with an error, a refilled answer or a choice checked is rendered whole, as before.
"""

import re

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from lessons.content import kept

FIELDS = "lessons/_question_fields.html"
MARK = re.compile("\x00([0-9]+)\x00")


def _render(item: dict, number: int) -> str:
    return str(render_to_string(FIELDS, {"item": item, "number": number}))


def _plain(item: dict) -> bool:
    """Nothing in it that belongs to this learner or this post."""
    return not (item["error"] or item["text"] or any(c["checked"] for c in item["choices"]))


def _marked(item: dict) -> dict:
    return item | {"choices": [c | {"token": f"\x00{c['id']}\x00"} for c in item["choices"]]}


def fieldsets(items: list[dict]) -> SafeString:
    """The fieldsets of `items` (lessons.quizzes.views.present_questions), numbered from 1."""
    language = translation.get_language() or ""
    builds = {}
    parts = []
    for number, item in enumerate(items, start=1):
        if not _plain(item):
            parts.append(None)
            continue
        order = ".".join(str(choice["id"]) for choice in item["choices"])
        part = f"{language}:{item['question'].id}:{number}:{order}"
        builds[part] = lambda item=item, number=number: _render(_marked(item), number)
        parts.append(part)
    found = kept.kept_each("question-fields", builds)
    tokens = {choice["id"]: choice["token"] for item in items for choice in item["choices"]}
    html = "".join(
        _render(item, number) if part is None else found[part]
        for number, (part, item) in enumerate(zip(parts, items, strict=True), start=1)
    )
    return mark_safe(MARK.sub(lambda mark: tokens[int(mark[1])], html))  # noqa: S308 (ours)
