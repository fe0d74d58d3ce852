"""The "as at" date: every page shows the registry as it stood on one date.

A visitor picks the date with `?as_at=YYYY-MM-DD` on any page (or `?as_at=today`); it is kept in
the session so that it stays while they navigate, and it is shown at the top of every page.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

SESSION_KEY = "as_at"


def parse_date(value: str | None) -> dt.date | None:
    """A strict YYYY-MM-DD parser: anything else is None."""
    if not value:
        return None
    try:
        return dt.datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        return None


def today() -> dt.date:
    return timezone.localdate()


class AsAtMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.as_at_error = None
        raw = request.GET.get("as_at")
        session = getattr(request, "session", None)
        if raw is not None and not request.path.startswith("/api/"):
            if raw == "today" or raw == "":
                if session is not None:
                    session.pop(SESSION_KEY, None)
            else:
                chosen = parse_date(raw)
                if chosen is None:
                    request.as_at_error = "Enter the date as year-month-day, for example 2022-07-01"
                elif session is not None:
                    session[SESSION_KEY] = chosen.isoformat()
        stored = (
            parse_date(session.get(SESSION_KEY))
            if session is not None and not request.path.startswith("/api/")
            else None
        )
        request.as_at = stored or today()
        request.as_at_is_today = request.as_at == today()
        return self.get_response(request)


def as_at_context(request):
    return {
        "as_at": getattr(request, "as_at", today()),
        "as_at_is_today": getattr(request, "as_at_is_today", True),
        "as_at_error": getattr(request, "as_at_error", None),
    }
