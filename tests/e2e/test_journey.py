"""Browser journeys through the registry, in a real Chromium driven by Playwright, with axe
accessibility checks (WCAG 2.0/2.1 A and AA) on every page visited.

Reference data: the session fixture `django_db_setup` (tests/conftest.py) loads it once, but a
`live_server` test runs with transactional_db, which empties the database after each test. So
each test here loads the reference data when it is missing, and the module puts it back when it
is done, so that later tests in the session find it as the session fixture promised.
(`serialized_rollback` would not help: Django serialises the test database when it is created,
before the reference data is loaded, so it would restore an empty registry.)
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402


def _find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


CHROMIUM = _find_chromium()
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

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="No Chromium found: set CHROMIUM_PATH to a Chromium binary, or install /usr/bin/chromium",
    ),
]


# --- Fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def _restore_reference_data(django_db_blocker):
    """After the module's tests (and their flushes), put the reference data back for later tests."""
    yield
    from governance.reference import load_reference_data
    from organisations.models import System

    with django_db_blocker.unblock():
        if not System.objects.filter(short_name="GM").exists():
            load_reference_data()


@pytest.fixture
def reference_data(transactional_db, _restore_reference_data):
    """The reference registry, loaded again if an earlier transactional test flushed it."""
    from governance.reference import load_reference_data
    from organisations.models import System

    if not System.objects.filter(short_name="GM").exists():
        load_reference_data()


@pytest.fixture
def stockport_editor(reference_data, django_user_model):
    """An area editor of Stockport, and a Stockport organisation they may edit."""
    from guardian.shortcuts import assign_perm

    from ics_registry.permissions import AREA_EDITOR_PERMISSION
    from organisations.models import Area, Organisation

    stockport = Area.objects.get(name="Stockport", tier="locality", system__short_name="GM")
    editor = django_user_model.objects.create_user(
        username="stockport-editor", password="pw-stockport-editor"
    )
    assign_perm(AREA_EDITOR_PERMISSION, editor, stockport)
    council = Organisation.objects.get(name="Stockport Council")
    assert council.start_date is None and council.end_date is None
    return council


@pytest.fixture
def browser_page(reference_data, live_server):
    """A fresh Chromium page. Records every request that goes to another host than the server.

    Do all database work before this fixture starts: the Playwright sync API runs an event loop
    in this thread, and Django then refuses ORM calls here (SynchronousOnlyOperation). Allowing
    them would be worse: they would run on a second connection that is never closed."""
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

    def check(self, page: Page) -> None:
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


def as_at_bar(page: Page):
    return page.locator(".registry-as-at")


def change_as_at(page: Page, iso_date: str) -> None:
    page.get_by_label("As at date").fill(iso_date)
    page.get_by_role("button", name="Change date").click()
    page.wait_for_url(re.compile(rf"as_at={iso_date}"))


def assert_only_live_server(page: Page) -> None:
    assert not page.foreign_requests, "Requests went to other hosts than the live server:\n  " + "\n  ".join(
        page.foreign_requests
    )


def organisations_serving(page: Page, place: str):
    return page.get_by_role("table", name=re.compile(rf"^Organisations serving {place}\b"))


# --- Journeys ------------------------------------------------------------------------------


