"""A browser journey through a system's governance, in a real Chromium driven by Playwright, with
axe accessibility checks (WCAG 2.0/2.1 A and AA) on every page visited: Cheshire and Merseyside →
its governance → the Partnership Board → its seats → its accountability to the Partnership
Assembly → the diagram and its table.

The names of the bodies are read from the reference data (governance/reference/governance.yaml),
so that the journey follows the data rather than a copy of it.

The browser, the reference data and the accessibility checks come from tests/e2e/conftest.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")

from playwright.sync_api import Page, expect  # noqa: E402

from governance.reference import GOVERNANCE_FILE  # noqa: E402

from .conftest import CHROMIUM, assert_only_live_server  # noqa: E402

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="No Chromium found: set CHROMIUM_PATH to a Chromium binary, or install /usr/bin/chromium",
    ),
]


def _reference_body(kind: str, system: str = "cm") -> dict:
    """The reference data's system-wide body of this kind in this system (by the YAML's system key)."""
    data = yaml.safe_load(Path(GOVERNANCE_FILE).read_text())
    matches = [
        b
        for b in data.get("bodies") or []
        if b["kind"] == kind and b["system"] == system and b["tier"] == "system"
    ]
    assert len(matches) == 1, f"expected one {kind} in {system} in {GOVERNANCE_FILE}"
    return matches[0]


BOARD = _reference_body("partnership_board")
ASSEMBLY = _reference_body("partnership_assembly")


def diagram_matches_its_table(page: Page, table_name: str) -> None:
    """The drawing has a box for each body and a line for each relation of the table after it."""
    drawing = page.locator("svg.registry-graph__svg")
    expect(drawing).to_have_attribute("role", "img")
    title_id = drawing.get_attribute("aria-labelledby").split()[0]
    expect(page.locator(f"svg title#{title_id}")).to_have_count(1)
    table = page.get_by_role("table", name=table_name)
    rows = table.locator("tbody tr")
    assert drawing.locator("path.registry-graph__line").count() == rows.count() > 0
    assert drawing.locator("g.registry-graph__label").count() == rows.count()
    names = set()
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        names |= {cells.nth(0).inner_text().strip(), cells.nth(2).inner_text().strip()}
    assert drawing.locator("g.registry-graph__box").count() >= len(names)


# --- Journey -------------------------------------------------------------------------------


def test_follow_cheshire_and_merseysides_governance_from_the_board_to_the_assembly(
    browser_page, live_server, a11y
):
    page = browser_page
    board, assembly = BOARD["name"], ASSEMBLY["name"]

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Cheshire and Merseyside", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cheshire and Merseyside")
    a11y.check(page)

    page.get_by_role("link", name=re.compile(r"^Governance of Cheshire and Merseyside")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Governance of Cheshire and Merseyside")
    expect(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Bodies")).to_have_attribute(
        "aria-current", "true"
    )
    # The drawing, and the bodies grouped by tier in the tables after it.
    drawing = page.locator("svg.registry-graph__svg")
    expect(drawing).to_be_visible()
    system_wide = page.get_by_role("table", name="System-wide bodies")
    expect(system_wide.get_by_role("link", name=board, exact=True)).to_be_visible()
    expect(system_wide.get_by_role("link", name=assembly, exact=True)).to_be_visible()
    bodies_listed = page.locator("tr[data-body]").count()
    assert drawing.locator("g.registry-graph__box").count() == bodies_listed
    diagram_matches_its_table(page, "Relations between the bodies")
    # The Assembly holds the Board to account and the Board is accountable to it: two lines, both drawn.
    relations = page.get_by_role("table", name="Relations between the bodies")
    expect(
        relations.get_by_role(
            "row", name=re.compile(rf"^{re.escape(board)} is accountable to\b.*{re.escape(assembly)}")
        )
    ).to_have_count(1)
    expect(
        relations.get_by_role(
            "row", name=re.compile(rf"^{re.escape(assembly)} holds to account\b.*{re.escape(board)}")
        )
    ).to_have_count(1)
    a11y.check(page)

    system_wide.get_by_role("link", name=board, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(board)
    a11y.check(page)

    # Its seats, and one of them.
    seats = page.get_by_role("table", name=re.compile(rf"^Seats of {re.escape(board)}"))
    first_seat = BOARD["seats"][0]["label"]
    seats.get_by_role("link", name=first_seat, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first_seat)
    expect(page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=board)).to_be_visible()
    a11y.check(page)
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=board).click()

    # Its accountability: drawn, and the same in the table.
    expect(page.get_by_role("heading", name=re.compile(r"^Accountability on"))).to_be_visible()
    diagram_matches_its_table(page, "Relations drawn above")
    relations = page.get_by_role("table", name="Relations drawn above")
    row = relations.get_by_role(
        "row", name=re.compile(rf"^{re.escape(board)} is accountable to\b.*{re.escape(assembly)}")
    )
    expect(row).to_have_count(1)
    row.get_by_role("link", name=assembly, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(assembly)
    a11y.check(page)

    # Two links away from the Assembly: the bodies accountable to the Board come in.
    page.get_by_role("link", name="Show bodies up to two links away").click()
    expect(
        page.get_by_role("link", name="Show only the bodies linked directly to " + assembly)
    ).to_be_visible()
    diagram_matches_its_table(page, "Relations drawn above")
    a11y.check(page)

    # The drawing's frame scrolls by keyboard when it is wider than the page.
    page.locator(".registry-graph").focus()
    expect(page.locator(".registry-graph")).to_be_focused()

    assert_only_live_server(page)
    a11y.skip_if_unavailable()


def test_the_body_list_and_the_overdue_terms_of_reference(browser_page, live_server, a11y):
    page = browser_page
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Bodies").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bodies")
    expect(page.get_by_role("link", name=BOARD["name"], exact=True)).to_be_visible()
    a11y.check(page)

    page.get_by_text("Filter bodies").click()
    page.get_by_label("Kind").select_option(label="Partnership assembly")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("status")).to_have_text("1 body found")
    expect(page.get_by_role("link", name=ASSEMBLY["name"], exact=True)).to_be_visible()
    a11y.check(page)

    page.get_by_role("link", name=re.compile(r"^Terms of reference overdue for review")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terms of reference overdue for review")
    a11y.check(page)

    assert_only_live_server(page)
    a11y.skip_if_unavailable()


@pytest.fixture
def board_secretary(reference_data, django_user_model):
    """A user who maintains the Partnership Board (and nothing else)."""
    from governance.models import Body
    from governance.services import body_secretary_grant

    user = django_user_model.objects.create_user(username="board-secretary", password="pw-board-secretary")
    body_secretary_grant(user=user, body=Body.objects.get(name=BOARD["name"]))
    return user


def test_a_board_secretary_adds_a_seat_and_sees_an_error_beside_the_field(
    board_secretary, browser_page, live_server, a11y
):
    page = browser_page
    page.goto(live_server.url + "/bodies/")
    page.get_by_role("link", name=BOARD["name"], exact=True).click()
    expect(page.get_by_role("link", name="Add a seat to " + BOARD["name"])).to_have_count(0)

    page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill("board-secretary")
    page.get_by_label("Password").fill("pw-board-secretary")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(BOARD["name"])
    # A secretary maintains the board's seats, not the board itself.
    expect(page.get_by_role("link", name="Edit " + BOARD["name"])).to_have_count(0)
    page.get_by_role("link", name="Add a seat to " + BOARD["name"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a seat for " + BOARD["name"])
    a11y.check(page)

    page.get_by_label("Constituency").fill("Healthwatch representative")
    page.get_by_label("Capacity").fill("0")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary.get_by_role("link", name="A seat takes at least one member.")).to_have_attribute(
        "href", "#id_capacity"
    )
    group = page.locator(".nhsuk-form-group--error", has=page.locator("#id_capacity"))
    expect(group.locator(".nhsuk-error-message")).to_contain_text("A seat takes at least one member.")
    expect(page.get_by_label("Constituency")).to_have_value("Healthwatch representative")
    a11y.check(page)

    page.get_by_label("Capacity").fill("1")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Healthwatch representative")
    expect(page.locator(".nhsuk-notification-banner--success")).to_contain_text(
        "Seat saved: Healthwatch representative"
    )
    a11y.check(page)
    page.get_by_role("link", name="Record a holder of Healthwatch representative").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Record a holder of the seat Healthwatch representative"
    )
    a11y.check(page)

    assert_only_live_server(page)
    a11y.skip_if_unavailable()
