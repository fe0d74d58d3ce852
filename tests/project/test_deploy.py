"""`manage.py check --deploy` passes cleanly under the production settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def production_env(**extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DEMO_ADMIN_")) and key != "PYTEST_CURRENT_TEST"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ics_registry.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(48),  # 64 random characters
        DJANGO_ALLOWED_HOSTS="registry.example.nhs.uk",
        **extra,
    )
    return env


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def database_url():
    url = os.environ.get("DATABASE_URL")
    if not url:
        pytest.skip("DATABASE_URL is not set: the production settings need a database to point at")
    return url


def test_check_deploy_finds_no_issues(database_url):
    env = production_env(DATABASE_URL=database_url)
    assert len(env["DJANGO_SECRET_KEY"]) == 64

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_refuses_a_short_secret_key(database_url):
    env = production_env(DATABASE_URL=database_url)
    env["DJANGO_SECRET_KEY"] = "too-short"

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set to a random value of 50 or more characters." in result.stderr


def test_production_refuses_to_start_without_a_database_url():
    env = production_env()
    env.pop("DATABASE_URL", None)

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "DATABASE_URL must point at the deployment's PostgreSQL." in result.stderr
