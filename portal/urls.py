from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from portal import floors, health, views

urlpatterns = [
    path("favicon.ico", views.favicon),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("portal.accounts.urls")),
    path("admin/", admin.site.urls),
    path("groups/", include("portal.groups.urls")),
    path("", include("lessons.urls")),
]

if settings.BENCH_FLOORS:
    urlpatterns = [
        path("bench/trivial/", floors.trivial),
        path("bench/lesson/<str:slug>/", floors.lesson_essentials),
        path("bench/lean/<str:slug>/", floors.lean_lesson),
        *urlpatterns,
    ]
