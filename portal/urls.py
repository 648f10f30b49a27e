from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from lessons.content import image_views as views_images
from portal import floors, health, views
from portal.dashboards import urls as dashboard_urls
from portal.discussions import urls as discussion_urls
from portal.groups import urls as group_urls
from portal.notifications import views as notification_views

urlpatterns = [
    path("favicon.ico", views.favicon),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("i18n/setlang/", notification_views.set_language, name="set_language"),
    path("accounts/", notification_views.account, name="account"),
    path("accounts/", include("portal.accounts.urls")),
    path("calendar/", include("portal.calendars.urls")),
    path("admin/", admin.site.urls),
    path("_nested_admin/", include("nested_admin.urls")),
    # One namespace for a group's pages and its dashboards: {% url "groups:dashboard" %}.
    path(
        "groups/",
        include(
            (
                group_urls.urlpatterns + dashboard_urls.urlpatterns + discussion_urls.urlpatterns,
                "groups",
            )
        ),
    ),
    path("notifications/", include("portal.notifications.urls")),
    path("", include("lessons.urls")),
]

if settings.MEDIA_URL.startswith("/"):
    # Lesson images kept on the local disk; a storage with its own address (S3) serves them.
    urlpatterns.insert(
        0,
        path(
            f"{settings.MEDIA_URL.lstrip('/')}lesson-images/<str:name>",
            views_images.serve_image,
            name="lesson_image",
        ),
    )

if settings.BENCH_FLOORS:
    urlpatterns = [
        path("bench/trivial/", floors.trivial),
        path("bench/lesson/<str:slug>/", floors.lesson_essentials),
        path("bench/lean/<str:slug>/", floors.lean_lesson),
        *urlpatterns,
    ]
