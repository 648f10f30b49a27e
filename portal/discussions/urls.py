"""A group's questions, under the group's address (/groups/<id>/questions/...); mounted
with the groups' own URLs under the one "groups" namespace (portal/urls.py)."""

from django.urls import path

from portal.discussions import views

Q = "<id64:group_id>/questions/<id64:question_id>/"
A = Q + "answers/<id64:answer_id>/"

urlpatterns = [
    path("questions/ask/<str:slug>/", views.ask, name="ask"),
    path("<id64:group_id>/questions/", views.group_questions, name="questions"),
    path(Q, views.question, name="question"),
    path(Q + "answers/", views.answer, name="answer"),
    path(Q + "accept/", views.accept, name="accept"),
    path(Q + "follow/", views.follow, name="follow"),
    path(Q + "edit/", views.edit, name="edit_question"),
    path(Q + "delete/", views.delete, name="delete_question"),
    path(Q + "hide/", views.hide, name="hide_question"),
    path(A + "edit/", views.edit, name="edit_answer"),
    path(A + "delete/", views.delete, name="delete_answer"),
    path(A + "hide/", views.hide, name="hide_answer"),
]
