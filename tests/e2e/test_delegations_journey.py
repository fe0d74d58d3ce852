"""A browser journey through decision rights, in a real Chromium with axe checks (WCAG 2.0/2.1 A
and AA) on every page visited: "Who can decide district nursing for Stockport?" before the GM ICB
took over on 1 July 2022 (the CCG) and after it (the ICB, and through its delegation the Stockport
Locality Board), then the delegation itself, the GM functions map and tier table, and the register
of place-based leads.

The answers come from the reference data (delegations/reference/delegations.yaml); the browser,
the reference data and the accessibility checks from tests/e2e/conftest.py.
"""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")

from playwright.sync_api import expect  # noqa: E402

from .conftest import CHROMIUM, assert_only_live_server  # noqa: E402

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="No Chromium found: set CHROMIUM_PATH to a Chromium binary, or install /usr/bin/chromium",
    ),
]

ICB = "NHS Greater Manchester Integrated Care"
CCG = "NHS Stockport CCG"
BOARD = "Stockport Locality Board"


def ask(page, on: str) -> None:
    # Options are indented by their depth in the catalogue: pick the one that reads "District nursing".
    option = page.locator("#id_function option").filter(has_text=re.compile(r"^\s*District nursing\s*$"))
    page.get_by_label("Function").select_option(value=option.get_attribute("value"))
    page.get_by_label("Place").select_option(label="Stockport")
    page.get_by_label("Date").fill(on)
    page.get_by_role("button", name="Find who can decide").click()


def test_who_can_decide_district_nursing_for_stockport_before_and_after_1_july_2022(
    browser_page, live_server, a11y
):
    page = browser_page
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Who can decide?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who can decide…?")
    a11y.check(page)

    # Before the GM ICB became statutory: the CCG, by statute, and nobody through a delegation.
    ask(page, "2022-06-15")
    answer = page.locator("#answer-heading")
    expect(answer).to_have_text("Who could decide District nursing for Stockport on 15 June 2022")
    holders = page.get_by_role("list").filter(has=page.get_by_role("link", name=CCG, exact=True))
    expect(holders.get_by_role("listitem")).to_have_count(1)
    expect(holders.get_by_role("listitem")).to_contain_text(f"{CCG}: by statute")
    expect(
        page.get_by_text(re.compile(r"No delegation of District nursing for Stockport was in force"))
    ).to_be_visible()
    expect(page.get_by_role("link", name=ICB, exact=True)).to_have_count(0)
    a11y.check(page)

    # After: the ICB by statute, and the Locality Board through the ICB's delegation.
    ask(page, "2022-08-01")
    expect(answer).to_have_text("Who could decide District nursing for Stockport on 1 August 2022")
    expect(page.get_by_role("listitem").filter(has_text=f"{ICB}: by statute")).to_have_count(1)
    expect(page.get_by_role("listitem").filter(has_text=f"{BOARD}: by delegation from {ICB}")).to_have_count(
        1
    )
    expect(page.get_by_role("link", name=CCG, exact=True)).to_have_count(0)
    # The chain as a drawing, and the same chain as a table beside it.
    drawing = page.get_by_role("img", name=re.compile(rf"^Chain of authority from {ICB} to {BOARD}"))
    expect(drawing).to_be_visible()
    chain = page.get_by_role("table", name="Each link of the chain drawn above")
    rows = chain.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("link", name=ICB, exact=True)).to_be_visible()
    expect(rows.first.get_by_role("link", name=BOARD, exact=True)).to_be_visible()
    expect(rows.first).to_contain_text("1 Jul 2022")
    expect(page.locator("p").filter(has_text="Effective limit:")).to_contain_text(
        "no financial limit is set along the chain"
    )
    a11y.check(page)

    # The delegation itself: who delegated what to whom, and where it sits in the chain.
    rows.first.get_by_role("link", name=re.compile(r"^Delegation \d+")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(BOARD)
    expect(page.get_by_text("Community health services").first).to_be_visible()
    a11y.check(page)

    assert_only_live_server(page)
    a11y.skip_if_unavailable()


def test_the_gm_map_tier_table_and_place_based_lead_register(browser_page, live_server, a11y):
    page = browser_page
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Greater Manchester", exact=True).first.click()
    gm_url = page.url
    system_pk = re.search(r"/systems/(\d+)/", gm_url).group(1)

    page.goto(f"{live_server.url}/systems/{system_pk}/functions-map/?as_of=2022-08-01")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Functions and decisions map")
    expect(page.get_by_role("main")).to_contain_text("Greater Manchester")
    expect(page.get_by_role("link", name=BOARD, exact=True).first).to_be_visible()
    a11y.check(page)

    page.goto(f"{live_server.url}/systems/{system_pk}/tier-table/")
    table = page.get_by_role("table").first
    expect(table).to_contain_text("Locality Board")
    expect(table).to_contain_text("Oversight of pooled budgets")
    a11y.check(page)

    page.goto(live_server.url + "/")
    menu = page.get_by_role("navigation", name="Menu")
    more = menu.get_by_role("button", name="More")
    if more.is_visible():  # the header folds the last items into "More" when they do not fit
        more.click()
    menu.get_by_role("link", name="Place-based leads").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Place-based lead")
    expect(page.get_by_text("Not yet decided").first).to_be_visible()
    a11y.check(page)

    assert_only_live_server(page)
    a11y.skip_if_unavailable()
