"""Revisions of lessons and quizzes: what is kept at each save, how two revisions differ,
and restoring one without touching what learners have already answered.

A quiz's revision holds the quiz with all its questions and their choices (django-reversion
follows the relations), so a restore brings back the whole quiz as it was."""

import difflib
from dataclasses import dataclass

import reversion
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reversion.models import Revision, Version

from lessons.models import AttemptAnswer, Choice, Lesson, Question, Quiz

# Derived fields are rendered again by the model's save(); they are not worth keeping.
reversion.register(
    Lesson,
    exclude=["body_html", "toc", "reading_minutes", "search_document", "created_at", "updated_at"],
)
reversion.register(Quiz, follow=["questions"])
reversion.register(Question, follow=["choices"], exclude=["prompt_html", "explanation_html"])
reversion.register(Choice)

# What a lesson's restore brings back: its words. Its address, place and publication stay
# as they are now, so that a restore breaks no link and publishes nothing by surprise.
LESSON_RESTORED_FIELDS = ("title", "summary", "body")
QUESTION_RESTORED_FIELDS = (
    "kind", "prompt", "explanation", "section", "accepted_answers", "position",
)  # fmt: skip
CHOICE_RESTORED_FIELDS = ("text", "is_correct", "position")
HISTORY_LENGTH = 50


@dataclass
class DiffLine:
    kind: str  # "added", "removed", "context" or "hunk"
    text: str


@dataclass
class RevisionEntry:
    revision: Revision
    diff: list[DiffLine]


def _fields(versions, model) -> list[dict]:
    return [v.field_dict for v in versions if v.content_type.model_class() is model]


def lesson_text(fields: dict) -> str:
    """A lesson as the editor wrote it: title, summary, then the Markdown body."""
    return "\n".join(
        [f"# {fields.get('title', '')}", "", fields.get("summary", ""), "", fields.get("body", "")]
    )


def quiz_text(versions) -> str:
    """A quiz as plain text, one line per setting, question and choice, for a diff."""
    quizzes = _fields(versions, Quiz)
    if not quizzes:
        return ""
    quiz = quizzes[0]
    kinds = dict(Question.Kind.choices)
    yes_no = {True: _("yes"), False: _("no")}
    lines = [
        _("Pass mark: %(mark)s%%") % {"mark": quiz["pass_mark"]},
        _("Passing marks the lesson done: %(done)s") % {"done": yes_no[quiz["marks_done"]]},
    ]
    choices_by_question: dict[int, list[dict]] = {}
    for choice in sorted(_fields(versions, Choice), key=lambda c: (c["position"], c["id"])):
        choices_by_question.setdefault(choice["question_id"], []).append(choice)
    questions = sorted(_fields(versions, Question), key=lambda q: (q["position"], q["id"]))
    for number, question in enumerate(questions, start=1):
        lines += ["", f"{number}. [{kinds.get(question['kind'], question['kind'])}]"]
        lines += question["prompt"].splitlines()
        for choice in choices_by_question.get(question["id"], []):
            lines.append(f"   {'[x]' if choice['is_correct'] else '[ ]'} {choice['text']}")
        for answer in question["accepted_answers"].splitlines():
            lines.append(_("   accepted: %(answer)s") % {"answer": answer})
        if question["section"]:
            lines.append(_("   section: #%(anchor)s") % {"anchor": question["section"]})
        if question["explanation"]:
            lines.append(_("   explanation: %(text)s") % {"text": question["explanation"]})
    return "\n".join(lines)


def line_diff(old: str, new: str) -> list[DiffLine]:
    """The changed lines with a little context, as a unified diff reads. The template
    escapes every line: text from the revision is never trusted as HTML."""
    kinds = {"+": "added", "-": "removed", " ": "context"}
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), n=2, lineterm="")
    diff = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            diff.append(DiffLine("hunk", "…"))
            continue
        diff.append(DiffLine(kinds.get(line[:1], "context"), line[1:]))
    return diff


def revisions_of(obj) -> list[Revision]:
    """The object's revisions, newest first, each with all its versions loaded."""
    version_ids = Version.objects.get_for_object(obj).values("revision_id")
    return list(
        Revision.objects.filter(id__in=version_ids)
        .select_related("user")
        .prefetch_related("version_set__content_type")
        .order_by("-date_created", "-id")[:HISTORY_LENGTH]
    )


