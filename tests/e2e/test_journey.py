"""Browser journeys through the registry, in a real Chromium driven by Playwright, with axe
accessibility checks (WCAG 2.0/2.1 A and AA) on every page visited.

The browser, the reference data and the accessibility checks come from tests/e2e/conftest.py.
"""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")

from playwright.sync_api import Page, expect  # noqa: E402

from .conftest import CHROMIUM, assert_only_live_server  # noqa: E402

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="No Chromium found: set CHROMIUM_PATH to a Chromium binary, or install /usr/bin/chromium",
    ),
]


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


def as_at_bar(page: Page):
    return page.locator(".registry-as-at")


def change_as_at(page: Page, iso_date: str) -> None:
    page.get_by_label("As at date").fill(iso_date)
    page.get_by_role("button", name="Change date").click()
    page.wait_for_url(re.compile(rf"as_at={iso_date}"))


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
