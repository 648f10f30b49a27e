"""Project-wide checks: migrations match the models, production settings pass the deploy
check, and production refuses to start without a real secret key."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "False",
    "SECRET_KEY": "k3Jx9-Qw7!zP2m@Lr8#Vt5^Yn1&Hb4*Cd6(Fg0)Ue_Sa+Oi=Lp;Zx,Mq.Nw/Rt?",
    "ALLOWED_HOSTS": "portal.example.com",
}


@pytest.mark.django_db
def test_it_has_a_migration_for_every_model_change():
    output = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=output)
    assert "No changes detected" in output.getvalue()


def _without_test_only(environ) -> dict:
    """The environment a deployment has: without the browser tests' async switch."""
    return {k: v for k, v in environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**_without_test_only(os.environ), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_the_deploy_check_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_refuses_to_start_in_production_without_a_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def _production_settings(*names: str, **env: str) -> dict[str, str]:
    """The settings `names` as production reads them with `env`, in one process."""
    code = "from django.conf import settings; " + "; ".join(
        f"print({name!r}, settings.{name}, sep='\\t')" for name in names
    )
    result = _manage("shell", "-c", code, env={**PRODUCTION_ENV, **env})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    printed = dict(line.split("\t", 1) for line in lines if "\t" in line)
    return {name: printed[name] for name in names}


def _production_setting(name: str, **env: str) -> str:
    return _production_settings(name, **env)[name]


HSTS = ("SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD")


def test_it_leaves_hsts_subdomains_and_preload_off_unless_asked():
    assert _production_settings(*HSTS) == {
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "False",
        "SECURE_HSTS_PRELOAD": "False",
    }


def test_it_sends_hsts_subdomains_and_preload_when_asked():
    opted_in = {"SECURE_HSTS_INCLUDE_SUBDOMAINS": "True", "SECURE_HSTS_PRELOAD": "True"}
    assert _production_settings(*HSTS[1:], **opted_in) == dict.fromkeys(HSTS[1:], "True")
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV | opted_in)
    assert result.returncode == 0, result.stdout + result.stderr
