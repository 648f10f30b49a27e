"""The importer's plain YAML files: reading them safely, and the problems found in them,
named by file and field (shared by the lesson importer and the exam files beside it)."""

from pathlib import Path

import yaml
from django.core.exceptions import ValidationError

# libyaml's safe loader where PyYAML was built with it (its wheels are): the same rules,
# read in C, about ten times faster than the pure-Python one on the seed lessons.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ForbiddenYaml(yaml.YAMLError):
    pass


def load_plain_yaml(text: str):
    """YAML as plain data: mappings, lists and scalars, quoted or not. Anchors and aliases
    are refused (a few hundred bytes of nested aliases expand to gigabytes), and so are
    tags (`!!binary`, `!!set`, ...) and NUL characters, before any object is built."""
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise ForbiddenYaml("anchors and aliases (& and *) are not allowed")
        if getattr(event, "tag", None) is not None:
            raise ForbiddenYaml(f"tags such as {event.tag!r} are not allowed")
        if "\x00" in (getattr(event, "value", None) or ""):
            # Written as "\0" in quotes: the database could not store it.
            raise ForbiddenYaml("NUL characters are not allowed")
    return yaml.load(text, Loader=LOADER)  # noqa: S506 (a safe loader)


class Problems:
    """What is wrong with the files, each named by where it is."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")


def unknown_keys(data: dict, allowed: set[str]) -> list[str]:
    return sorted(str(key) for key in data if key not in allowed)


def is_mapping(raw, where: str, keys: set[str], problems: Problems) -> bool:
    """Whether an entry of a file is a mapping; each key beyond `keys` is a problem too
    (a misspelt key would otherwise be dropped without a word)."""
    if not isinstance(raw, dict):
        problems.add(where, "must be a mapping")
        return False
    for key in unknown_keys(raw, keys):
        problems.add(where, f"unknown key '{key}'")
    return True


def model_problems(instance, where: str, problems: Problems, exclude: set[str]) -> bool:
    """Check `instance` with its model's own validators; True when it passes. Uniqueness
    is the import's own business (it matches existing rows by slug); `exclude` names the
    links it checks itself. Derived fields (rendered HTML, search) are not editable, so
    Django skips them."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                problems.add(f"{where}, field '{name}'", message)
        return False
    return True


def read_yaml_list(path: Path, max_chars: int, problems: Problems, items: str) -> list:
    """The list of `items` in the plain YAML file at `path` (empty when there is no such
    file); a file too long, not YAML or not a list is a problem named by the file."""
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8")
        if len(text) > max_chars:
            problems.add(path.name, f"is longer than {max_chars} characters")
            return []
        entries = load_plain_yaml(text) or []
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        problems.add(path.name, f"not valid YAML: {error}")
        return []
    if not isinstance(entries, list):
        problems.add(path.name, f"must be a list of {items}")
        return []
    return entries
