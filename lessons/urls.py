from django.urls import path

import lessons.web  # noqa: F401  (registers <id64:…>)
from lessons import views, views_exam, views_quiz, views_review, views_search

app_name = "lessons"

urlpatterns = [
    path("", views.home, name="home"),
    path("progress/", views.my_progress, name="my_progress"),
    path("categories/<str:slug>/", views.category_detail, name="category"),
    path("lessons/<str:slug>/", views.lesson_detail, name="lesson"),
    path("lessons/<str:slug>/done/", views.completion, name="completion"),
    path("lessons/<str:slug>/position/", views.reading_position, name="reading_position"),
    path("lessons/<str:slug>/quiz/", views_quiz.take_quiz, name="quiz"),
    path(
        "lessons/<str:slug>/quiz/attempts/<id64:attempt_id>/",
        views_quiz.quiz_attempt,
        name="quiz_attempt",
    ),
    path("review/", views_quiz.review, name="review"),
    path("review/today/", views_review.review_today, name="review_today"),
    path("search/", views_search.search, name="search"),
    path("exams/<str:slug>/", views_exam.exam_readiness, name="exam"),
    path("exams/<str:slug>/mock/", views_exam.mock_start, name="mock_start"),
    path("exams/<str:slug>/mock/<id64:sitting_id>/", views_exam.mock_sitting, name="mock_sitting"),
    path(
        "exams/<str:slug>/mock/<id64:sitting_id>/<id64:position>/",
        views_exam.mock_question,
        name="mock_question",
    ),
    path(
        "exams/<str:slug>/mock/<id64:sitting_id>/finish/",
        views_exam.mock_finish,
        name="mock_finish",
    ),
]
