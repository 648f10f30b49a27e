from django.urls import path

from portal.calendars import views

app_name = "calendars"

urlpatterns = [
    path("", views.calendar_page, name="page"),
    path("new/", views.regenerate, name="regenerate"),
    path("revoke/", views.revoke, name="revoke"),
    path("<str:token>.ics", views.feed, name="feed"),
]
