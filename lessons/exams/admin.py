"""Editors' admin for exams: the exam and its weighted domains on one page, refused
unless the weights add up to 100."""

from django import forms
from django.contrib import admin

from lessons.kernel.web import BoundedPrefillAdminMixin
from lessons.models import Domain, Exam
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
