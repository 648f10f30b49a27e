"""The mail preferences form of the account page."""

from datetime import time

from django import forms
from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from portal.models import NotificationPreference
from portal.models.notifications import EVERY_DAY, time_zone_names, validate_time_zone
from portal.notifications.preferences import Preferences

WEEKDAYS = [
    ("0", _("Monday")),
    ("1", _("Tuesday")),
    ("2", _("Wednesday")),
    ("3", _("Thursday")),
    ("4", _("Friday")),
    ("5", _("Saturday")),
    ("6", _("Sunday")),
]
# The zones most learners pick come first; any IANA name is accepted.
COMMON_ZONES = ["Asia/Seoul", "Asia/Tokyo", "UTC", "Europe/London", "America/New_York"]


def hour_choices() -> list[tuple[str, str]]:
    """The hours of the day as the UI's language writes a time ("오후 8:00", "8:00 p.m.")."""
    return [(str(hour), formats.time_format(time(hour), "TIME_FORMAT")) for hour in range(24)]


class PreferencesForm(forms.Form):
    reminders = forms.BooleanField(
        label=_("Send me an evening reminder when something is due"), required=False
    )
    hour = forms.TypedChoiceField(
        label=_("At"),
        coerce=int,
        choices=hour_choices,
        help_text=_("In your time zone. A change applies from the next reminder."),
    )
    days = forms.MultipleChoiceField(
        label=_("On"),
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        help_text=_("A name such as Asia/Seoul or America/New_York."),
        validators=[validate_time_zone],
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )
    language = forms.ChoiceField(label=_("Language of the mails"), choices=settings.LANGUAGES)
    digest = forms.BooleanField(
        label=_("Send me a weekly digest of my groups (Mondays)"), required=False
    )
    nudges = forms.BooleanField(
        label=_("Let my instructors send me a nudge by mail"), required=False
    )
    answers = forms.ChoiceField(
        label=_("New answers to group questions I follow"),
        choices=NotificationPreference._meta.get_field("answers").choices,
        widget=forms.RadioSelect,
        required=False,  # left out: the choice stays as it was
    )

    def __init__(self, *args, instructs: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not instructs:
            del self.fields["digest"]
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.label_suffix = ""  # a sentence after its box, not a heading

    def clean_time_zone(self) -> str:
        return self.cleaned_data["time_zone"].strip()

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("reminders") and not cleaned.get("days"):
            self.add_error("days", _("Choose at least one day, or turn reminders off."))
        return cleaned

    @staticmethod
    def initial_from(chosen: Preferences) -> dict:
        return {
            "reminders": chosen.reminders,
            "hour": str(chosen.hour),
            "days": [str(day) for day in range(7) if chosen.on_weekday(day)],
            "time_zone": chosen.time_zone,
            "language": chosen.language,
            "digest": chosen.digest,
            "nudges": chosen.nudges,
            "answers": chosen.answers,
        }

    def save(self, user) -> NotificationPreference:
        data = self.cleaned_data
        days = data["days"] or [str(day) for day in range(7)]
        # A box left as it was shown keeps its earlier choice, or none: a learner who saved
        # their time zone before joining a group with a pace still gets its reminders.
        before = NotificationPreference.objects.filter(user=user).values("reminders", "digest")
        before = before.first() or {"reminders": None, "digest": None}
        values = {
            "reminders": data["reminders"]
            if "reminders" in self.changed_data
            else before["reminders"],
            "hour": data["hour"],
            "weekdays": sum(1 << int(day) for day in days) & EVERY_DAY,
            "time_zone": data["time_zone"],
            "language": data["language"],
            "nudges": data["nudges"],
        }
        if data.get("answers"):
            values["answers"] = data["answers"]
        if "digest" in self.changed_data:
            values["digest"] = data["digest"]
        row, _ = NotificationPreference.objects.update_or_create(user=user, defaults=values)
        return row


def zone_suggestions() -> list[str]:
    return COMMON_ZONES + sorted(time_zone_names() - set(COMMON_ZONES))