def test_browse_to_a_place_and_see_it_as_at_a_date(browser_page, live_server, a11y):
    page = browser_page

    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("ICS Registry")
    a11y.check(page)

    page.get_by_role("link", name="Greater Manchester", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Greater Manchester")
    expect(page.get_by_role("table", name=re.compile("^Places in Greater Manchester"))).to_contain_text(
        "Stockport"
    )
    a11y.check(page)

    page.get_by_role("link", name="Stockport", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stockport")
    a11y.check(page)

    # The day before the ICBs became statutory: the CCG still serves Stockport.
    change_as_at(page, "2022-06-30")
    expect(as_at_bar(page)).to_contain_text("30 June 2022")
    serving = organisations_serving(page, "Stockport")
    expect(serving.get_by_role("link", name="NHS Stockport CCG", exact=True)).to_be_visible()
    expect(serving.get_by_role("link", name="NHS Greater Manchester Integrated Care")).to_have_count(0)
    a11y.check(page)

    # 1 July 2022: the CCG has gone and the Greater Manchester ICB serves Stockport.
    change_as_at(page, "2022-07-01")
    expect(as_at_bar(page)).to_contain_text("1 July 2022")
    serving = organisations_serving(page, "Stockport")
    expect(
        serving.get_by_role("link", name="NHS Greater Manchester Integrated Care", exact=True)
    ).to_be_visible()
    expect(serving.get_by_role("link", name="NHS Stockport CCG")).to_have_count(0)
    a11y.check(page)

    # The chosen date stays while navigating: no as_at in the URL, still shown and still applied.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Organisations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations")
    assert "as_at" not in page.url
    expect(as_at_bar(page)).to_contain_text("1 July 2022")
    expect(page.get_by_label("As at date")).to_have_value("2022-07-01")
    a11y.check(page)

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Home").click()
    page.get_by_role("link", name="Greater Manchester", exact=True).click()
    expect(as_at_bar(page)).to_contain_text("1 July 2022")
    expect(
        page.get_by_role("table", name=re.compile("^Organisations serving areas of Greater Manchester"))
    ).to_contain_text("NHS Greater Manchester Integrated Care")
    a11y.check(page)

    assert_only_live_server(page)
    a11y.skip_if_unavailable()


def test_area_editor_sees_a_period_error_beside_the_field(stockport_editor, browser_page, live_server, a11y):
    council_url = live_server.url + stockport_editor.get_absolute_url()
    page = browser_page
    page.goto(council_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Stockport Council")
    expect(page.get_by_role("link", name="Edit Stockport Council")).to_have_count(0)

    page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    a11y.check(page)
    page.get_by_label("Username").fill("stockport-editor")
    page.get_by_label("Password").fill("pw-stockport-editor")
    page.get_by_role("button", name="Sign in").click()

    # Back on the organisation, now with an edit link.
    expect(page.get_by_role("heading", level=1)).to_have_text("Stockport Council")
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("stockport-editor")
    page.get_by_role("link", name="Edit Stockport Council").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit Stockport Council")
    a11y.check(page)

    page.get_by_label("Name", exact=True).fill("Stockport Metropolitan Borough Council")
    page.get_by_label("Start date").fill("2021-04-01")
    page.get_by_label("End date").fill("2020-03-31")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    # The page still names the record as saved; only the form shows what was typed.
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit Stockport Council")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(
        summary.get_by_role("link", name="The end date must be on or after the start date.")
    ).to_have_attribute("href", "#id_end_date")
    end_group = page.locator(".nhsuk-form-group--error", has=page.locator("#id_end_date"))
    expect(end_group.locator(".nhsuk-error-message")).to_contain_text(
        "The end date must be on or after the start date."
    )
    expect(page.get_by_label("End date")).to_have_attribute(
        "aria-describedby", re.compile(r"\bid_end_date_error\b")
    )
    # What the user typed is kept.
    expect(page.get_by_label("Name", exact=True)).to_have_value("Stockport Metropolitan Borough Council")
    expect(page.get_by_label("Start date")).to_have_value("2021-04-01")
    expect(page.get_by_label("End date")).to_have_value("2020-03-31")
    a11y.check(page)

    # Nothing was saved.
    page.get_by_role("link", name=re.compile("^Cancel")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stockport Council")
    summary_list = page.locator(".nhsuk-summary-list")
    expect(summary_list).to_contain_text("Date not recorded")
    expect(summary_list).to_contain_text("Still open")

    page.get_by_role("navigation", name="Account").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign in")).to_be_visible()

    assert_only_live_server(page)
    a11y.skip_if_unavailable()
