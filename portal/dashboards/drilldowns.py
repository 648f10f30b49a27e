"""Drill-downs from the dashboard: one learner (timeline, scores per quiz), one lesson (its
learners, per-question share correct, the most chosen wrong answer), and the questions that
trip the whole group up. Each is a fixed number of grouped queries."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, FloatField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast

from lessons.kernel.numbers import passes, percent, rounded, score_percent
from lessons.models import AttemptAnswer, Choice, Completion, Lesson, Question, Quiz, QuizAttempt


@dataclass(frozen=True)
class Event:
    at: datetime
    lesson_id: int
    lesson_title: str
    kind: str  # "completion" or "attempt"
    score: int | None = None
    max_score: int | None = None
    passed: bool | None = None

    @property
    def percent(self) -> int | None:
        return percent(self.score, self.max_score) if self.max_score else None


def learner_timeline(user_id: int, scope: QuerySet[Lesson], limit: int = 100) -> list[Event]:
    """The learner's completions and quiz attempts on the group's lessons, newest first."""
    completions = (
        Completion.objects.filter(user_id=user_id, lesson_id__in=scope.values("pk"))
        .order_by("-completed_at")
        .values_list("completed_at", "lesson_id", "lesson__title")[:limit]
    )
    attempts = (
        QuizAttempt.objects.filter(user_id=user_id, quiz__lesson_id__in=scope.values("pk"))
        .order_by("-submitted_at", "-id")
        .values_list(
            "submitted_at", "quiz__lesson_id", "quiz__lesson__title", "score", "max_score", "passed"
        )[:limit]
    )
    events = [Event(at, lesson_id, title, "completion") for at, lesson_id, title in completions]
    events += [
        Event(at, lesson_id, title, "attempt", score, max_score, passed)
        for at, lesson_id, title, score, max_score, passed in attempts
    ]
    return sorted(events, key=lambda event: event.at, reverse=True)[:limit]


@dataclass(frozen=True)
class QuizScores:
    lesson_id: int
    lesson_title: str
    pass_mark: int
    attempts: int
    best: int | None
    latest: int | None
    last_at: datetime | None

    @property
    def passed(self) -> bool | None:
        return None if self.best is None else passes(self.best, self.pass_mark)


def learner_quiz_scores(user_id: int, scope: QuerySet[Lesson]) -> list[QuizScores]:
    """For each quiz of the group's lessons: the learner's attempts, best and latest score."""
    mine = Q(attempts__user_id=user_id, attempts__max_score__gt=0)
    latest = (
        QuizAttempt.objects.filter(user_id=user_id, quiz=OuterRef("pk"), max_score__gt=0)
        .order_by("-submitted_at", "-id")
        .annotate(percent=score_percent())
        .values("percent")[:1]
    )
    rows = (
        Quiz.objects.filter(lesson_id__in=scope.values("pk"))
        .annotate(
            n=Count("attempts", filter=mine),
            best=Max(score_percent("attempts__"), filter=mine, output_field=FloatField()),
            last_at=Max("attempts__submitted_at", filter=mine),
            latest=Subquery(latest, output_field=FloatField()),
        )
        .order_by("lesson__category__position", "lesson__position", "lesson_id")
        .values_list("lesson_id", "lesson__title", "pass_mark", "n", "best", "latest", "last_at")
    )
    return [
        QuizScores(
            lesson_id=lesson_id,
            lesson_title=title,
            pass_mark=pass_mark,
            attempts=n,
            best=None if best is None else rounded(best),
            latest=None if latest is None else rounded(latest),
            last_at=last_at,
        )
        for lesson_id, title, pass_mark, n, best, latest, last_at in rows
    ]


@dataclass(frozen=True)
class LessonLearner:
    user_id: int
    name: str
    done_at: datetime | None
    attempts: int
    best: float | None  # unrounded, so that averages of it agree with the dashboard's

    @property
    def score(self) -> int | None:
        return None if self.best is None else rounded(self.best)


def lesson_learners(learners: QuerySet, lesson: Lesson) -> list[LessonLearner]:
    """Each learner of the group on this lesson: when done, attempts, best score."""
    done_at = Completion.objects.filter(user_id=OuterRef("user_id"), lesson=lesson).values(
        "completed_at"
    )[:1]
    theirs = QuizAttempt.objects.filter(
        user_id=OuterRef("user_id"), quiz__lesson=lesson, max_score__gt=0
    ).order_by()
    attempts = theirs.values("user_id").annotate(n=Count("id")).values("n")
    best = theirs.values("user_id").annotate(best=Max(score_percent())).values("best")
    rows = (
        learners.annotate(
            done_at=Subquery(done_at),
            attempts=Subquery(attempts),
            best=Subquery(best, output_field=FloatField()),
        )
        .order_by("user__username")
        .values_list(
            "user_id", "user__username", "user__display_name", "done_at", "attempts", "best"
        )
    )
    people = [
        LessonLearner(
            user_id=user_id,
            name=display_name or username,
            done_at=done_at,
            attempts=attempts or 0,
            best=best,
        )
        for user_id, username, display_name, done_at, attempts, best in rows
    ]
    return sorted(people, key=lambda person: person.name.casefold())


@dataclass(frozen=True)
class QuestionStats:
    question_id: int
    prompt_html: str
    lesson_id: int
    lesson_title: str
    answers: int
    correct: int
    top_wrong: str = ""
    top_wrong_count: int = 0

    @property
    def share_correct(self) -> int | None:
        return percent(self.correct, self.answers) if self.answers else None


def question_stats(quiz: Quiz, learners: QuerySet) -> list[QuestionStats]:
    """Per question of the quiz, over every attempt by the group's learners: answers, the
    share correct, and the wrong answer chosen (or typed) most often."""
    by_learners = Q(answers__attempt__user_id__in=learners)
    questions = (
        Question.objects.filter(quiz=quiz)
        .annotate(
            n=Count("answers", filter=by_learners),
            correct=Count("answers", filter=by_learners & Q(answers__is_correct=True)),
        )
        .order_by("position", "id")
        .values_list("id", "prompt_html", "n", "correct")
    )
    wrong_choices = (
        Choice.objects.filter(question__quiz=quiz, is_correct=False)
        .annotate(n=Count("answers", filter=by_learners))
        .filter(n__gt=0)
        .order_by("question_id", "-n", "position", "id")
        .values_list("question_id", "text", "n")
    )
    wrong_texts = (
        AttemptAnswer.objects.filter(
            question__quiz=quiz,
            question__kind=Question.Kind.SHORT,
            is_correct=False,
            attempt__user_id__in=learners,
        )
        .exclude(text="")
        .values("question_id", "text")
        .order_by()
        .annotate(n=Count("id"))
        .order_by("question_id", "-n", "text")
        .values_list("question_id", "text", "n")
    )
    top_wrong: dict[int, tuple[str, int]] = {}
    for question_id, text, n in [*wrong_choices, *wrong_texts]:
        if n > top_wrong.get(question_id, ("", 0))[1]:
            top_wrong[question_id] = (text, n)
    return [
        QuestionStats(
            question_id=question_id,
            prompt_html=prompt_html,
            lesson_id=quiz.lesson_id,
            lesson_title="",
            answers=n,
            correct=correct,
            top_wrong=top_wrong.get(question_id, ("", 0))[0],
            top_wrong_count=top_wrong.get(question_id, ("", 0))[1],
        )
        for question_id, prompt_html, n, correct in questions
    ]


def hardest_questions(
    learners: Iterable[int], lessons: Iterable[int], limit: int = 5, least_answers: int = 3
) -> list[QuestionStats]:
    """The questions of `lessons` (ids) that `learners` (user ids) get right least often
    (among those answered at least `least_answers` times), in two queries."""
    stats = (
        AttemptAnswer.objects.filter(
            attempt__user_id__in=learners, attempt__quiz__lesson_id__in=lessons
        )
        .values("question_id")
        .order_by()
        .annotate(n=Count("id"), correct=Count("id", filter=Q(is_correct=True)))
        .filter(n__gte=least_answers)
    )
    # Grouped by question id alone (an integer), ranked and cut to `limit` in SQL; only
    # then are the few questions' texts fetched, by a second, small query.
    top = list(
        stats.annotate(share=Cast(F("correct"), FloatField()) / F("n"))
        .order_by("share", "-n", "question_id")
        .values_list("question_id", "n", "correct")[:limit]
    )
    texts = {
        pk: (prompt_html, lesson_id, lesson_title)
        for pk, prompt_html, lesson_id, lesson_title in Question.objects.filter(
            pk__in=[pk for pk, _, _ in top]
        ).values_list("pk", "prompt_html", "quiz__lesson_id", "quiz__lesson__title")
    }
    return [
        QuestionStats(
            question_id=question_id,
            prompt_html=texts[question_id][0],
            lesson_id=texts[question_id][1],
            lesson_title=texts[question_id][2],
            answers=n,
            correct=correct,
        )
        for question_id, n, correct in top
        if question_id in texts  # deleted between the two queries
    ]
