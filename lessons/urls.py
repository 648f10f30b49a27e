from django.urls import path

from lessons import views

app_name = "lessons"

urlpatterns = [
    path("", views.home, name="home"),
    path("progress/", views.my_progress, name="my_progress"),
    path("categories/<str:slug>/", views.category_detail, name="category"),
    path("lessons/<str:slug>/", views.lesson_detail, name="lesson"),
    path("lessons/<str:slug>/done/", views.completion, name="completion"),
    path("lessons/<str:slug>/position/", views.reading_position, name="reading_position"),
]
