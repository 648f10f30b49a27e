"""Editors' admin for exams: the exam and its weighted domains on one page, refused
unless the weights add up to 100."""

from django import forms
from django.contrib import admin
from django.forms.fields import InvalidJSONInput
from django.utils.translation import gettext_lazy as _

from lessons.exams.tasks.checker import rule_problem
from lessons.kernel.web import BoundedPrefillAdminMixin
from lessons.models import Domain, Exam, Task
from lessons.models.exams import weight_problem


class DomainFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if any(data.get("weight") is None for data in kept):
            return  # the field's own error is shown beside it
        problem = weight_problem([data["weight"] for data in kept])
        if problem:
            raise forms.ValidationError(problem, code="weights")


class DomainInline(admin.TabularInline):
    model = Domain
    formset = DomainFormSet
    extra = 1
    fields = ["name", "slug", "weight", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Exam)
class ExamAdmin(BoundedPrefillAdminMixin, admin.ModelAdmin):
    inlines = [DomainInline]
    list_display = [
        "name",
        "slug",
        "duration_minutes",
        "pass_mark",
        "questions_per_sitting",
        "sittings_per_day",
    ]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        "name",
        "slug",
        "duration_minutes",
        "pass_mark",
        "questions_per_sitting",
        "sittings_per_day",
        "kubernetes_version",
        "position",
    ]


class RulesField(forms.JSONField):
    """JSON that Python cannot read as numbers (a 5,000-digit integer passes the JSON
    grammar but not int()) is invalid input, not a server error."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValueError as error:
            if isinstance(error, forms.ValidationError):
                raise
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error

    def bound_data(self, data, initial):
        # Shown again as typed when the form comes back with its errors.
        try:
            return super().bound_data(data, initial)
        except ValueError:
            return InvalidJSONInput(data)


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        field_classes = {"rules": RulesField}
        fields = [
            "lesson", "position", "title", "domain", "section", "kind", "prompt", "starting",
            "rules",
        ]  # fmt: skip

    def clean_rules(self):
        rules = self.cleaned_data["rules"]
        if not isinstance(rules, list) or not rules:
            raise forms.ValidationError(_("Write the rules as a non-empty list."))
        for number, rule in enumerate(rules, start=1):
            problem = rule_problem(rule)
            if problem:
                raise forms.ValidationError(
                    _("Rule %(number)d: %(problem)s") % {"number": number, "problem": problem}
                )
        return rules


@admin.register(Task)
class TaskAdmin(BoundedPrefillAdminMixin, admin.ModelAdmin):
    """Hands-on tasks, each under its lesson; the rules are the README's format as JSON."""

    form = TaskForm
    list_display = ["title", "lesson", "position", "domain", "kind"]
    list_filter = ["domain"]
    search_fields = ["title", "lesson__title"]
    autocomplete_fields = ["lesson"]
