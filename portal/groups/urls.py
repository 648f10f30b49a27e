from django.urls import path

import lessons.web  # noqa: F401  (registers <id64:…>)
from portal.dashboards import readiness as readiness_views
from portal.dashboards import views as dashboard_views
from portal.groups import views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("new/", views.create, name="create"),
    path("join/", views.join, name="join"),
    path("join/<str:code>/", views.join_link, name="join_link"),
    path("<id64:group_id>/", views.detail, name="detail"),
    path("<id64:group_id>/leave/", views.leave, name="leave"),
    path("<id64:group_id>/manage/", views.manage, name="manage"),
    path("<id64:group_id>/manage/pace/", views.pace_dates, name="pace_dates"),
    path("<id64:group_id>/manage/invite/", views.rotate_invite, name="rotate_invite"),
    path(
        "<id64:group_id>/manage/members/<id64:user_id>/remove/",
        views.remove_member,
        name="remove_member",
    ),
    path("<id64:group_id>/dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("<id64:group_id>/readiness/", readiness_views.group_readiness, name="readiness"),
    path(
        "<id64:group_id>/dashboard/export.csv", dashboard_views.dashboard_csv, name="dashboard_csv"
    ),
    path(
        "<id64:group_id>/dashboard/learners/<id64:user_id>/",
        dashboard_views.learner,
        name="dashboard_learner",
    ),
    path(
        "<id64:group_id>/dashboard/lessons/<id64:lesson_id>/",
        dashboard_views.lesson,
        name="dashboard_lesson",
    ),
]
