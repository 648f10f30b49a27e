"""The hands-on task checker: valid, invalid and hostile manifests, the rules with partial
credit, the seed tasks, the task page, and tasks carried by the lesson files."""

import time

import pytest
from django.urls import reverse

from lessons.authoring.exporting import lesson_front_matter
from lessons.exams.tasks import checker
from lessons.models import Lesson, Task, TaskAttempt
from tests.conftest import make_lesson

pytestmark = pytest.mark.usefixtures("english")

PVC_RULES = [
    {"path": "metadata.name", "equals": "data", "feedback": {"ko": "이름", "en": "Name data."}},
    {"path": "spec.accessModes", "contains": "ReadWriteOnce",
     "feedback": {"ko": "모드", "en": "Add ReadWriteOnce."}},
    {"path": "spec.resources.requests.storage", "within": {"min": "1Gi", "max": "1Gi"},
     "feedback": {"ko": "용량", "en": "Request 1Gi."}},
]  # fmt: skip
PVC = """apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1024Mi
"""


def test_a_valid_manifest_passes_every_rule():
    result = checker.check(PVC, "PersistentVolumeClaim", PVC_RULES, "1.34")
    assert (result.score, result.max_score, result.is_correct) == (3, 3, True)


def test_partial_credit_names_each_failed_rule_in_english(settings):
    from django.utils import translation

    with translation.override("en"):
        result = checker.check(
            PVC.replace("ReadWriteOnce", "ReadOnlyMany"), "PersistentVolumeClaim", PVC_RULES, "1.34"
        )
    assert (result.score, result.max_score) == (2, 3)
    assert [r.feedback for r in result.results if not r.passed] == ["Add ReadWriteOnce."]


def test_a_field_kubernetes_does_not_know_is_refused_with_where():
    with pytest.raises(checker.ManifestRefused) as refused:
        checker.check(PVC.replace("accessModes", "accessMode"), "PersistentVolumeClaim", [], "1.34")
    assert "'accessMode' was unexpected" in str(refused.value)


def test_a_manifest_of_the_wrong_kind_is_refused():
    with pytest.raises(checker.ManifestRefused, match="asks for a Pod"):
        checker.check(PVC, "Pod", PVC_RULES, "1.34")


def test_broken_yaml_says_which_line():
    with pytest.raises(checker.ManifestRefused, match="Line 3"):
        checker.parse("a: 1\nb: 2\n  c: [\n")


def test_an_alias_bomb_is_refused_at_once():
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [*{chr(97 + n)},*{chr(97 + n)},*{chr(97 + n)},"
        f"*{chr(97 + n)},*{chr(97 + n)},*{chr(97 + n)},*{chr(97 + n)},*{chr(97 + n)}]\n"
        for n in range(9)
    )
    started = time.perf_counter()
    with pytest.raises(checker.ManifestRefused, match="anchors and aliases"):
        checker.check(bomb, "Pod", [], "1.34")
    assert time.perf_counter() - started < 0.5


def test_a_10_mb_manifest_is_refused_before_parsing():
    huge = "metadata:\n  name: " + "x" * (10 * 1024 * 1024)
    started = time.perf_counter()
    with pytest.raises(checker.ManifestRefused, match="too long"):
        checker.check(huge, "Pod", [], "1.34")
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    "text", ["a: !!python/object:os.system ls", "- 1\n- 2", "a: 1\n---\nb: 2", "", "[" * 5000]
)
def test_other_hostile_or_odd_input_is_refused(text):
    with pytest.raises(checker.ManifestRefused):
        checker.check(text, "Pod", [], "1.34")


def test_quantities_compare_as_numbers():
    assert checker.quantity("1Gi") == checker.quantity("1024Mi")
    assert checker.quantity("250m") < checker.quantity("1")
    assert checker.quantity("lots") is None


# What fixes each broken seed manifest: (broken, fixed) replacements.
SOLUTIONS = {
    "파드를 만들지 못하는 디플로이먼트 고치기": [("app: webapp", "app: web")],
    "엔드포인트가 비어 있는 서비스 고치기": [
        ("app: frontend", "app: web"), ("targetPort: 80", "targetPort: 8080"),
    ],
    "계속 재시작되는 파드 고치기": [("ngnix", "nginx"), ("port: 8080", "port: 80")],
}  # fmt: skip


