"""What is learned (categories, lessons, quizzes) and each learner's record of it."""

from lessons.models.content import Category, Lesson, LessonQuerySet, visible_now
from lessons.models.exams import Domain, Exam, MockSitting, SittingQuestion
from lessons.models.feeds import FeedSource
from lessons.models.progress import Completion, ReadingPosition
from lessons.models.quiz import (
    AttemptAnswer,
    Choice,
    Question,
    Quiz,
    QuizAttempt,
    Review,
    normalize_answer,
)
from lessons.models.review import ReviewItem
from lessons.models.tasks import Task, TaskAttempt

__all__ = [
    "AttemptAnswer",
    "Category",
    "Choice",
    "Completion",
    "Domain",
    "Exam",
    "FeedSource",
    "Lesson",
    "LessonQuerySet",
    "MockSitting",
    "Question",
    "Quiz",
    "QuizAttempt",
    "ReadingPosition",
    "Review",
    "ReviewItem",
    "SittingQuestion",
    "Task",
    "TaskAttempt",
    "normalize_answer",
    "visible_now",
]
