"""Editors' admin for quizzes: questions inline, choices inline on each question, the
same well-formedness rules as the importer, and a preview as a learner sees it."""

from django import forms
from django.contrib import admin
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from lessons.models import Choice, Question, Quiz
from lessons.quiz_rules import question_problems
from lessons.views_quiz import present_questions


class ChoiceFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        question = self.instance
        problems = question_problems(
            question.kind,
            choice_count=len(kept),
            correct_count=sum(bool(data.get("is_correct")) for data in kept),
            answer_count=len(question.accepted_answer_list()),
        )
        if problems:
            raise forms.ValidationError(problems)


class QuestionForm(forms.ModelForm):
    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") == Question.Kind.SHORT and not data.get("accepted_answers", "").strip():
            raise forms.ValidationError(
                _("A short-answer question needs at least one accepted answer.")
            )
        return data


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    extra = 2
    fields = ["text", "is_correct", "position"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionForm
    inlines = [ChoiceInline]
    list_display = ["__str__", "quiz", "kind", "position"]
    list_filter = ["kind", "quiz__lesson__category"]
    list_select_related = ["quiz__lesson"]
    search_fields = ["prompt", "explanation"]
    fields = [
        "quiz", "kind", "prompt", "accepted_answers", "explanation", "section", "domain",
        "position",
    ]  # fmt: skip


class InlineQuestionForm(QuestionForm):
    """On the quiz page a question's choices are not on the form, so its kind is checked
    against the choices it already has; choice questions are added on their own page."""

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        if kind and kind != Question.Kind.SHORT:
            choices = list(self.instance.choices.all()) if self.instance.pk else []
            problems = question_problems(
                kind,
                choice_count=len(choices),
                correct_count=sum(c.is_correct for c in choices),
                answer_count=0,
            )
            if problems and not self.instance.pk:
                problems.append(
                    _("Add a choice question from the question page, with its choices.")
                )
            if problems:
                raise forms.ValidationError(problems)
        return data


class QuestionFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not (form.cleaned_data or {}).get("DELETE")
        ]
        if not kept:
            # A learner could submit nothing to score, and no score is out of zero.
            raise forms.ValidationError(_("A quiz needs at least one question."))


class QuestionInline(admin.StackedInline):
    model = Question
    form = InlineQuestionForm
    formset = QuestionFormSet
    extra = 0
    show_change_link = True
    fields = ["kind", "prompt", "accepted_answers", "explanation", "section", "domain", "position"]


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    inlines = [QuestionInline]
    list_display = ["lesson", "pass_mark", "marks_done", "preview_link"]
    list_select_related = ["lesson"]
    search_fields = ["lesson__title"]
    readonly_fields = ["preview_link"]

    @admin.display(description=_("preview"))
    def preview_link(self, quiz: Quiz) -> str:
        if not quiz.pk:
            return "-"
        url = reverse("admin:lessons_quiz_preview", args=[quiz.pk])
        return format_html('<a href="{}">{}</a>', url, _("See it as a learner does"))

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview)
        return [
            path("<int:quiz_id>/preview/", preview, name="lessons_quiz_preview"),
            *super().get_urls(),
        ]

    def preview(self, request, quiz_id: int) -> TemplateResponse:
        quiz = get_object_or_404(Quiz.objects.select_related("lesson"), pk=quiz_id)
        questions = list(quiz.questions.prefetch_related("choices"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Preview: %(lesson)s") % {"lesson": quiz.lesson},
            "quiz": quiz,
            "questions": present_questions(questions, "preview", "preview"),
        }
        return TemplateResponse(request, "admin/lessons/quiz_preview.html", context)
