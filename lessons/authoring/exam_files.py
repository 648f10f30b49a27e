"""Exams and their weighted domains as `exams.yaml` beside the lesson files: read and
validated for the importer, written for the exporter. The format (README):

    - slug: cka
      name: Certified Kubernetes Administrator (CKA)
      duration_minutes: 120
      pass_mark: 66
      questions_per_sitting: 20
      domains:
        - {slug: cka-troubleshooting, name: Troubleshooting, weight: 30}
"""

import re
from pathlib import Path

from django.utils import translation

from lessons.authoring.content_files import Problems, is_mapping, model_problems, read_yaml_list
from lessons.models import Domain, Exam
from lessons.models.exams import weight_problem

FILE_NAME = "exams.yaml"
EXAM_KEYS = {
    "slug", "name", "duration_minutes", "pass_mark", "questions_per_sitting",
    "sittings_per_day", "kubernetes_version", "domains",
}  # fmt: skip
DOMAIN_KEYS = {"slug", "name", "weight"}
MAX_CHARS = 100_000


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def read_exams(folder: Path, problems: Problems) -> list[dict]:
    """The exams of `folder`'s exams.yaml (none when it has no such file); every problem
    is added to `problems`, named by exam and field."""
    path = folder / FILE_NAME
    entries = read_yaml_list(path, MAX_CHARS, problems, "exams")
    exams, domain_slugs = [], set()
    for number, entry in enumerate(entries, start=1):
        where = f"{path.name}, exam {number}"
        if not is_mapping(entry, where, EXAM_KEYS, problems):
            continue
        numbers = {
            key: entry.get(key, default)
            for key, default in (
                ("duration_minutes", 120), ("pass_mark", 66), ("questions_per_sitting", 20),
                ("sittings_per_day", 3),
            )
        }  # fmt: skip
        if any(not _whole(value) for value in numbers.values()):
            problems.add(where, "'duration_minutes', 'pass_mark', 'questions_per_sitting' "
                         "and 'sittings_per_day' must be whole numbers")  # fmt: skip
            continue
        version = entry.get("kubernetes_version", "1.34")
        if not isinstance(version, str) or not re.fullmatch(r"1\.[0-9]{2}", version):
            problems.add(f"{where}, field 'kubernetes_version'", 'must be text like "1.34"')
            continue
        numbers["kubernetes_version"] = version
        if not isinstance(entry.get("slug"), str) or not isinstance(entry.get("name"), str):
            problems.add(where, "'slug' and 'name' are required text")
            continue
        exam = Exam(slug=entry["slug"], name=entry["name"], position=number, **numbers)
        model_problems(exam, where, problems, exclude=set())
        raw_domains = entry.get("domains")
        if not isinstance(raw_domains, list) or not raw_domains:
            problems.add(f"{where}, field 'domains'", "must be a non-empty list")
            continue
        domains = []
        for index, raw in enumerate(raw_domains, start=1):
            dwhere = f"{where}, domain {index}"
            if not is_mapping(raw, dwhere, DOMAIN_KEYS, problems):
                continue
            slug, name, weight = raw.get("slug"), raw.get("name"), raw.get("weight")
            if not isinstance(slug, str) or not isinstance(name, str) or not _whole(weight):
                problems.add(dwhere, "'slug', 'name' (text) and 'weight' (a number) are required")
                continue
            if slug in domain_slugs:
                problems.add(dwhere, f"the domain slug {slug!r} is used twice")
            domain_slugs.add(slug)
            domain = Domain(slug=slug, name=name, weight=weight, position=index)
            model_problems(domain, dwhere, problems, exclude={"exam"})
            domains.append({"slug": slug, "name": name, "weight": weight, "position": index})
        if len(domains) == len(raw_domains):
            with translation.override("en"):  # as every other problem the importer names
                problem = weight_problem([d["weight"] for d in domains])
            if problem:
                problems.add(f"{where}, field 'domains'", problem)
        exams.append(
            {"slug": entry["slug"], "name": entry["name"], "position": number, **numbers,
             "domains": domains}
        )  # fmt: skip
    return exams


def save_exams(exams: list[dict]) -> None:
    """Create or update the exams and their domains (matched by slug); a domain left out
    of the file is removed, and its questions lose their tag. Inside the import's
    transaction."""
    for entry in exams:
        values = {key: value for key, value in entry.items() if key not in ("slug", "domains")}
        exam, _ = Exam.objects.update_or_create(slug=entry["slug"], defaults=values)
        kept = []
        for domain in entry["domains"]:
            row, _ = Domain.objects.update_or_create(
                slug=domain["slug"],
                defaults={"exam": exam, "name": domain["name"], "weight": domain["weight"],
                          "position": domain["position"]},
            )  # fmt: skip
            kept.append(row.pk)
        exam.domains.exclude(pk__in=kept).delete()


def exam_entries() -> list[dict]:
    """Every exam as exams.yaml holds it."""
    return [
        {
            "slug": exam.slug,
            "name": exam.name,
            "duration_minutes": exam.duration_minutes,
            "pass_mark": exam.pass_mark,
            "questions_per_sitting": exam.questions_per_sitting,
            "sittings_per_day": exam.sittings_per_day,
            "kubernetes_version": exam.kubernetes_version,
            "domains": [
                {"slug": d.slug, "name": d.name, "weight": d.weight} for d in exam.domains.all()
            ],
        }
        for exam in Exam.objects.prefetch_related("domains")
    ]
