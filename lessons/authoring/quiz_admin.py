"""Editors' admin for quizzes: one page with every question and its choices (nested
inlines, sorted by drag or arrows), the section picked from the lesson's headings, the
importer's well-formedness rules beside the field they concern, revisions, and a preview
drawn by the learner's own quiz template."""

import nested_admin
import reversion
from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from reversion.models import Revision

from lessons.authoring import revisions
from lessons.authoring.error_summary import ErrorSummaryAdminMixin
from lessons.authoring.revision_admin import RevisionAdminMixin
from lessons.kernel.particles import resolve_particles
from lessons.kernel.web import BoundedPrefillAdminMixin, parse_id
from lessons.models import AttemptAnswer, Choice, Lesson, Question, Quiz
from lessons.quizzes.fieldsets import fieldsets
from lessons.quizzes.rules import question_problems
from lessons.quizzes.views import present_questions


def section_choices(lesson: Lesson | None, stored: str = "") -> list[tuple[str, str]]:
    """The lesson's headings as (anchor, label); a stored anchor that the body no longer has
    stays selectable, flagged, so that saving the question does not silently drop it."""
    toc = lesson.toc if lesson else []
    choices = [("", gettext("— no section —"))]
    choices += [(entry["id"], "— " * (entry["level"] - 2) + entry["name"]) for entry in toc]
    if stored and stored not in {entry["id"] for entry in toc}:
        choices.append(
            (stored, gettext("#%(anchor)s (missing from the lesson)") % {"anchor": stored})
        )
    return choices


class AnsweredRowsFormSet(nested_admin.NestedInlineFormSet):
    """Refuses to delete a row that learners' past answers refer to: their attempts keep
    showing what they answered."""

    answered_message = ""

    def answered_ids(self) -> set[int]:
        raise NotImplementedError

    def clean(self) -> None:
        super().clean()
        deleted = [form for form in self.deleted_forms if form.instance.pk]
        if deleted and self.answered_ids() & {form.instance.pk for form in deleted}:
            raise forms.ValidationError(self.answered_message)


class ChoiceFormSet(AnsweredRowsFormSet):
    answered_message = _(
        "Learners have chosen this choice in past attempts, so it cannot be deleted: "
        "change its text or mark it wrong instead."
    )

    def answered_ids(self) -> set[int]:
        chosen = AttemptAnswer.choices.through.objects.filter(choice__question=self.instance)
        return set(chosen.values_list("choice_id", flat=True))

    def clean(self) -> None:
        super().clean()
        parent = getattr(self, "parent_form", None)
        if parent is not None:
            # On the quiz page the question's own form holds the kind being posted.
            parent.is_valid()
            deleted = parent.cleaned_data.get("DELETE")
            if deleted or (parent.empty_permitted and not parent.has_changed()):
                return
        question = self.instance
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problems = question_problems(
            question.kind,
            choice_count=len(kept),
            correct_count=sum(bool(data.get("is_correct")) for data in kept),
            # The accepted answers are the question form's to check, beside their field.
            answer_count=1,
        )
        if problems:
            raise forms.ValidationError(problems)

    def save(self, commit=True):
        parent = getattr(self, "parent_form", None)
        if parent is not None and parent.cleaned_data.get("DELETE"):
            # The question went with its choices; saving them again would bring them back.
            self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
            return []
        return super().save(commit)


class QuestionForm(forms.ModelForm):
    section = forms.ChoiceField(label=_("lesson section"), required=False)

    class Meta:
        model = Question
        fields = [
            "kind", "prompt", "accepted_answers", "explanation", "section", "domain", "position",
        ]  # fmt: skip
        widgets = {
            "prompt": forms.Textarea(attrs={"rows": 2}),
            "explanation": forms.Textarea(attrs={"rows": 2}),
            "accepted_answers": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"section": _("The lesson heading this question tests.")}

    lesson: Lesson | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lesson = self.lesson
        if lesson is None and self.instance.quiz_id:
            lesson = self.instance.quiz.lesson
        self.fields["section"].choices = section_choices(lesson, self.instance.section)
        self.fields["section"].help_text = _("The lesson heading this question tests.")

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") == Question.Kind.SHORT and not data.get("accepted_answers", "").strip():
            self.add_error(
                "accepted_answers",
                _("A short-answer question needs at least one accepted answer."),
            )
        return data


class QuestionFormSet(AnsweredRowsFormSet):
    answered_message = _(
        "Learners have answered this question in past attempts, so it cannot be deleted: "
        "change it instead."
    )

    def answered_ids(self) -> set[int]:
        answered = AttemptAnswer.objects.filter(question__quiz=self.instance)
        return set(answered.values_list("question_id", flat=True))

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


