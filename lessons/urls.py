from django.urls import path

from lessons.catalog import search_views
from lessons.catalog import views as catalog_views
from lessons.exams import views as exam_views
from lessons.exams.tasks import views as task_views
from lessons.quizzes import views as quiz_views
from lessons.review import views as review_views

app_name = "lessons"

urlpatterns = [
    path("", catalog_views.home, name="home"),
    path("progress/", catalog_views.my_progress, name="my_progress"),
    path("categories/<str:slug>/", catalog_views.category_detail, name="category"),
    path("lessons/<str:slug>/", catalog_views.lesson_detail, name="lesson"),
    path("lessons/<str:slug>/done/", catalog_views.completion, name="completion"),
    path("lessons/<str:slug>/position/", catalog_views.reading_position, name="reading_position"),
    path("lessons/<str:slug>/quiz/", quiz_views.take_quiz, name="quiz"),
    path("lessons/<str:slug>/tasks/<id64:position>/", task_views.task_page, name="task"),
    path(
        "lessons/<str:slug>/quiz/attempts/",
        quiz_views.quiz_attempts,
        name="quiz_attempts",
    ),
    path(
        "lessons/<str:slug>/quiz/attempts/<id64:attempt_id>/",
        quiz_views.quiz_attempt,
        name="quiz_attempt",
    ),
    path("review/", quiz_views.review, name="review"),
    path("review/today/", review_views.review_today, name="review_today"),
    path("search/", search_views.search, name="search"),
    path("exams/<str:slug>/", exam_views.exam_readiness, name="exam"),
    path("exams/<str:slug>/mock/", exam_views.mock_start, name="mock_start"),
    path("exams/<str:slug>/mock/<id64:sitting_id>/", exam_views.mock_sitting, name="mock_sitting"),
    path(
        "exams/<str:slug>/mock/<id64:sitting_id>/<id64:position>/",
        exam_views.mock_question,
        name="mock_question",
    ),
    path(
        "exams/<str:slug>/mock/<id64:sitting_id>/finish/",
        exam_views.mock_finish,
        name="mock_finish",
    ),
]
