"""What every browser journey shares: a real Chromium driven by Playwright (which cannot download
its own browser here), a check that no request leaves the live server, and axe accessibility
checks (WCAG 2.0/2.1 A and AA).

Reference data: the session fixture `django_db_setup` (tests/conftest.py) loads it once, but a
`live_server` test runs with transactional_db, which empties the database after each test. So
each test loads the reference data when it is missing, and each module puts it back when it is
done, so that later tests in the session find it as the session fixture promised.
(`serialized_rollback` would not help: Django serialises the test database when it is created,
before the reference data is loaded, so it would restore an empty registry.)
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest


def find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


CHROMIUM = find_chromium()
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WCAG_A_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def _missing_reference_data() -> bool:
    from delegations.models import Delegation
    from governance.models import Body
    from organisations.models import System

    return not (
        System.objects.filter(short_name="GM").exists()
        and Body.objects.exists()
        and Delegation.objects.exists()
    )


# --- Fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def _restore_reference_data(django_db_blocker):
    """After the module's tests (and their flushes), put the reference data back for later tests."""
    yield
    from delegations.reference import load_reference_data

    with django_db_blocker.unblock():
        if _missing_reference_data():
            load_reference_data()


@pytest.fixture
def reference_data(transactional_db, _restore_reference_data):
    """The reference registry, loaded again if an earlier transactional test flushed it."""
    from delegations.reference import load_reference_data

    if _missing_reference_data():
        load_reference_data()


@pytest.fixture
def browser_page(reference_data, live_server):
    """A fresh Chromium page. Records every request that goes to another host than the server.

    Do all database work before this fixture starts: the Playwright sync API runs an event loop
    in this thread, and Django then refuses ORM calls here (SynchronousOnlyOperation). Allowing
    them would be worse: they would run on a second connection that is never closed."""
    from playwright.sync_api import sync_playwright

    server = urlsplit(live_server.url).netloc
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            locale="en-GB", timezone_id="Europe/London", viewport={"width": 1280, "height": 900}
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.foreign_requests = []

        def check_host(request):
            parts = urlsplit(request.url)
            if parts.scheme in {"http", "https", "ws", "wss"} and parts.netloc != server:
                page.foreign_requests.append(request.url)

        page.on("request", check_host)
        try:
            yield page
        finally:
            context.close()
            browser.close()
    assert not page.foreign_requests, (
        f"Requests went to hosts other than the live server {server}:\n  "
        + "\n  ".join(page.foreign_requests)
    )


class Accessibility:
    """Runs axe on a page and fails with a readable list of the violations."""

    def __init__(self, report_dir: Path):
        self.pages_checked: list[str] = []
        try:
            from pytest_playwright_axe import Axe
        except ImportError as exc:  # the package needs Python 3.12+
            self.axe = None
            self.unavailable = f"pytest_playwright_axe cannot be imported ({exc})"
        else:
            self.axe = Axe(output_directory=report_dir)
            self.unavailable = ""

    def check(self, page) -> None:
        shots = os.environ.get("E2E_SCREENSHOT_DIR")  # set it to keep a picture of each page checked
        if shots:
            name = re.sub(r"[^a-z0-9]+", "-", urlsplit(page.url).path.lower()).strip("-") or "home"
            page.screenshot(path=Path(shots) / f"{len(self.pages_checked):02d}-{name}.png", full_page=True)
        if self.axe is None:
            self.pages_checked.append(page.url)
            return
        results = self.axe.run(
            page,
            options=WCAG_A_AA,
            html_report_generated=False,
            json_report_generated=False,
        )
        self.pages_checked.append(page.url)
        violations = results.get("violations", [])
        assert not violations, f"axe found accessibility problems on {page.url}:\n" + describe(violations)

    def skip_if_unavailable(self) -> None:
        """Called at the end of a journey that passed: report the axe part as skipped."""
        if self.axe is None:
            pytest.skip(f"Journey passed, but the axe accessibility checks were skipped: {self.unavailable}")


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation.get('help')}\n"
            f"  {violation.get('helpUrl', '')}"
        )
        for node in violation.get("nodes", [])[:10]:
            lines.append(f"    at {node.get('target')}: {node.get('html', '')[:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


@pytest.fixture
def a11y(tmp_path):
    return Accessibility(tmp_path / "axe-reports")


def assert_only_live_server(page) -> None:
    assert not page.foreign_requests, "Requests went to other hosts than the live server:\n  " + "\n  ".join(
        page.foreign_requests
    )
