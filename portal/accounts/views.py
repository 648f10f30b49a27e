"""Account pages the portal adds to Django's own: sign-up, the lock-out page, a password
reset request that is throttled, and a password reset that also lifts a lock-out."""

from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import PasswordResetConfirmView, PasswordResetView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from lessons.kernel.web import HtmxHttpRequest
from portal.accounts.forms import SignUpForm
from portal.accounts.reset_limits import check_and_count_reset


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


class ThrottledPasswordResetView(PasswordResetView):
    """Django's reset request, refused for a while once an address or a client has asked
    too often (portal/accounts/reset_limits.py); the message is the same whether or not
    an account has the address."""

    def form_valid(self, form):
        if not check_and_count_reset(self.request, form.cleaned_data["email"]):
            form.add_error(
                None,
                _(
                    "Too many password reset requests for this address or from this "
                    "network. Please wait %(minutes)d minutes and try again; a mail "
                    "already sent stays valid."
                )
                % {"minutes": settings.PASSWORD_RESET_WINDOW_MINUTES},
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)
