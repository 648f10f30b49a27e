"""The house: the layout the README's "Layout" describes, held by tests so that it cannot
drift silently. No module of the portal's own code is over 500 lines; the root of
`lessons/` holds only the app's entry points; and the import contracts in pyproject.toml
(run by `lint-imports` in `make lint`) do fail on an import that breaks them."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MOST_LINES = 500
# What Django looks for and the app's entry points (README, "Layout").
LESSONS_ROOT = {"__init__.py", "apps.py", "urls.py", "admin.py", "signals.py"}


def own_modules():
    for package in ("lessons", "portal"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_no_module_of_the_portal_is_over_500_lines():
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in own_modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MOST_LINES
    }
    assert not too_long, f"modules over {MOST_LINES} lines (cut them along their jobs): {too_long}"


def test_the_root_of_lessons_holds_only_its_entry_points():
    modules = {path.name for path in (ROOT / "lessons").glob("*.py")}
    assert modules - LESSONS_ROOT == set(), "modules that belong in a capability package"


def test_the_import_contracts_fail_on_lessons_importing_portal(tmp_path):
    """A copy of the code with one forbidden import: lint-imports names the contract it
    breaks and exits non-zero (the unchanged code passes in `make lint`)."""
    for name in ("lessons", "portal"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    numbers = tmp_path / "lessons" / "kernel" / "numbers.py"
    numbers.write_text(numbers.read_text(encoding="utf-8") + "\nimport portal.models  # noqa\n")
    lint_imports = Path(sys.executable).with_name("lint-imports")

    result = subprocess.run(
        [lint_imports, "--no-cache"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "lessons never imports portal BROKEN" in result.stdout
    assert "lessons.kernel.numbers -> portal.models" in result.stdout
