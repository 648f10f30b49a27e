from django.contrib.auth import views as auth_views
from django.urls import path

from portal.accounts import views
from portal.accounts.forms import LogInForm

FORM_PAGE = "registration/form_page.html"
MESSAGE_PAGE = "registration/message_page.html"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", auth_views.LoginView.as_view(authentication_form=LogInForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(template_name=FORM_PAGE),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name=MESSAGE_PAGE),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        views.ThrottledPasswordResetView.as_view(template_name=FORM_PAGE),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name=MESSAGE_PAGE),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.ResetPasswordAndUnlockView.as_view(template_name=FORM_PAGE),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name=MESSAGE_PAGE),
        name="password_reset_complete",
    ),
]
