"""The forms of a group's questions: asking, answering, editing, hiding."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models.discussions import BODY_MAX, HIDDEN_REASON_MAX, TITLE_MAX

BODY_HELP = _(
    "Markdown: **bold**, `code`, lists, links and code blocks between ``` lines. "
    "Pictures and HTML are not shown."
)


class BodyField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label=kwargs.pop("label", _("Text")),
            max_length=BODY_MAX,
            help_text=BODY_HELP,
            widget=forms.Textarea(attrs={"rows": 6}),
            error_messages={
                "required": _("Write something first."),
                "max_length": _("Keep it under %(limit_value)d characters (now %(show_value)d)."),
            },
            **kwargs,
        )


class QuestionForm(forms.Form):
    group = forms.TypedChoiceField(label=_("Ask which group"), coerce=int)
    section = forms.ChoiceField(label=_("About which part"), required=False)
    title = forms.CharField(
        label=_("Question in one line"),
        max_length=TITLE_MAX,
        error_messages={"required": _("Give the question a title.")},
    )
    body = BodyField(label=_("Details"))
    quiz_question = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, groups, toc, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [(group.pk, group.name) for group in groups]
        if len(groups) == 1:
            self.fields["group"].widget = forms.HiddenInput()
        self.fields["section"].choices = [("", _("The lesson as a whole"))] + [
            (entry["id"], ("— " if entry["level"] > 2 else "") + entry["name"]) for entry in toc
        ]


class EditQuestionForm(forms.Form):
    title = QuestionForm.base_fields["title"]
    body = BodyField(label=_("Details"))


class AnswerForm(forms.Form):
    body = BodyField()


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the author sees it)"),
        max_length=HIDDEN_REASON_MAX,
        error_messages={"required": _("Say why, so that the author knows.")},
    )
