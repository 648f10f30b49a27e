"""Checking a learner's manifest against a task, in order, each step stopping with its
own message: a bounded size, plain YAML (no anchors, aliases or tags: an alias bomb never
expands), exactly one object of the task's kind, valid against the Kubernetes schema of the
exam's version (kubernetes-validate), then the task's rules, one point each.

A rule is a mapping: `path` (dots between keys, `[n]` for a list's item, `[name=web]` for
the item whose `name` is `web`) and one test: `equals`, `exists`, `matches` (a regular
expression searched in the value), `contains` (a list has the item; a mapping matches an
item holding all its keys), `within` (`min`/`max`, numbers or quantities such as 512Mi),
or `selector_matches_template: true`; `feedback` is `{ko: ..., en: ...}`."""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import kubernetes_validate
import yaml
from django.utils.translation import get_language
from django.utils.translation import gettext as _

MAX_MANIFEST_CHARS = 64 * 1024
MAX_DEPTH = 30
RULE_TESTS = ("equals", "exists", "matches", "contains", "within", "selector_matches_template")
SELECTOR_KINDS = {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"}
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]|\[([^=\]]+)=([^\]]*)\]")
_QUANTITY = re.compile(r"^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$")
_SUFFIX = {
    None: 1, "m": Decimal("0.001"), "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12,
    "P": 10**15, "E": 10**18, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40,
    "Pi": 2**50, "Ei": 2**60,
}  # fmt: skip


class ManifestRefused(Exception):
    """The manifest cannot be checked against the rules; the message says why (and,
    where it can, on which line)."""


@dataclass
class RuleResult:
    passed: bool
    feedback: str