class ChoiceInline(nested_admin.NestedTabularInline):
    model = Choice
    formset = ChoiceFormSet
    extra = 0
    fields = ["text", "is_correct", "position"]
    sortable_field_name = "position"
    classes = ["quiz-choices"]


class QuestionInline(nested_admin.NestedStackedInline):
    model = Question
    form = QuestionForm
    formset = QuestionFormSet
    inlines = [ChoiceInline]
    extra = 0
    sortable_field_name = "position"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("kind", "section", "domain", "position"),
                    "prompt",
                    ("accepted_answers", "explanation"),
                ]
            },
        ),
    ]
    classes = ["quiz-questions"]

    def get_formset(self, request, obj=None, **kwargs):
        lesson = obj.lesson if obj else _posted_lesson(request)
        kwargs["form"] = type("QuestionForm", (self.form,), {"lesson": lesson})
        return super().get_formset(request, obj, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("quiz__lesson")


def _posted_lesson(request: HttpRequest) -> Lesson | None:
    """On the add page: the lesson chosen in the form (or named in the address)."""
    lesson_id = parse_id(request.POST.get("lesson") or request.GET.get("lesson"))
    if lesson_id is None:
        return None
    return Lesson.objects.filter(pk=lesson_id).first()


@admin.register(Question)
class QuestionAdmin(
    ErrorSummaryAdminMixin, BoundedPrefillAdminMixin, nested_admin.NestedModelAdmin
):
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

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A question saved on its own page is a change to its quiz: the quiz's history
        keeps it, like a save of the quiz page."""
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        question = Question.objects.select_related("quiz").filter(pk=object_id).first()
        if question is not None and self.has_change_permission(request, question):
            revisions.record_baseline(question.quiz, request.user)
        with reversion.create_revision():
            reversion.set_user(request.user)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if reversion.is_active():
            reversion.set_comment(
                resolve_particles(
                    gettext("Question “%(question)s” saved on its own page.")
                    % {"question": form.instance}
                )
            )
            reversion.add_to_revision(form.instance.quiz)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        quiz_id = parse_id(request.POST.get("quiz")) or (obj.quiz_id if obj else None)
        quiz = Quiz.objects.select_related("lesson").filter(pk=quiz_id).first() if quiz_id else None
        return type("QuestionForm", (form,), {"lesson": quiz.lesson if quiz else None})


@admin.register(Quiz)
class QuizAdmin(
    ErrorSummaryAdminMixin,
    BoundedPrefillAdminMixin,
    RevisionAdminMixin,
    nested_admin.NestedModelAdmin,
):
    inlines = [QuestionInline]
    list_display = ["lesson", "pass_mark", "marks_done", "preview_link"]
    list_select_related = ["lesson"]
    search_fields = ["lesson__title"]
    readonly_fields = ["preview_link"]
    fields = [("lesson", "pass_mark", "marks_done"), "preview_link"]

    class Media:
        css = {"all": ["css/admin-quiz.css"]}
        js = ["js/admin-quiz.js"]

    @admin.display(description=_("preview"))
    def preview_link(self, quiz: Quiz) -> str:
        if not quiz.pk:
            return gettext("Save the quiz to see it as a learner does.")
        url = reverse("admin:lessons_quiz_preview", args=[quiz.pk])
        return format_html('<a href="{}">{}</a>', url, _("See it as a learner does"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lesson")

    def get_urls(self):
        preview = self.admin_site.admin_view(require_GET(self.preview))
        return [
            path("<int:quiz_id>/preview/", preview, name="lessons_quiz_preview"),
            *super().get_urls(),
        ]

    def preview(self, request, quiz_id: int) -> TemplateResponse:
        """The learner's quiz page, drawn by the learner's template, that submits nothing."""
        quiz = get_object_or_404(Quiz.objects.select_related("lesson__category"), pk=quiz_id)
        if not self.has_view_or_change_permission(request, quiz):
            raise PermissionDenied
        questions = list(quiz.questions.prefetch_related("choices"))
        items = present_questions(questions, "preview", "preview")
        context = {
            "quiz": quiz,
            "lesson": quiz.lesson,
            "questions": items,
            "question_fieldsets": fieldsets(items),
            "form_token": "",
            "preview": True,
            "change_url": reverse("admin:lessons_quiz_change", args=[quiz.pk]),
            "attempts": [],
            "best": None,
        }
        return TemplateResponse(request, "lessons/quiz.html", context)

    def restore_revision(self, obj: Quiz, revision: Revision, user) -> str:
        outcome = revisions.restore_quiz(obj, revision, user)
        message = gettext("The quiz, its questions and choices are back as they were.")
        if outcome.kept_questions or outcome.kept_choices:
            message += " " + gettext(
                "Kept %(questions)d question(s) and %(choices)d choice(s) added since, "
                "because learners have answered them."
            ) % {"questions": outcome.kept_questions, "choices": outcome.kept_choices}
        return message
