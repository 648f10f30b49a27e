"""Sign-up form: a username, a display name and a password checked by the validators."""

from django.contrib.auth.forms import UserCreationForm

from portal.models import User


class SignUpForm(UserCreationForm):
    class Meta:
        model = User
        fields = ["username", "display_name", "email"]
