"""The editors' error summary: every problem of an admin change form, of its inlines and of
their nested inlines, each named by where it is ("문제 3, 보기 2, 내용") and linked to its
field, in place of the admin's one line "Please correct the errors below" that points to
nothing on a long page (templates/admin/lessons/_error_summary.html,
static/js/admin-errors.js)."""

from dataclasses import dataclass

from django.forms.forms import NON_FIELD_ERRORS
from django.utils.text import capfirst
from django.utils.translation import gettext


@dataclass(frozen=True)
class Problem:
    where: str  # "" for the form as a whole
    message: str
    anchor: str  # the id of the field, or of the row or group it concerns


def form_problems(form, places: tuple[str, ...] = (), container: str = "") -> list[Problem]:
    """The form's own errors, in the order its fields are shown. A hidden field (an inline
    row's id) has nothing to focus: its error links to the row."""
    problems = []
    where = ", ".join(places)
    for message in form.errors.get(NON_FIELD_ERRORS, []):
        problems.append(Problem(where, message, container))
    for name, field in form.fields.items():
        for message in form.errors.get(name, []):
            bound = form[name]
            if field.widget.is_hidden:
                problems.append(Problem(where, message, container))
                continue
            label = str(capfirst(bound.label))
            problems.append(Problem(", ".join((*places, label)), message, bound.id_for_label))
    return problems


def formset_problems(formset, sort_field: str = "", places: tuple[str, ...] = ()) -> list[Problem]:
    """A formset's errors and those of its forms, each form numbered as the page shows it
    (sorted by its position, as nested-admin draws it), then their nested formsets'."""
    name = str(capfirst(formset.model._meta.verbose_name))
    group = f"{formset.prefix}-group"
    problems = [
        Problem(
            ", ".join((*places, str(capfirst(formset.model._meta.verbose_name_plural)))), m, group
        )
        for m in formset.non_form_errors()
    ]
    for number, form in enumerate(shown_order(formset.forms, sort_field), start=1):
        place = (*places, gettext("%(name)s %(number)d") % {"name": name, "number": number})
        problems += form_problems(form, place, container=form.prefix)
        nested = zip(
            getattr(form, "nested_formsets", []), getattr(form, "nested_inlines", []), strict=False
        )
        for child, inline in nested:
            problems += formset_problems(child, getattr(inline, "sortable_field_name", ""), place)
    return problems


def shown_order(forms: list, sort_field: str) -> list:
    """Forms with a posted position first, by that position; the others after, as posted
    (nested_admin's `formsetsort`)."""
    if not forms or sort_field not in forms[0].fields:
        return list(forms)

    def position(form) -> int | None:
        value = form[sort_field].data
        try:
            return None if value in (None, "", "-1") else int(value)
        except (TypeError, ValueError):
            return None

    placed = sorted((f for f in forms if position(f) is not None), key=position)
    return placed + [f for f in forms if position(f) is None]


def change_form_problems(form, inline_admin_formsets) -> list[Problem]:
    """Everything wrong on a change form: the model's own form, then each inline."""
    problems = form_problems(form)
    for inline_admin_formset in inline_admin_formsets:
        sort_field = getattr(inline_admin_formset.opts, "sortable_field_name", "")
        problems += formset_problems(inline_admin_formset.formset, sort_field)
    return problems


class ErrorSummaryAdminMixin:
    """A ModelAdmin whose change form lists every problem at its top, each linked to its
    field (its template includes admin/lessons/_error_summary.html in `form_top`)."""

    def render_change_form(self, request, context, *args, **kwargs):
        if context.get("errors"):
            problems = change_form_problems(
                context["adminform"].form, context.get("inline_admin_formsets", [])
            )
            if problems:
                context["error_summary"] = problems
                # The summary says what the banner said, and where: the banner goes.
                context["errors"] = None
        return super().render_change_form(request, context, *args, **kwargs)
