"""An exam with weighted domains and tagged questions, for the exam and readiness tests."""

from django.test import Client

from lessons.exams import mock as mock_exams
from lessons.models import Domain, Exam, Lesson, MockSitting, SittingQuestion
from lessons.quizzes.scoring import choice_token
from tests.conftest import make_lesson
from tests.helpers.quiz_fixtures import QUESTIONS, WRONG, add_question

WEIGHTS = {"trouble": 30, "arch": 25, "net": 20, "work": 15, "store": 10}


def make_exam(questions_per_sitting: int = 10, **extra) -> Exam:
    extra.setdefault("sittings_per_day", 50)
    exam = Exam.objects.create(
        name="Test exam",
        slug="test-exam",
        duration_minutes=30,
        pass_mark=66,
        questions_per_sitting=questions_per_sitting,
        **extra,
    )
    for position, (slug, weight) in enumerate(WEIGHTS.items(), start=1):
        Domain.objects.create(exam=exam, name=slug.title(), slug=slug, weight=weight,
                              position=position)  # fmt: skip
    return exam


def tag_questions(category, exam: Exam, per_domain: int, *, status=Lesson.Status.PUBLISHED,
                  title: str = "Exam lesson") -> list:  # fmt: skip
    """A lesson whose quiz has `per_domain` questions in each of the exam's domains,
    cycling through the question kinds; its sections are the lesson's two headings."""
    from lessons.models import Quiz

    lesson = make_lesson(category, title, 9, status=status)
    quiz = Quiz.objects.create(lesson=lesson)
    kinds = list(QUESTIONS)
    questions = []
    for domain in exam.domains.all():
        for _ in range(per_domain):
            questions.append(
                add_question(
                    quiz,
                    kinds[len(questions) % 4],
                    len(questions) + 1,
                    section=lesson.toc[0]["id"],
                    domain=domain,
                )
            )
    return questions


def answer_fields(sitting: MockSitting, item: SittingQuestion, right: bool) -> dict:
    """The form fields of one answer, right or wrong, as the page would post them."""
    question = item.question
    token = mock_exams.sitting_token(sitting)
    if question.kind == "short":
        value = question.accepted_answer_list()[0] if right else WRONG["short"]
        return {f"q{question.id}": value}
    if right:
        texts = [c.text for c in question.choices.all() if c.is_correct]
    else:
        texts = WRONG[question.kind]
    ids = [c.id for c in question.choices.all() if c.text in texts]
    return {f"q{question.id}": [choice_token(token, i) for i in ids]}


def question_url(sitting: MockSitting, position: int) -> str:
    from django.urls import reverse

    return reverse("lessons:mock_question", args=[sitting.exam.slug, sitting.pk, position])


def post_answer(client: Client, sitting, position: int, right: bool = True, headers=None, **extra):
    item = sitting.questions.select_related("question").get(position=position)
    fields = answer_fields(sitting, item, right) | extra
    return client.post(question_url(sitting, position), fields, headers=headers)
