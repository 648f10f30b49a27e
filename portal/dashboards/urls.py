"""The instructor dashboards of a group, under the group's address (/groups/<id>/...).

portal/urls.py includes these with the groups' own URLs under one namespace, "groups",
so that the groups package need not know the dashboards exist.
"""

from django.urls import path

from portal.dashboards import nudging
from portal.dashboards import readiness as readiness_views
from portal.dashboards import views as dashboard_views

urlpatterns = [
    path("<id64:group_id>/dashboard/nudge/", nudging.nudge_behind, name="nudge_behind"),
    path(
        "<id64:group_id>/dashboard/nudge/<id64:user_id>/",
        nudging.nudge_learner,
        name="nudge_learner",
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
