"""Rules a well-formed question obeys, shared by the admin and the importer."""

from django.utils.translation import gettext as _

CHOICE_KINDS = {"single", "multiple", "true_false"}


def question_problems(kind: str, *, choice_count: int, correct_count: int, answer_count: int):
    """What is wrong with a question of `kind`; an empty list when it is well-formed."""
    problems = []
    if kind in CHOICE_KINDS and choice_count < 2:
        problems.append(_("A choice question needs at least two choices."))
    if kind in ("single", "true_false") and correct_count != 1:
        problems.append(_("This kind of question needs exactly one correct choice."))
    if kind == "multiple" and correct_count < 1:
        problems.append(_("A multiple-choice question needs at least one correct choice."))
    if kind == "short" and answer_count < 1:
        problems.append(_("A short-answer question needs at least one accepted answer."))
    if kind == "short" and choice_count:
        problems.append(_("A short-answer question has no choices."))
    return problems
