from django.urls import path

from portal.groups import views

# Included with the dashboards' URLs under one namespace, "groups" (portal/urls.py).

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
]