def test_the_seed_has_three_tasks_per_domain_and_each_broken_one_can_be_fixed(seed_lessons):
    from collections import Counter

    tasks = list(Task.objects.select_related("domain"))
    per_domain = Counter(t.domain.slug for t in tasks)
    assert len(per_domain) == 5 and min(per_domain.values()) >= 3
    for task in tasks:
        assert all(checker.rule_problem(rule) is None for rule in task.rules)
        if task.title in SOLUTIONS:
            try:
                before = checker.check(task.starting, task.kind, task.rules, "1.34")
                assert not before.is_correct
            except checker.ManifestRefused:
                pass  # the API server would refuse it: that is the breakage
            text = task.starting
            for broken, fixed in SOLUTIONS[task.title]:
                text = text.replace(broken, fixed)
            assert checker.check(text, task.kind, task.rules, "1.34").is_correct, task.title


def test_the_task_page_checks_a_manifest_and_keeps_the_attempt(
    alice, alice_client, basic, django_assert_max_num_queries
):
    lesson = make_lesson(basic, "Storage tasks", 1)
    Task.objects.create(lesson=lesson, position=1, title="PVC", kind="PersistentVolumeClaim",
                        prompt="Make **data**.", rules=PVC_RULES)  # fmt: skip
    url = reverse("lessons:task", args=[lesson.slug, 1])
    with django_assert_max_num_queries(8):
        page = alice_client.get(url).content.decode()
    assert "<strong>data</strong>" in page and 'name="manifest"' in page
    with django_assert_max_num_queries(12):
        response = alice_client.post(url, {"manifest": PVC.replace("1024Mi", "2Gi")})
    assert "2 of 3 checks passed" in response.content.decode() or "3개 중 2개" in (
        response.content.decode()
    )
    attempt = TaskAttempt.objects.get()
    assert (attempt.user, attempt.score, attempt.max_score) == (alice, 2, 3)
    response = alice_client.post(url, {"manifest": "a: &x 1\nb: *x"})
    assert response.status_code == 422
    assert TaskAttempt.objects.latest("id").refused


def test_tasks_of_a_draft_lesson_are_not_found(alice_client, basic):
    lesson = make_lesson(basic, "Draft tasks", 1, status=Lesson.Status.DRAFT)
    Task.objects.create(lesson=lesson, position=1, title="T", kind="Pod", prompt="p", rules=[])
    assert alice_client.get(reverse("lessons:task", args=[lesson.slug, 1])).status_code == 404


def test_tasks_are_exported_as_they_were_imported(seed_lessons):
    lessons = Lesson.objects.filter(tasks__isnull=False).distinct()
    exported = [t for lesson in lessons for t in lesson_front_matter(lesson, []).get("tasks", [])]
    assert len(exported) == Task.objects.count() >= 15
    storage = Task.objects.get(title="1Gi 볼륨 요청 만들기")
    data = lesson_front_matter(storage.lesson, [])["tasks"][storage.position - 1]
    assert data["domain"] == "cka-storage" and data["kind"] == "PersistentVolumeClaim"
    assert data["rules"] == storage.rules


def test_a_lesson_lists_its_tasks_below_its_text(alice_client, seed_lessons):
    storage = Task.objects.get(title="1Gi 볼륨 요청 만들기")
    page = alice_client.get(storage.lesson.get_absolute_url()).content.decode()
    assert reverse("lessons:task", args=[storage.lesson.slug, storage.position]) in page


def test_a_solved_task_counts_in_its_domains_readiness(alice, alice_client, seed_lessons):
    from lessons.exams import readiness
    from lessons.models import Exam

    exam = Exam.objects.get(slug="cka")
    task = Task.objects.get(title="파드를 만들지 못하는 디플로이먼트 고치기")
    before = {d.domain.slug: d for d in readiness.for_learner(alice, [exam])[0].domains}
    url = reverse("lessons:task", args=[task.lesson.slug, task.position])
    alice_client.post(url, {"manifest": task.starting.replace("app: webapp", "app: web")})
    after = {d.domain.slug: d for d in readiness.for_learner(alice, [exam])[0].domains}
    trouble = "cka-troubleshooting"
    assert after[trouble].questions == before[trouble].questions
    assert (after[trouble].answered, after[trouble].right) == (1, 1)


def test_the_lesson_page_lists_a_task_at_once_and_reads_the_list_once(
    alice_client, basic, django_assert_max_num_queries
):
    lesson = make_lesson(basic, "Kept tasks", 1)
    url = lesson.get_absolute_url()
    assert "PVC 만들기" not in alice_client.get(url).content.decode()
    Task.objects.create(lesson=lesson, position=1, title="PVC 만들기",
                        kind="PersistentVolumeClaim", prompt="p", rules=PVC_RULES)  # fmt: skip
    assert "PVC 만들기" in alice_client.get(url).content.decode()
    with django_assert_max_num_queries(20) as seen:
        alice_client.get(url)
    assert not [q for q in seen.captured_queries if "lessons_task" in q["sql"]]
    Task.objects.filter(lesson=lesson).delete()
    assert "PVC 만들기" not in alice_client.get(url).content.decode()
