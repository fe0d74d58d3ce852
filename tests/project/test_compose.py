"""docker-compose.yml cannot be run here (no Docker engine), so its shape is checked against the
settings: the services, their commands, and that every variable it sets is one the settings read."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
APP_SERVICES = ("web", "worker", "beat")


def _settings_variables() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "ics_registry" / "settings").glob("*.py"):
        text = path.read_text()
        names |= set(re.findall(r"""env(?:_bool|_list)?\(\s*["']([A-Z0-9_]+)["']""", text))
        names |= set(re.findall(r"""os\.environ(?:\.get)?\(\s*["']([A-Z0-9_]+)["']""", text))
    return names | {"DJANGO_SETTINGS_MODULE"}  # read by manage.py, wsgi.py and celery.py


def _command(service: str) -> str:
    command = COMPOSE["services"][service]["command"]
    return command if isinstance(command, str) else " ".join(command)


def test_services_are_the_database_broker_web_worker_and_one_beat():
    services = COMPOSE["services"]
    assert set(services) == {"db", "redis", "web", "worker", "beat"}
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1
    assert sum("beat" in _command(name) for name in services if "command" in services[name]) == 1


def test_database_and_broker_keep_their_data_in_volumes():
    volumes = set(COMPOSE["volumes"])
    assert any(
        v.split(":")[0] in volumes and v.endswith("/var/lib/postgresql/data")
        for v in COMPOSE["services"]["db"]["volumes"]
    )
    assert any(
        v.split(":")[0] in volumes and v.endswith("/data") for v in COMPOSE["services"]["redis"]["volumes"]
    )


def test_app_services_share_one_image_built_by_the_dockerfile():
    builds = {str(COMPOSE["services"][name].get("build")) for name in APP_SERVICES}
    images = {COMPOSE["services"][name].get("image") for name in APP_SERVICES}
    assert builds == {"."} and len(images) == 1
    assert (ROOT / "Dockerfile").exists()


def test_web_runs_migrations_before_gunicorn_and_the_others_run_celery():
    web = _command("web")
    assert "migrate" in web and "gunicorn" in web and web.index("migrate") < web.index("gunicorn")
    assert re.search(r"celery .*-A ics_registry worker", _command("worker"))
    assert re.search(r"celery .*-A ics_registry beat", _command("beat"))


def test_configuration_uses_only_variables_the_settings_read():
    read = _settings_variables()
    for name in APP_SERVICES:
        env = COMPOSE["services"][name]["environment"]
        unknown = set(env) - read
        assert not unknown, f"{name} sets variables no setting reads: {sorted(unknown)}"
        assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY"} <= set(env)
        assert env["DJANGO_SETTINGS_MODULE"] == "ics_registry.settings.production"


def test_makefile_and_ci_call_the_readme_commands():
    readme = (ROOT / "README.md").read_text()
    head = "\n".join(readme.splitlines()[:40])
    assert "make run" in head and "make test" in head
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)
    assert "chromium" in ci