@dataclass
class Check:
    """A checked manifest: a point per rule passed, and each failed rule's feedback."""

    results: list[RuleResult] = field(default_factory=list)

    @property
    def score(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def max_score(self) -> int:
        return len(self.results)

    @property
    def is_correct(self) -> bool:
        return self.max_score > 0 and self.score == self.max_score


class _PlainLoader(yaml.SafeLoader):
    """The safe loader, refusing anchors, aliases and explicit tags before anything is
    built (an alias bomb is refused at its first `&`)."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise ManifestRefused(
                _("Line %(line)d: anchors and aliases (& and *) are not allowed.")
                % {"line": event.start_mark.line + 1}
            )
        if getattr(event, "tag", None) not in (None, "!"):
            raise ManifestRefused(
                _("Line %(line)d: YAML tags (!!) are not allowed.")
                % {"line": event.start_mark.line + 1}
            )
        return super().compose_node(parent, index)


def parse(text: str) -> dict:
    """The one object `text` holds, or ManifestRefused."""
    if len(text) > MAX_MANIFEST_CHARS:
        raise ManifestRefused(
            _("The manifest is too long (at most %(max)d characters).")
            % {"max": MAX_MANIFEST_CHARS}
        )
    try:
        documents = [d for d in yaml.load_all(text, Loader=_PlainLoader) if d is not None]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        raise ManifestRefused(
            _("Line %(line)d: this is not valid YAML (%(problem)s).")
            % {"line": line, "problem": error.problem or error.context}
        ) from None
    except (yaml.YAMLError, RecursionError):
        raise ManifestRefused(_("This is not valid YAML.")) from None
    if len(documents) != 1 or not isinstance(documents[0], dict):
        raise ManifestRefused(_("Write exactly one Kubernetes object (one YAML document)."))
    if _depth(documents[0]) > MAX_DEPTH:
        raise ManifestRefused(_("The manifest nests too deeply."))
    return documents[0]


def _depth(value, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level


def validate(manifest: dict, kind: str, version: str) -> None:
    """The object is of `kind` and valid against the schema of Kubernetes `version`."""
    if manifest.get("kind") != kind:
        raise ManifestRefused(
            _("The task asks for a %(kind)s; this manifest is a %(given)s.")
            % {"kind": kind, "given": manifest.get("kind") or _("object without a kind")}
        )
    try:
        kubernetes_validate.validate(manifest, version, strict=True)
    except kubernetes_validate.ValidationError as error:
        where = ".".join(str(step) for step in error.path) or manifest.get("kind")
        raise ManifestRefused(
            _("Kubernetes %(version)s would refuse it at %(where)s: %(problem)s")
            % {"version": version, "where": where, "problem": error.message}
        ) from None
    except (kubernetes_validate.SchemaNotFoundError, kubernetes_validate.InvalidSchemaError):
        raise ManifestRefused(
            _("Kubernetes %(version)s has no %(kind)s with apiVersion %(api)s.")
            % {"version": version, "kind": kind, "api": manifest.get("apiVersion")}
        ) from None


_MISSING = object()


def lookup(document, path: str):
    """The value at `path`, or _MISSING."""
    value = document
    for key, index, field_name, field_value in _STEP.findall(path):
        if key:
            value = value.get(key, _MISSING) if isinstance(value, dict) else _MISSING
        elif index:
            value = (
                value[int(index)]
                if isinstance(value, list) and int(index) < len(value)
                else _MISSING
            )
        else:
            items = value if isinstance(value, list) else []
            value = next(
                (i for i in items if isinstance(i, dict) and str(i.get(field_name)) == field_value),
                _MISSING,
            )
        if value is _MISSING:
            return _MISSING
    return value


def quantity(value) -> Decimal | None:
    """A Kubernetes quantity (512Mi, 250m, 2) as a number, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(str(value))
    match = _QUANTITY.match(str(value).strip())
    if not match:
        return None
    try:
        return Decimal(match.group(1)) * _SUFFIX[match.group(2)]
    except InvalidOperation:
        return None


def _contains(items, wanted) -> bool:
    if not isinstance(items, list):
        return False
    if isinstance(wanted, dict):
        return any(
            isinstance(item, dict) and all(item.get(k) == v for k, v in wanted.items())
            for item in items
        )
    return wanted in items


def rule_passes(manifest: dict, rule: dict) -> bool:
    if rule.get("selector_matches_template"):
        labels = lookup(manifest, "spec.template.metadata.labels")
        selector = lookup(manifest, "spec.selector.matchLabels")
        return (
            isinstance(selector, dict)
            and bool(selector)
            and isinstance(labels, dict)
            and all(labels.get(k) == v for k, v in selector.items())
        )
    value = lookup(manifest, rule["path"])
    if "exists" in rule:
        return (value is not _MISSING) == bool(rule["exists"])
    if value is _MISSING:
        return False
    if "equals" in rule:
        wanted = rule["equals"]
        return value == wanted or (isinstance(wanted, str) and str(value) == wanted)
    if "matches" in rule:
        return isinstance(value, str | int | float) and bool(re.search(rule["matches"], str(value)))
    if "contains" in rule:
        return _contains(value, rule["contains"])
    if "within" in rule:
        number = quantity(value)
        low, high = rule["within"].get("min"), rule["within"].get("max")
        if number is None:
            return False
        return (low is None or number >= quantity(low)) and (
            high is None or number <= quantity(high)
        )
    return False


def feedback(rule: dict) -> str:
    text = rule.get("feedback") or {}
    language = "ko" if (get_language() or "ko").startswith("ko") else "en"
    return str(text.get(language) or text.get("en") or text.get("ko") or "")


def check(text: str, kind: str, rules: list[dict], version: str) -> Check:
    """Check a manifest against a task: ManifestRefused when it cannot be checked at all,
    else a point per rule passed."""
    manifest = parse(text)
    validate(manifest, kind, version)
    return Check([RuleResult(rule_passes(manifest, rule), feedback(rule)) for rule in rules])


def rule_problem(rule) -> str | None:
    """Why a rule an editor wrote cannot be checked, or None (for the importer and admin)."""
    if not isinstance(rule, dict):
        return "must be a mapping"
    tests = [t for t in RULE_TESTS if t in rule]
    if len(tests) != 1:
        return f"needs exactly one of {', '.join(RULE_TESTS)}"
    if tests[0] != "selector_matches_template" and not isinstance(rule.get("path"), str):
        return "needs a 'path'"
    if tests[0] == "matches":
        try:
            re.compile(str(rule["matches"]))
        except re.error as error:
            return f"'matches' is not a regular expression: {error}"
    if tests[0] == "within":
        bounds = rule["within"]
        if not isinstance(bounds, dict) or not ({"min", "max"} & set(bounds)):
            return "'within' needs 'min' and/or 'max'"
        if any(quantity(bounds[b]) is None for b in ("min", "max") if b in bounds):
            return "'within' bounds must be numbers or quantities"
    text = rule.get("feedback")
    if not isinstance(text, dict) or not all(isinstance(text.get(k), str) for k in ("ko", "en")):
        return "needs 'feedback' with 'ko' and 'en' text"
    unknown = set(rule) - {"path", "feedback", *RULE_TESTS}
    if unknown:
        return f"unknown keys {sorted(unknown)}"
    return None
