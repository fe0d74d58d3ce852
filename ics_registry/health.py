"""GET /healthz: the state of the database, the broker and the workers, as JSON."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not reachable"
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def _broker() -> dict:
    from kombu import Connection

    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=1) as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True}


def _workers(broker_ok: bool) -> dict:
    if not broker_ok:
        return {"ok": False, "answered": [], "error": "broker unreachable"}
    from ics_registry.celery import app

    try:
        replies = app.control.ping(timeout=2.0, limit=1) or []
    except Exception as exc:
        return {"ok": False, "answered": [], "error": exc.__class__.__name__}
    names = sorted(name for reply in replies for name in reply)
    return {"ok": bool(names), "answered": names}


@never_cache
@require_GET
def healthz(request):
    database = _database()
    broker = _broker()
    workers = _workers(broker["ok"])
    status = 200 if database["ok"] else 503
    return JsonResponse(
        {
            "status": "ok" if database["ok"] and broker["ok"] and workers["ok"] else "degraded",
            "database": database,
            "broker": broker,
            "worker": workers,
        },
        status=status,
    )
