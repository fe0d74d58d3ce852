"""GET /healthz: the state of the database, the broker and the workers, as JSON.

Most tests answer the worker ping from a stub (a real ping waits 2 s for replies); one starts a
real Celery worker against REDIS_URL.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError

from ics_registry.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_workers():
    with mock.patch.object(celery_app.control, "ping", return_value=[]) as ping:
        yield ping


@pytest.fixture
def one_worker():
    with mock.patch.object(
        celery_app.control, "ping", return_value=[{"celery@web-1": {"ok": "pong"}}]
    ) as ping:
        yield ping


def test_all_up_is_200_and_ok(client, one_worker):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "database", "broker", "worker"}
    assert body["database"]["ok"] is True and isinstance(body["database"]["ms"], float)
    assert body["broker"] == {"ok": True}
    assert body["worker"] == {"ok": True, "answered": ["celery@web-1"]}
    assert body["status"] == "ok"
    one_worker.assert_called_once_with(timeout=2.0, limit=1)


def test_no_worker_answering_is_still_200_but_degraded(client, no_workers):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["worker"] == {"ok": False, "answered": []}
    assert body["status"] == "degraded"


def test_database_unreachable_is_503(client, no_workers):
    with mock.patch("django.db.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["database"] == {"ok": False, "error": "OperationalError"}
    assert body["status"] == "degraded"
    assert "connection refused" not in response.content.decode()  # no internals leak


def test_broker_unreachable_is_200_with_broker_and_worker_down(client, settings, tmp_path, no_workers):
    settings.CELERY_BROKER_URL = f"redis+socket://{tmp_path}/no-such.socket"

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["broker"]["ok"] is False and body["broker"]["error"]
    assert body["worker"] == {"ok": False, "answered": [], "error": "broker unreachable"}
    no_workers.assert_not_called()  # no 2 s wait for workers when the broker is down


def test_is_never_cached_and_only_answers_get(client, no_workers):
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]

    assert client.post("/healthz").status_code == 405


@pytest.fixture
def real_worker():
    """A Celery worker in a subprocess against REDIS_URL, on a queue of its own so that it takes
    no one else's tasks; it still answers the broadcast ping."""
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("REDIS_URL is not set: a real worker needs a Redis broker to connect to")
    name = f"healthz-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ics_registry.settings.test", "REDIS_URL": redis_url}
    env.pop("PYTEST_CURRENT_TEST", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ics_registry",
            "worker",
            "--concurrency",
            "1",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "-n",
            f"{name}@%h",
            "-Q",
            name,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"the worker exited early: {process.stderr.read()[-2000:]}")
            replies = celery_app.control.ping(timeout=0.5) or []
            if any(key.startswith(f"{name}@") for reply in replies for key in reply):
                break
        else:
            pytest.fail("the worker did not answer a ping within 45 s")
        yield name
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def test_a_running_worker_is_seen(client, real_worker):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["broker"] == {"ok": True}
    assert body["worker"]["ok"] is True
    assert body["worker"]["answered"]
    assert body["status"] == "ok"
