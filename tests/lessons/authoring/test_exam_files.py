"""Exams and domains as content: exams.yaml and `domain:` in the lesson files (import,
export, round trip), the seed CKA, and the admin's rule that weights add up to 100."""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse

from lessons.authoring.importing import ImportFailed, import_folder
from lessons.models import Domain, Exam, Lesson, Question

pytestmark = pytest.mark.django_db

SEED_FOLDER = Path(__file__).resolve().parents[3] / "fixtures" / "lessons"
CKA = {
    "Troubleshooting": 30,
    "Cluster Architecture, Installation & Configuration": 25,
    "Services & Networking": 20,
    "Workloads & Scheduling": 15,
    "Storage": 10,
}


def test_the_seed_describes_the_cka_and_tags_every_question(seed_lessons):
    exam = Exam.objects.get(slug="cka")
    assert {d.name: d.weight for d in exam.domains.all()} == CKA
    assert [d.name for d in exam.domains.all()] == list(CKA)
    # Questions about the exam itself or off the curriculum carry no domain, so that the
    # mock exam and readiness never draw them; they stay a small part of the pool.
    tagged = Question.objects.filter(domain__isnull=False)
    assert Question.objects.filter(domain__isnull=True).count() * 5 < tagged.count()
    assert not tagged.exclude(domain__exam=exam).exists()


def test_export_then_import_gives_the_same_exams_and_tags(tmp_path, seed_lessons):
    before_exams = list(Exam.objects.values_list("slug", "name", "duration_minutes",
                                                 "pass_mark", "questions_per_sitting"))  # fmt: skip
    before_domains = list(Domain.objects.values_list("slug", "name", "weight", "position"))
    before_tags = list(Question.objects.order_by("quiz__lesson__slug", "position")
                       .values_list("quiz__lesson__slug", "position", "domain__slug"))  # fmt: skip
    call_command("export_lessons", str(tmp_path / "out"))
    assert (tmp_path / "out" / "exams.yaml").exists()
    Lesson.objects.all().delete()
    Exam.objects.all().delete()
    call_command("import_lessons", str(tmp_path / "out"))
    assert list(Exam.objects.values_list("slug", "name", "duration_minutes", "pass_mark",
                                         "questions_per_sitting")) == before_exams  # fmt: skip
    assert list(Domain.objects.values_list("slug", "name", "weight", "position")) == before_domains
    assert (
        list(
            Question.objects.order_by("quiz__lesson__slug", "position").values_list(
                "quiz__lesson__slug", "position", "domain__slug"
            )
        )
        == before_tags
    )


def copy_seed(tmp_path) -> Path:
    folder = tmp_path / "lessons"
    shutil.copytree(SEED_FOLDER, folder)
    return folder


def test_weights_that_do_not_add_up_to_100_are_refused(tmp_path):
    folder = copy_seed(tmp_path)
    exams = folder / "exams.yaml"
    exams.write_text(exams.read_text().replace("weight: 10", "weight: 15"))
    with pytest.raises(ImportFailed) as failure:
        import_folder(folder)
    assert any("add up to 105; they must add up to 100" in p for p in failure.value.problems)
    assert not Exam.objects.exists() and not Lesson.objects.exists()


def test_a_question_naming_an_unknown_domain_is_refused(tmp_path):
    folder = copy_seed(tmp_path)
    lesson = folder / "cka-01-overview.md"
    lesson.write_text(
        lesson.read_text().replace("domain: cka-cluster-architecture", "domain: nope", 1)
    )
    with pytest.raises(ImportFailed) as failure:
        import_folder(folder)
    assert any("unknown exam domain 'nope'" in p for p in failure.value.problems)


def test_the_database_refuses_a_weight_out_of_range():
    exam = Exam.objects.create(name="E", slug="e")
    with pytest.raises(IntegrityError):
        Domain.objects.create(exam=exam, name="D", slug="d", weight=0)


def exam_form(weights: list[int]) -> dict:
    data = {
        "name": "KCNA", "slug": "kcna", "duration_minutes": "90", "pass_mark": "75",
        "questions_per_sitting": "10", "sittings_per_day": "3", "kubernetes_version": "1.34",
        "position": "0",
        "domains-TOTAL_FORMS": str(len(weights)), "domains-INITIAL_FORMS": "0",
        "domains-MIN_NUM_FORMS": "0", "domains-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for n, weight in enumerate(weights):
        data |= {f"domains-{n}-name": f"Domain {n}", f"domains-{n}-slug": f"kcna-{n}",
                 f"domains-{n}-weight": str(weight), f"domains-{n}-position": str(n)}  # fmt: skip
    return data


def test_the_admin_refuses_weights_that_do_not_add_up(editor_client, english):
    response = editor_client.post(reverse("admin:lessons_exam_add"), exam_form([40, 30, 20]))
    assert response.status_code == 200
    assert "The domain weights add up to 90; they must add up to 100." in response.content.decode()
    assert not Exam.objects.exists()
    response = editor_client.post(reverse("admin:lessons_exam_add"), exam_form([50, 30, 20]))
    assert response.status_code == 302
    assert [d.weight for d in Exam.objects.get(slug="kcna").domains.all()] == [50, 30, 20]


def test_the_question_admin_tags_a_domain(editor_client, seed_lessons):
    question = Question.objects.first()
    page = editor_client.get(reverse("admin:lessons_question_change", args=[question.pk]))
    assert 'name="domain"' in page.content.decode()
