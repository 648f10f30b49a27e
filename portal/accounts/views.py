"""Account pages the portal adds to Django's own: sign-up, the account page (mail
preferences), the lock-out page, and a password reset that also lifts a lock-out."""

from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lessons import web
from lessons.web import HtmxHttpRequest
from portal.accounts.forms import SignUpForm
from portal.notifications import preferences
from portal.notifications.forms import PreferencesForm, zone_suggestions


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


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HtmxHttpRequest) -> HttpResponse:
    """The account page: the person's mail preferences (reminders, hour, days, time zone,
    language, the digest for instructors, nudges) and links to their password."""
    chosen = preferences.for_user(request.user)
    form = PreferencesForm(
        request.POST or None,
        initial=PreferencesForm.initial_from(chosen),
        instructs=chosen.instructs,
    )
    context = {"form": form, "zones": zone_suggestions()}
    if request.method == "POST":
        if not form.is_valid():
            return web.invalid_form(
                request, "registration/account.html", "preferences", context, "#preferences"
            )
        form.save(request.user)
        messages.success(request, _("Your mail preferences are saved."))
        return redirect("account")
    return render(request, "registration/account.html", context)


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
