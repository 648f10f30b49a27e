"""Seed lessons: every Kubernetes object validates against the release the lessons teach,
and every lab applies as a set (what it names is created in the lesson first)."""

import re
from pathlib import Path

import kubernetes_validate
import pytest
from kubernetes_validate.utils import all_versions

from tests.seed_lessons.content_checks import (
    KUBERNETES_VERSION,
    UNVALIDATED_API_VERSIONS,
    Lesson,
    code_blocks,
    lesson_files,
    load_lesson,
    manifest_problems,
    reference_problems,
)

LESSONS = lesson_files()


def lesson_from(body: str) -> Lesson:
    return Lesson(Path("example.md"), {}, body, code_blocks(body))


def yaml_block(text: str) -> str:
    return f"```yaml\n{text.strip()}\n```\n"


@pytest.mark.parametrize("path", LESSONS, ids=lambda path: path.name)
def test_it_validates_every_object_against_the_taught_release(path):
    assert manifest_problems(load_lesson(path)) == []


@pytest.mark.parametrize("path", LESSONS, ids=lambda path: path.name)
def test_it_applies_every_lab_as_a_set(path):
    assert reference_problems(load_lesson(path)) == []


def test_it_targets_the_release_the_lessons_install():
    text = "".join(path.read_text(encoding="utf-8") for path in LESSONS)
    named = re.findall(r"^(?:export )?KUBERNETES_VERSION=(\S+)$", text, re.M)
    repositories = re.findall(r"pkgs\.k8s\.io/core:/stable:/v([^/]+)/", text)
    assert named == [KUBERNETES_VERSION]
    assert set(repositories) == {"${KUBERNETES_VERSION}"}


def test_it_targets_a_release_whose_schemas_ship_with_kubernetes_validate():
    shipped = {re.sub(r"^(\d+\.\d+).*", r"\1", version) for version in all_versions()}
    assert KUBERNETES_VERSION in shipped


@pytest.mark.parametrize(
    "api_version, kind",
    [(api, kind) for api, kinds in UNVALIDATED_API_VERSIONS.items() for kind in sorted(kinds)],
)
def test_it_skips_schemas_only_for_kinds_that_ship_none(api_version, kind):
    document = {"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}}
    with pytest.raises(kubernetes_validate.SchemaNotFoundError):
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_it_reports_a_misspelt_field():
    lesson = lesson_from(
        yaml_block("""
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replica: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:1.27"}]}
""")
    )
    assert ["'replica' was unexpected" in p for p in manifest_problems(lesson)] == [True]


def test_it_reports_a_kind_without_a_schema():
    lesson = lesson_from(
        yaml_block("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w")
    )
    assert "Couldn't find schema for kind Widget" in manifest_problems(lesson)[0]


def test_it_reports_a_namespace_and_pods_the_lab_never_creates():
    lesson = lesson_from(
        yaml_block("""
apiVersion: v1
kind: Service
metadata:
  name: backend
  namespace: shop
spec:
  selector: {app: backend}
  ports: [{port: 80}]
""")
    )
    problems = reference_problems(lesson)
    assert any("namespace 'shop' is not created" in p for p in problems)
    assert any("matches no pod the lesson creates" in p for p in problems)


def test_it_accepts_what_an_earlier_block_created():
    body = (
        "```bash\nkubectl create namespace shop\n"
        "kubectl create deployment backend -n shop --image=nginx:1.27\n```\n"
        + yaml_block("""
apiVersion: v1
kind: Service
metadata:
  name: backend
  namespace: shop
spec:
  selector: {app: backend}
  ports: [{port: 80}]
""")
        + "```bash\nkubectl scale deployment/backend -n shop --replicas=2\n```\n"
    )
    assert reference_problems(lesson_from(body)) == []


def test_it_reports_a_route_to_a_missing_gateway_and_services():
    lesson = lesson_from(
        yaml_block("""
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web
spec:
  parentRefs: [{name: web-gateway}]
  rules: [{backendRefs: [{name: web-stable, port: 80}]}]
""")
    )
    assert reference_problems(lesson) == [
        "example.md, line 1, HTTPRoute/web: parentRef Gateway 'web-gateway' is not created",
        "example.md, line 1, HTTPRoute/web: backendRef Service 'web-stable' is not created",
    ]