def history(obj) -> list[RevisionEntry]:
    """Each revision with what changed since the one before it."""
    as_text = _text_for(obj)
    revisions = revisions_of(obj)
    texts = [as_text(r.version_set.all()) for r in revisions]
    entries = []
    for index, revision in enumerate(revisions):
        before = texts[index + 1] if index + 1 < len(texts) else ""
        entries.append(RevisionEntry(revision, line_diff(before, texts[index])))
    return entries


def _text_for(obj):
    if isinstance(obj, Lesson):
        return lambda versions: lesson_text(next(iter(_fields(versions, Lesson)), {}))
    return quiz_text


def record_baseline(obj, user) -> None:
    """Keep the state an object had before its first recorded edit (an imported lesson,
    say), so that the first edit can be undone too."""
    if Version.objects.get_for_object(obj).exists():
        return
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(_("As it was before the first recorded edit."))
        reversion.add_to_revision(obj)


def restore_lesson(lesson: Lesson, revision: Revision, user) -> None:
    fields = next(iter(_fields(revision.version_set.all(), Lesson)), None)
    if fields is None or fields["id"] != lesson.pk:
        raise ValueError("The revision is not one of this lesson's.")
    with transaction.atomic(), reversion.create_revision():
        for name in LESSON_RESTORED_FIELDS:
            setattr(lesson, name, fields[name])
        lesson.save()
        reversion.set_user(user)
        reversion.set_comment(_restored_comment(revision))


@dataclass
class QuizRestore:
    kept_questions: int = 0
    kept_choices: int = 0


def restore_quiz(quiz: Quiz, revision: Revision, user) -> QuizRestore:
    """Bring the quiz back to `revision`. Questions and choices that learners have answered
    are never deleted, so that every past attempt keeps its answers: those the revision did
    not have stay, and choices kept that way no longer count as correct."""
    versions = revision.version_set.all()
    quiz_fields = next(iter(_fields(versions, Quiz)), None)
    if quiz_fields is None or quiz_fields["id"] != quiz.pk:
        raise ValueError("The revision is not one of this quiz's.")
    outcome = QuizRestore()
    with transaction.atomic(), reversion.create_revision():
        quiz.pass_mark = quiz_fields["pass_mark"]
        quiz.marks_done = quiz_fields["marks_done"]
        quiz.save()
        kept_question_ids = set()
        for fields in _fields(versions, Question):
            question = Question.objects.filter(pk=fields["id"]).first() or Question(pk=fields["id"])
            question.quiz = quiz
            for name in QUESTION_RESTORED_FIELDS:
                setattr(question, name, fields[name])
            question.save()
            kept_question_ids.add(question.pk)
        kept_choice_ids = set()
        for fields in _fields(versions, Choice):
            if fields["question_id"] not in kept_question_ids:
                continue
            choice = Choice.objects.filter(pk=fields["id"]).first() or Choice(pk=fields["id"])
            choice.question_id = fields["question_id"]
            for name in CHOICE_RESTORED_FIELDS:
                setattr(choice, name, fields[name])
            choice.save()
            kept_choice_ids.add(choice.pk)
        outcome.kept_questions = _drop_unanswered(
            Question.objects.filter(quiz=quiz).exclude(pk__in=kept_question_ids),
            answered=AttemptAnswer.objects.filter(question=OuterRef("pk")),
        )
        extra_choices = Choice.objects.filter(question__quiz=quiz).exclude(pk__in=kept_choice_ids)
        outcome.kept_choices = _drop_unanswered(
            extra_choices, answered=AttemptAnswer.objects.filter(choices=OuterRef("pk"))
        )
        # A kept choice must not give a restored single-choice question a second answer.
        for choice in extra_choices.filter(question_id__in=kept_question_ids, is_correct=True):
            choice.is_correct = False
            choice.save()
        reversion.set_user(user)
        reversion.set_comment(_restored_comment(revision))
        reversion.add_to_revision(quiz)
    return outcome


def _drop_unanswered(queryset, *, answered) -> int:
    """Delete the rows no learner's answer refers to; return how many were kept."""
    queryset.filter(~Exists(answered)).delete()
    return queryset.count()


def _restored_comment(revision: Revision) -> str:
    return _("Restored the revision of %(date)s.") % {
        "date": formats.date_format(timezone.localtime(revision.date_created), "DATETIME_FORMAT")
    }
