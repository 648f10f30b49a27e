"""Forms for running a group (its settings and pace) and for joining one with a code."""

import re
import secrets
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from lessons.models import Category
from portal.groups.membership import group_for_invite_code
from portal.groups.pace import EARLIEST_DATE, LATEST_DATE, validate_pace_date
from portal.model_choices import ModelMultipleChoiceField
from portal.models import StudyGroup

TOKEN = re.compile(r"[0-9a-f]{32}")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None, **kwargs) -> None:
        bounds = {"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()}
        super().__init__(attrs=bounds | (attrs or {}), **kwargs)


class GroupForm(forms.ModelForm):
    class Meta:
        model = StudyGroup
        fields = ["name", "description", "categories", "pace", "pace_start", "lessons_per_week"]
        field_classes = {"categories": ModelMultipleChoiceField}
        widgets = {
            "categories": forms.CheckboxSelectMultiple,
            "pace": forms.RadioSelect,
            "pace_start": DateInput,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "pace_start": _("For a weekly pace: the first day of the first week."),
            "lessons_per_week": _("For a weekly pace: how many lessons are due each week."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = Category.objects.all()
        self.fields["lessons_per_week"].widget.attrs.update(min=1, max=100)
        self.fields["pace_start"].validators.append(validate_pace_date)

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("pace") == StudyGroup.Pace.WEEKLY:
            if not cleaned.get("pace_start"):
                self.add_error("pace_start", _("A weekly pace needs a start date."))
            if not cleaned.get("lessons_per_week"):
                self.add_error("lessons_per_week", _("A weekly pace needs at least one lesson."))
        return cleaned


class NewGroupForm(GroupForm):
    """A new group's form, with the one-time token that makes a second post of the same
    form find the group the first one made (membership.create_group)."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form_token"].initial = secrets.token_hex(16)

    def clean(self) -> dict:
        cleaned = super().clean()
        if not TOKEN.fullmatch(cleaned.get("form_token") or ""):
            # A form from before tokens, or a hand-made post: show it again, with a token.
            self.data = self.data.copy()
            self.data["form_token"] = self.fields["form_token"].initial
            self.add_error(None, _("This form has expired. Check the values and submit it again."))
        return cleaned


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Invite code or link"),
        max_length=300,
        help_text=_("Paste the link your instructor shared, or type its code."),
    )

    def clean_code(self) -> str:
        self.group = group_for_invite_code(self.cleaned_data["code"])
        if self.group is None:
            raise forms.ValidationError(
                _(
                    "No group has this invite code. It may have been mistyped, or the "
                    "instructor may have replaced it with a new one."
                ),
                code="unknown",
            )
        return self.cleaned_data["code"]


class PaceDatesForm(forms.Form):
    """One optional target date per lesson of the group's scope."""

    def __init__(self, *args, lessons: list, initial_dates: dict[int, date], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lessons = lessons
        for lesson in lessons:
            self.fields[f"lesson_{lesson.id}"] = forms.DateField(
                label=lesson.title,
                required=False,
                widget=DateInput,
                validators=[validate_pace_date],
                initial=initial_dates.get(lesson.id),
            )

    def dates(self) -> dict[int, date | None]:
        return {lesson.id: self.cleaned_data[f"lesson_{lesson.id}"] for lesson in self.lessons}
