"""Sign-up form: a username, a display name and a password checked by the validators; and
the log-in form, which refuses a username longer than any account's."""

from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.validators import MaxLengthValidator

from portal.models import User


class SignUpForm(UserCreationForm):
    class Meta:
        model = User
        fields = ["username", "display_name", "email"]


class LogInForm(AuthenticationForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Django sets only the input's maxlength here. A longer name matches no account,
        # and tried anyway it reached the failed-login record (255 characters) and broke
        # it on PostgreSQL (found by tests/portal/test_fuzz_forms.py).
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
