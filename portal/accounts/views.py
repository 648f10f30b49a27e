"""Account pages the portal adds to Django's own: sign-up, the lock-out page, and a
password reset that also lifts a lock-out."""

from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from lessons.kernel.web import HtmxHttpRequest
from portal.accounts.forms import SignUpForm


def signup(request: HtmxHttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = ""
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Welcome, %(name)s! Start with a lesson below; your progress is saved as you go.")
            % {"name": user},
        )
        return redirect(next_url or "lessons:home")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


def locked_out(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Shown after too many failed logins (django-axes' lock-out callable)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


class ResetPasswordAndUnlockView(PasswordResetConfirmView):
    """Choosing a new password through the emailed link proves who the learner is, so it
    also clears the failed logins against this account, and only those: failures against
    other usernames from the same address stay counted."""

    def form_valid(self, form):
        response = super().form_valid(form)
        reset_login_failures(username=form.user.get_username())
        return response
