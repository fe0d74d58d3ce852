"""The delegations pages: what a visitor reads on them, for the question and date asked, and what
they cost. The records are made here (through the services, or factories for what the services do
not write); the reference data is not relied on."""

from __future__ import annotations

import datetime as dt
import html as html_module
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from delegations import services
from delegations.choices import (
    ArrangementStatus,
    DelegationStatus,
    PlaceLeadModel,
    PlaceLeadRole,
    SpatialLevel,
    TierColumn,
)
from delegations.models import SordImport
from governance.choices import Status
from organisations.choices import Tier
from tests.governance.factories import BodyFactory
from tests.organisations.factories import LocalityFactory, PersonFactory, PostFactory, PostHoldingFactory

from .factories import FunctionFactory, ReservedMatterFactory, TierAssignmentFactory
from .helpers import Stockport

pytestmark = pytest.mark.django_db

D = dt.date
BEFORE, AFTER = D(2022, 6, 15), D(2022, 8, 1)


def text(response) -> str:
    """The page (or a part of it) as a reader sees it: tags removed, whitespace collapsed."""
    page = response if isinstance(response, str) else response.content.decode()
    page = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", page, flags=re.S)
    flat = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).strip()
    return html_module.unescape(re.sub(r" ([,.:;)])", r"\1", flat))


def svg_texts(response) -> list[list[str]]:
    """The words of each drawing on the page, in the order drawn."""
    drawings = re.findall(r"<svg\b[^>]*registry-graph__svg.*?</svg>", response.content.decode(), flags=re.S)
    return [
        [html_module.unescape(t) for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", drawing)]
        for drawing in drawings
    ]


def answer(response) -> str:
    """The answer part of the "who can decide" page, as read."""
    page = response.content.decode()
    start = page.index('<section class="registry-answer"')
    return text(page[start : page.index("</section>", start)])


def field_error(response, name) -> str:
    """The error message shown beside the field `name` ('' when none)."""
    page = response.content.decode()
    for group in page.split('<div class="nhsuk-form-group')[1:]:
        if f'id="id_{name}"' in group.split("</div>\n")[-1] or f'id="id_{name}"' in group:
            if not group.startswith(" nhsuk-form-group--error"):
                return ""
            message = re.search(r'<span class="nhsuk-error-message"[^>]*>(.*?)</span>\s*<', group, flags=re.S)
            found = re.sub(r"<[^>]+>", "", message.group(1)) if message else ""
            return html_module.unescape(re.sub(r"\s+", " ", found.replace("Error:", ""))).strip()
    raise AssertionError(f"no field {name} on the page")


def visit(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response


@pytest.fixture
def world(staff_user):
    """The Stockport case in a system of its own: the CCG until 30 June 2022, the ICB after it,
    the ICB's delegation of community services to the locality board (limit £1,000,000), and the
    board's sub-delegation of district nursing to the place-based lead (limit £250,000)."""
    w = Stockport(staff_user)
    w.to_board = w.delegate()
    w.to_post = w.to_lead(w.to_board, functions=[w.nursing])
    return w


def decide(client, world, function, area, on):
    return visit(client, reverse("delegations:decide"), function=function.pk, area=area.pk, on=on.isoformat())


# --- Who can decide…? ------------------------------------------------------------------------


def test_the_question_form_offers_functions_by_the_catalogue_tree_and_places_by_system(client, world):
    page = visit(client, reverse("delegations:decide")).content.decode()
    select = re.search(r'<select name="function".*?</select>', page, flags=re.S).group(0)
    group = re.search(r'<optgroup label="Test commissioning">(.*?)</optgroup>', select, flags=re.S).group(1)
    options = [html_module.unescape(o) for o in re.findall(r"<option [^>]*>([^<]*)</option>", group)]
    indent = "\u00a0\u00a0\u00a0"
    assert options[:4] == [
        "Test commissioning",
        f"{indent}Community services",
        f"{indent * 2}District nursing",
        f"{indent}Primary care",
    ]
    places = re.search(r'<select name="area".*?</select>', page, flags=re.S).group(0)
    group = re.search(
        r'<optgroup label="Greater Manchester \(test\)">(.*?)</optgroup>', places, flags=re.S
    ).group(1)
    assert re.findall(r"<option [^>]*>([^<]*)</option>", group) == [
        "Greater Manchester (test) (whole system)",
        "Bury",
        "Stockport",
    ]
    # Today, unless the visitor picks another day; nothing is answered until asked.
    assert f'value="{dt.date.today().isoformat()}"' in page
    assert "Who could decide" not in text(visit(client, reverse("delegations:decide")))


def test_before_the_icb_the_ccg_decides_district_nursing_for_stockport(client, world):
    response = decide(client, world, world.nursing, world.stockport, BEFORE)
    page = text(response)
    assert "Who could decide District nursing for Stockport on 15 June 2022" in page
    assert "NHS Stockport CCG: by statute" in page
    assert (
        "NHS Stockport CCG held Test commissioning for Stockport by statute: Start not recorded – 30 Jun 2022."
        in page
    )
    assert "Stockport Locality Board" not in page
    assert svg_texts(response) == []  # a statutory holder needs no chain
    assert (
        "No delegation of District nursing for Stockport was in force on 15 Jun 2022: the statutory holder decides."
        in page
    )


def test_after_the_icb_the_chain_runs_through_the_icb_to_the_locality_board_and_the_lead(client, world):
    response = decide(client, world, world.nursing, world.stockport, AFTER)
    page = text(response)
    assert "Who could decide District nursing for Stockport on 1 August 2022" in page
    assert "NHS Greater Manchester Integrated Care: by statute" in page
    assert (
        "Stockport Locality Board: by delegation from NHS Greater Manchester Integrated Care, up to £1,000,000.00"
        in page
    )
    assert (
        "Place-based lead: by delegation from NHS Greater Manchester Integrated Care, up to £250,000.00"
        in page
    )
    assert "NHS Stockport CCG" not in page
    # The lead's chain: drawn box by box, each arrow labelled with its vehicle and limit…
    board_chain, lead_chain = svg_texts(response)
    assert board_chain == [
        "NHS Greater Manchester Integrated Care",
        "Holds it by statute",
        "Stockport Locality Board",
        "Body, by delegation",
        "Scheme of reservation and delegation",
        "Limit £1,000,000.00",
    ]
    assert lead_chain[-5:] == [
        "Post, by delegation",
        "Scheme of reservation and delegation",
        "Limit £1,000,000.00",
        "Scheme of reservation and delegation",
        "Limit £250,000.00",
    ]
    # …and the same links in the table beside it, with the effective limit.
    assert (
        f"NHS Greater Manchester Integrated Care Stockport Locality Board Delegation {world.to_board.pk}: "
        "Community services; Stockport Scheme of reservation and delegation £1,000,000.00 1 Jul 2022 – present 001: §6.5"
        in page
    )
    assert (
        f"Stockport Locality Board Place-based lead Delegation {world.to_post.pk}: District nursing; Stockport "
        "Scheme of reservation and delegation £250,000.00 1 Jul 2022 – present" in page
    )
    assert "Effective limit: £250,000.00, the smallest limit along the chain." in page
    assert "Through 2 delegations from NHS Greater Manchester Integrated Care" in page


def test_the_lead_may_not_decide_primary_care_which_was_never_delegated_to_it(client, world):
    page = answer(decide(client, world, world.primary, world.stockport, AFTER))
    assert "NHS Greater Manchester Integrated Care: by statute" in page
    assert "Stockport Locality Board" not in page and "Place-based lead" not in page


def test_when_nobody_may_decide_the_page_says_why(client, world):
    page = answer(decide(client, world, world.nursing, world.bury, BEFORE))
    assert "Nobody could decide District nursing for Bury on 15 June 2022." in page
    assert (
        "Nobody held District nursing for Bury on 15 Jun 2022: "
        "NHS Greater Manchester Integrated Care holds it from 1 Jul 2022." in page
    )
    assert "holder-1" not in page


def test_a_reserved_matter_says_to_whom_it_is_reserved(client, world, staff_user):
    ReservedMatterFactory(function=world.primary, reserved_to_organisation=world.icb, area=None)
    page = text(decide(client, world, world.primary, world.stockport, AFTER))
    assert (
        "Reserved matter Primary care is reserved to NHS Greater Manchester Integrated Care: it cannot be delegated."
        in page
    )


def test_a_revoked_delegation_stops_giving_authority_after_its_end(client, world, staff_user):
    services.delegation_revoke(world.to_board, on=D(2022, 7, 20), actor=staff_user)
    page = text(decide(client, world, world.nursing, world.stockport, AFTER))
    assert "Stockport Locality Board: by delegation" not in page
    assert "Place-based lead: by delegation" not in page
    assert "Stockport Locality Board: by delegation" in text(
        decide(client, world, world.nursing, world.stockport, D(2022, 7, 10))
    )


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"area": "stockport", "on": "2022-08-01"}, "function", "Choose a function"),
        (
            {"function": "999999999", "area": "stockport", "on": "2022-08-01"},
            "function",
            "Choose a function from the list",
        ),
        ({"function": "nursing", "on": "2022-08-01"}, "area", "Choose a place"),
        (
            {"function": "nursing", "area": "heatons", "on": "2022-08-01"},
            "area",
            "Choose a place from the list",
        ),
        (
            {"function": "nursing", "area": "stockport", "on": "1/8/2022"},
            "on",
            "Enter the date as year-month-day, for example 2022-07-01",
        ),
        (
            {"function": "nursing", "area": "stockport", "on": "2022-02-30"},
            "on",
            "Enter the date as year-month-day, for example 2022-07-01",
        ),
    ],
)
def test_a_bad_question_is_answered_with_the_problem_beside_the_field(client, world, params, field, message):
    values = {"nursing": world.nursing.pk, "stockport": world.stockport.pk, "heatons": world.heatons.pk}
    query = {"function": "", "area": "", "on": ""}  # the form sends every field, empty or not
    query.update({key: values.get(value, value) for key, value in params.items()})
    response = visit(client, reverse("delegations:decide"), **query)
    assert field_error(response, field) == message
    assert "There is a problem" in text(response)
    assert response.content.decode().count("nhsuk-form-group--error") == 1
    assert "Who could decide" not in text(response)
    # What was typed stays in the form.
    if field == "on":
        assert f'value="{params["on"]}"' in response.content.decode()


def test_a_link_may_start_the_question_with_a_function_or_a_place(client, world):
    response = visit(client, reverse("delegations:decide"), function=world.nursing.pk)
    page = response.content.decode()
    assert re.search(rf'<option value="{world.nursing.pk}" selected>', page)
    assert "nhsuk-form-group--error" not in page and "Who could decide" not in page
    response = visit(client, reverse("delegations:decide"), area=world.stockport.pk)
    assert re.search(rf'<option value="{world.stockport.pk}" selected>', response.content.decode())


def test_an_empty_date_means_today(client, world):
    response = visit(
        client, reverse("delegations:decide"), function=world.nursing.pk, area=world.stockport.pk, on=""
    )
    assert f"on {dt.date.today():%-d %B %Y}" in text(response)


def _more_chains(world, n):
    """n more localities, each with the ICB's delegation to a board of its own and that board's
    sub-delegation to a post."""
    for i in range(n):
        place = LocalityFactory(system=world.system, parent=world.footprint, name=f"Extra place {i}")
        board = BodyFactory(
            system=world.system,
            areas=[place],
            name=f"Extra board {i}",
            tier=Tier.LOCALITY,
            status=Status.ESTABLISHED,
            status__start_date=D(2022, 4, 1),
        )
        parent = world.delegate(area=place, delegate_body=board)
        world.to_lead(parent, area=place, delegator_body=board, delegate_post=PostFactory(area=place))
        # and a second delegation for Stockport itself, so the answer grows
        world.delegate(delegate_body=board, financial_limit=Decimal(1000 + i))


def test_the_answer_costs_the_same_however_many_chains(client, world):
    def cost():
        with CaptureQueriesContext(connection) as queries:
            decide(client, world, world.nursing, world.stockport, AFTER)
        return len(queries), [q["sql"] for q in queries.captured_queries]

    decide(client, world, world.nursing, world.stockport, AFTER)  # warm up
    few, _ = cost()
    _more_chains(world, 4)
    many, sql = cost()
    assert "Extra board 3" in text(decide(client, world, world.nursing, world.stockport, AFTER))
    assert many == few, "\n".join(sql)


# --- Functions ----------------------------------------------------------------------------------


def test_the_catalogue_is_a_tree_with_the_level_each_is_best_decided_at(client, world):
    world.community.spatial_level = SpatialLevel.LOCALITY
    world.community.save()
    response = visit(client, reverse("delegations:function_list"))
    page = text(response)
    assert "Test commissioning Community services Locality / place District nursing Primary care" in page
    # Nested: district nursing is listed inside community services, inside test commissioning.
    tree = response.content.decode()
    tree = tree[tree.index(">Test commissioning<") :]
    assert tree.index(">Community services<") < tree.index(">District nursing<")
    branch = tree[: tree.index(">District nursing<")]
    assert branch.count('<ul class="nhsuk-list registry-function-tree">') == 2  # two levels down


def test_a_function_page_shows_its_holders_reservations_and_the_delegations_covering_it(
    client, world, staff_user
):
    proposed = world.delegate(
        status=DelegationStatus.PROPOSED, delegate_body=world.board, functions=[world.primary]
    )
    ReservedMatterFactory(
        function=world.commissioning, reserved_to_organisation=world.icb, area=None, note="Kept by the board."
    )
    response = visit(client, world.nursing.get_absolute_url(), as_at=AFTER.isoformat())
    page = text(response)
    assert "Function: District nursing" in page
    assert "Part of Test commissioning › Community services" in page
    # Holders over time: held through the wider function.
    assert (
        "NHS Stockport CCG As part of Test commissioning Stockport Start not recorded – 30 Jun 2022 Not recorded "
        "001: test NHS Greater Manchester Integrated Care On 1 Aug 2022 As part of Test commissioning "
        "Greater Manchester (test) 1 Jul 2022 – present" in page
    )
    assert (
        "NHS Greater Manchester Integrated Care As part of Test commissioning Everywhere Start not recorded – present "
        "Kept by the board." in page
    )
    # The delegations of it or of what covers it; not those of other functions.
    assert f"Delegation {world.to_board.pk}" in page and f"Delegation {world.to_post.pk}" in page
    assert f"Delegation {proposed.pk}" not in page
    assert "In force on 1 Aug 2022" in page
    # Who can decide it: the question, with the function chosen.
    assert f'href="/decide/?function={world.nursing.pk}"' in response.content.decode()
    history = visit(client, reverse("delegations:function_history", kwargs={"pk": world.nursing.pk}))
    assert "History of District nursing" in text(history)


# --- Delegations ------------------------------------------------------------------------------


def test_the_list_shows_delegations_in_force_on_the_date_unless_asked_for_every_date(client, world):
    proposed = world.delegate(status=DelegationStatus.PROPOSED, start_date=D(2023, 4, 1))
    page = text(visit(client, reverse("delegations:delegation_list"), as_at=AFTER.isoformat()))
    assert "2 delegations in force on 1 August 2022" in page
    assert (
        f"Delegation {world.to_board.pk} Scheme of reservation and delegation NHS Greater Manchester Integrated Care "
        "Stockport Locality Board Community services Stockport £1,000,000.00 In force 1 Jul 2022 – present"
        in page
    )
    assert f"Delegation {world.to_post.pk}" in page
    assert f"Delegation {proposed.pk}" not in page
    everything = text(visit(client, reverse("delegations:delegation_list"), as_of=""))
    assert "delegations of any status and date" in everything
    assert f"Delegation {proposed.pk} " in everything and "Proposed 1 Apr 2023 – present" in everything
    before = text(visit(client, reverse("delegations:delegation_list"), as_of=BEFORE.isoformat()))
    assert f"Delegation {world.to_board.pk} " not in before


def test_the_list_filters_by_function_covering_and_by_area(client, world):
    url = reverse("delegations:delegation_list")
    page = text(visit(client, url, as_of="", function=world.nursing.pk))
    # Delegations of district nursing, and of what district nursing is part of? No: of it and its parts.
    assert f"Delegation {world.to_post.pk} " in page
    page = text(visit(client, url, as_of="", function=world.community.pk))
    assert f"Delegation {world.to_board.pk} " in page and f"Delegation {world.to_post.pk} " in page
    page = text(visit(client, url, as_of="", area=world.bury.pk))
    assert "0 delegations of any status and date" in page
    # A bad filter value shows no rows and no error page.
    page = text(visit(client, url, as_of="not a date"))
    assert "No delegations match these filters" in page


def test_the_list_offers_the_scheme_as_csv_and_xlsx_for_the_area_and_date_chosen(client, world):
    response = visit(
        client, reverse("delegations:delegation_list"), as_of="2022-08-01", area=world.stockport.pk
    )
    page = response.content.decode()
    csv_link = re.search(r'href="(/delegations/export\.csv\?[^"]*)"', page).group(1)
    assert re.search(r'href="/delegations/export\.xlsx\?[^"]*"', page)
    download = client.get(html_module.unescape(csv_link))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    assert 'filename="scheme-of-delegation.csv"' in download["Content-Disposition"]
    content = download.content.decode("utf-8-sig")
    assert content.splitlines()[0] == (
        "policy area,function,reserved to,delegated to,further delegated to,statutory basis,limit,from,to,source"
    )
    assert "Stockport Locality Board" in content and "Place-based lead" in content
    xlsx = client.get(
        reverse("delegations:delegation_export_xlsx"), {"area": world.stockport.pk, "as_of": ""}
    )
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_delegation_page_shows_the_chain_up_and_the_sub_delegations_down(client, world):
    response = visit(client, world.to_post.get_absolute_url(), as_at=AFTER.isoformat())
    page = text(response)
    assert f"Delegation {world.to_post.pk}: Stockport Locality Board to Place-based lead" in page
    assert "In force In force on 1 August 2022" in page
    assert "Delegated by Stockport Locality Board (body)" in page
    assert "Delegated to Place-based lead (post)" in page
    assert "Functions District nursing Area Stockport" in page
    assert "Financial limit £250,000.00 Effective limit £250,000.00" in page
    assert f"Made under Delegation {world.to_board.pk} Onward delegation Not permitted" in page
    assert svg_texts(response) == [
        [
            "NHS Greater Manchester Integrated Care",
            "Organisation",
            "Stockport Locality Board",
            "Body",
            "Place-based lead",
            "Post",
            "Scheme of reservation and delegation",
            "Limit £1,000,000.00",
            "Scheme of reservation and delegation",
            "Limit £250,000.00",
        ]
    ]
    assert "NHS Greater Manchester Integrated Care Stockport Locality Board" in page  # the table's first link
    assert f"No sub-delegations of delegation {world.to_post.pk} are recorded." in page

    top = text(visit(client, world.to_board.get_absolute_url()))
    assert "Effective limit £1,000,000.00" in top
    assert (
        f"Status and period Delegation {world.to_post.pk} "
        "Stockport Locality Board Place-based lead £250,000.00 In force 1 Jul 2022 – present" in top
    )
    history = text(visit(client, reverse("delegations:delegation_history", kwargs={"pk": world.to_post.pk})))
    assert f"History of Delegation {world.to_post.pk}" in history


def test_edit_revoke_and_sub_delegate_links_are_for_those_who_may_use_them(client, world, staff_user, reader):
    url = world.to_board.get_absolute_url()
    links = ("Edit delegation", "Revoke delegation", "Sub-delegate this")
    page = text(visit(client, url))
    assert not any(link in page for link in links)
    client.force_login(reader)
    assert not any(link in text(visit(client, url)) for link in links)
    client.force_login(staff_user)
    page = text(visit(client, url))
    assert all(link in page for link in links)
    assert f'href="/delegations/add/?parent={world.to_board.pk}"' in visit(client, url).content.decode()
    # The lead may not delegate further: no sub-delegation is offered.
    assert "Sub-delegate this" not in text(visit(client, world.to_post.get_absolute_url()))


def _more_delegations(world, n):
    for i in range(n):
        place = LocalityFactory(system=world.system, parent=world.footprint, name=f"More place {i}")
        board = BodyFactory(
            system=world.system,
            areas=[place],
            name=f"More board {i}",
            tier=Tier.LOCALITY,
            status=Status.ESTABLISHED,
            status__start_date=D(2022, 4, 1),
        )
        parent = world.delegate(area=place, delegate_body=board, functions=[world.community, world.primary])
        world.to_lead(parent, area=place, delegator_body=board, delegate_post=PostFactory(area=place))


def count(client, url, params=None):
    client.get(url, params or {})  # warm up: first-use caches and the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries), [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_the_list_costs_the_same_however_many_delegations(client, world, staff_user, who):
    if who == "staff":
        client.force_login(staff_user)
    url = reverse("delegations:delegation_list")
    few, _ = count(client, url, {"as_of": "", "system": world.system.pk})
    _more_delegations(world, 5)
    many, sql = count(client, url, {"as_of": "", "system": world.system.pk})
    assert "More board 4" in text(client.get(url, {"as_of": "", "system": world.system.pk}))
    assert many == few, "\n".join(sql)


def test_the_delegation_page_costs_the_same_however_many_sub_delegations(client, world, staff_user):
    url = world.to_board.get_absolute_url()
    few, _ = count(client, url)
    for _ in range(4):
        world.to_lead(world.to_board, delegate_post=PostFactory(area=world.stockport))
    many, sql = count(client, url)
    assert many == few, "\n".join(sql)


# --- The functions and decisions map, the tier table -------------------------------------------


def _map_row(response, name) -> str:
    page = response.content.decode()
    rows = re.findall(r'<tr class="nhsuk-table__row">.*?</tr>', page, flags=re.S)
    found = [row for row in rows if f">{name}</a></th>" in row]
    assert found, f"no row for {name}"
    return text(found[-1])


def test_the_map_shows_who_held_each_function_at_each_tier_on_the_date(client, world):
    world.community.spatial_level = SpatialLevel.LOCALITY
    world.community.save()
    url = reverse("delegations:functions_map", kwargs={"system": world.system.pk})
    response = visit(client, url, as_of=AFTER.isoformat())
    page = text(response)
    assert "Functions and decisions map on 1 August 2022" in page
    assert "Function Neighbourhood Locality / place System National" in page
    assert _map_row(response, "Test commissioning") == (
        "Test commissioning NHS Greater Manchester Integrated Care (by statute, Greater Manchester (test))"
    )
    assert _map_row(response, "Community services") == (
        "Community services Best decided here Stockport Locality Board (by delegation, Stockport)"
    )
    assert (
        _map_row(response, "District nursing")
        == "District nursing Place-based lead (by delegation, Stockport)"
    )
    # Before the ICB: the CCG held it for Stockport, and nothing was delegated.
    before = visit(client, url, as_of=BEFORE.isoformat())
    assert (
        _map_row(before, "Test commissioning")
        == "Test commissioning NHS Stockport CCG (by statute, Stockport)"
    )
    assert _map_row(before, "Community services") == "Community services Best decided here"
    # The function column is indented by the catalogue's depth.
    assert re.search(r'registry-depth--2" scope="row"><a [^>]*>District nursing<', response.content.decode())


def test_a_bad_map_date_is_shown_beside_the_field(client, world):
    url = reverse("delegations:functions_map", kwargs={"system": world.system.pk})
    response = visit(client, url, as_of="2022-31-12")
    assert field_error(response, "as_of") == "Enter the date as year-month-day, for example 2022-07-01"


def test_the_map_costs_the_same_however_many_delegations(client, world):
    url = reverse("delegations:functions_map", kwargs={"system": world.system.pk})
    few, _ = count(client, url, {"as_of": AFTER.isoformat()})
    _more_delegations(world, 5)
    many, sql = count(client, url, {"as_of": AFTER.isoformat()})
    assert "More board 4" in text(client.get(url, {"as_of": AFTER.isoformat()}))
    assert many == few, "\n".join(sql)


def test_the_tier_table_has_the_four_columns_at_each_tier(client, world):
    TierAssignmentFactory(
        system=world.system,
        tier=Tier.LOCALITY,
        column=TierColumn.ACCOUNTABILITY,
        function=world.community,
        label="",
    )
    TierAssignmentFactory(
        system=world.system, tier=Tier.LOCALITY, column=TierColumn.GOVERNANCE, body=world.board, label=""
    )
    TierAssignmentFactory(
        system=world.system,
        tier=Tier.SYSTEM,
        column=TierColumn.DELIVERY_FUNCTION,
        label="Strategic commissioning",
    )
    TierAssignmentFactory(system=world.system, tier=Tier.SYSTEM, column=TierColumn.TEAM, label="System team")
    response = visit(client, reverse("delegations:tier_table", kwargs={"system": world.system.pk}))
    page = text(response)
    assert "Tier Accountabilities Governance Delivery functions Teams" in page
    assert (
        "Locality / place Community services Stockport Locality Board None recorded None recorded "
        "System None recorded None recorded Strategic commissioning System team" in page
    )
    html = response.content.decode()
    assert f'href="{world.community.get_absolute_url()}">Community services<' in html
    assert f'href="{world.board.get_absolute_url()}">Stockport Locality Board<' in html
    missing = client.get(reverse("delegations:tier_table", kwargs={"system": world.system.pk + 10_000}))
    assert missing.status_code == 404


# --- Place-based leads ------------------------------------------------------------------------


@pytest.fixture
def arrangement(world, staff_user):
    """Stockport's lead: a dedicated officer within the council from 1 July 2022, the lead post
    (held) carrying two roles and a deputy post (vacant) carrying a third; Bury has none."""
    PostHoldingFactory(post=world.lead, person=PersonFactory(name="Alex Lead"), start_date=D(2022, 1, 1))
    world.deputy = PostFactory(
        title="Deputy place-based lead", organisation=world.council, area=world.stockport
    )
    return services.place_lead_arrangement_create(
        area=world.stockport,
        model=PlaceLeadModel.DEDICATED_OFFICER,
        host_organisation=world.council,
        relationship_to_icb="Mutual accountability",
        status=ArrangementStatus.IN_FORCE,
        start_date=D(2022, 7, 1),
        posts=[
            (world.lead, [PlaceLeadRole.PRIMARY_CARE_NETWORKS, PlaceLeadRole.JOIN_UP_CARE]),
            (world.deputy, [PlaceLeadRole.POPULATION_HEALTH]),
        ],
        sources=[{"document": "001", "section": "§8.8"}],
        actor=staff_user,
    )


def _register_row(response, locality) -> str:
    rows = re.findall(r'<tr class="nhsuk-table__row">.*?</tr>', response.content.decode(), flags=re.S)
    found = [text(row) for row in rows if f">{locality}</a>" in row]
    assert len(found) == 1, f"{len(found)} rows for {locality}"
    return found[0]


def test_the_register_shows_each_locality_its_model_holders_vacancies_and_roles(client, world, arrangement):
    url = reverse("delegations:place_lead_list")
    response = visit(client, url, on=AFTER.isoformat(), system=world.system.pk)
    page = text(response)
    assert (
        "2 localities in Greater Manchester (test) on 1 August 2022; 1 without a place-based lead in post."
        in page
    )
    assert _register_row(response, "Stockport") == (
        "Stockport GMT A dedicated officer reporting to the council chief executive Within Stockport Council "
        "Deputy place-based lead: Vacant Place-based lead: Alex Lead "
        "Deputy place-based lead: Population health management for people at risk of being left behind "
        "Place-based lead: Support and develop primary care networks; Simplify, modernise and join up health and care "
        "In force 1 Jul 2022 – present"
    )
    assert _register_row(response, "Bury") == "Bury GMT No arrangement is recorded for 1 Aug 2022."
    # Before the arrangement began, Stockport had none either.
    before = visit(client, url, on=BEFORE.isoformat(), system=world.system.pk)
    assert _register_row(before, "Stockport") == "Stockport GMT No arrangement is recorded for 15 Jun 2022."
    # A bad date is shown beside its field, and the register is read for the as-at date.
    bad = visit(client, url, on="15/06/2022", system=world.system.pk)
    assert field_error(bad, "on") == "Enter the date as year-month-day, for example 2022-07-01"


def test_localities_without_a_lead_are_listed_with_the_reason(client, world, arrangement):
    url = reverse("delegations:place_lead_without")
    page = text(visit(client, url, on=AFTER.isoformat(), system=world.system.pk))
    assert "Localities without a place-based lead on 1 August 2022" in page
    assert "1 locality in Greater Manchester (test) without a place-based lead on 1 August 2022" in page
    assert "Bury Greater Manchester (test) No arrangement is recorded for 1 Aug 2022." in page
    assert "Stockport Greater Manchester (test)" not in page
    before = text(visit(client, url, on=BEFORE.isoformat(), system=world.system.pk))
    assert "2 localities in Greater Manchester (test) without a place-based lead on 15 June 2022" in before


def test_the_arrangement_page_shows_its_posts_holders_and_roles(client, world, arrangement):
    response = visit(client, arrangement.get_absolute_url(), as_at=AFTER.isoformat())
    page = text(response)
    assert f"Place-based lead arrangement {arrangement.pk}: Stockport: a dedicated officer" in page
    assert "Covers 1 August 2022" in page
    assert "Sits within Stockport Council Relationship to the ICB Mutual accountability" in page
    assert "Deputy place-based lead Stockport Council Vacant Population health management" in page
    assert (
        "Place-based lead Stockport Council Alex Lead Support and develop primary care networks "
        "Simplify, modernise and join up health and care" in page
    )
    history = text(visit(client, reverse("delegations:place_lead_history", kwargs={"pk": arrangement.pk})))
    assert f"History of Place-based lead arrangement {arrangement.pk}" in history


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_the_register_costs_the_same_however_many_localities(client, world, arrangement, staff_user, who):
    if who == "staff":
        client.force_login(staff_user)
    url = reverse("delegations:place_lead_list")
    params = {"on": AFTER.isoformat(), "system": world.system.pk}
    few, _ = count(client, url, params)
    for i in range(4):
        place = LocalityFactory(system=world.system, parent=world.footprint, name=f"Lead place {i}")
        post = PostFactory(area=place)
        PostHoldingFactory(post=post, start_date=D(2022, 1, 1))
        services.place_lead_arrangement_create(
            area=place,
            model=PlaceLeadModel.COUNCIL_CHIEF_EXECUTIVE,
            status=ArrangementStatus.IN_FORCE,
            start_date=D(2022, 7, 1),
            posts=[(post, [PlaceLeadRole.JOIN_UP_CARE])],
            actor=staff_user,
        )
    many, sql = count(client, url, params)
    assert "Lead place 3" in text(client.get(url, params))
    assert many == few, "\n".join(sql)


# --- A place's page -----------------------------------------------------------------------------


def test_a_places_page_lists_its_delegations_and_its_place_based_lead(client, world, arrangement):
    page = text(visit(client, world.stockport.get_absolute_url(), as_at=AFTER.isoformat()))
    assert "Bodies covering Stockport" in page  # what governance adds stays
    assert (
        "Place-based lead on 1 August 2022 A dedicated officer reporting to the council chief executive: "
        "in force, 1 Jul 2022 – present." in page
    )
    assert "Delegations in force on 1 August 2022" in page
    assert f"Delegation {world.to_board.pk} " in page and f"Delegation {world.to_post.pk} " in page
    assert "Who can decide a function for Stockport?" in page
    assert reverse("organisations:area_detail", kwargs={"pk": 1}) == "/areas/1/"


# --- Importing a scheme of delegation -----------------------------------------------------------

HEADER = (
    "policy area,function,reserved to,delegated to,further delegated to,statutory basis,limit,from,to,source"
)


def scheme_csv(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode()


GOOD_ROW = "Test commissioning,Primary care,,Stockport Locality Board,,,£500000,2022-07-01,,Scheme 2022 §4"
BAD_ROW = "Test commissioning,Primary care,,Nobody Board,,,£500000,2022-07-01,,Scheme 2022 §4"


def upload(client, world, content, name="scheme.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("delegations:sord_import"),
        {
            "file": SimpleUploadedFile(name, content, content_type="text/csv"),
            "area": world.stockport.pk,
            "status": DelegationStatus.IN_FORCE,
        },
    )


def test_an_upload_shows_its_progress_then_what_it_created(client, world, staff_user):
    client.force_login(staff_user)
    response = upload(client, world, scheme_csv(GOOD_ROW))
    assert response.status_code == 302
    sord_import = SordImport.objects.get()
    assert response["Location"] == reverse("delegations:sord_import_detail", kwargs={"pk": sord_import.pk})
    # Queued: a labelled progress bar, a page that refreshes itself without JavaScript, and a
    # small JSON view to poll with it.
    waiting = visit(client, response["Location"])
    html = waiting.content.decode()
    assert '<label class="nhsuk-label nhsuk-label--s" for="import-progress">Rows checked</label>' in html
    assert re.search(
        r'<progress class="registry-progress" id="import-progress" max="1" value="0">0%</progress>', html
    )
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert "0 of 1 row checked (0%)." in text(waiting)
    progress = client.get(reverse("delegations:sord_import_progress", kwargs={"pk": sord_import.pk})).json()
    assert progress == {"state": "queued", "rows_total": 1, "rows_done": 0, "percent": 0, "report": {}}

    services.sord_import_run(sord_import.pk)  # as the worker does
    done = visit(client, response["Location"])
    page = text(done)
    assert "Imported" in page
    assert "All 1 row were imported: 1 delegation 0 sub-delegations 0 reserved matters" in page
    assert "refresh" not in done.content.decode() and "<progress" not in done.content.decode()


def test_a_refused_import_lists_each_bad_row_column_and_reason(client, world, staff_user):
    client.force_login(staff_user)
    upload(client, world, scheme_csv(GOOD_ROW, BAD_ROW))
    sord_import = SordImport.objects.get()
    services.sord_import_run(sord_import.pk)
    response = visit(client, reverse("delegations:sord_import_detail", kwargs={"pk": sord_import.pk}))
    page = text(response)
    assert "Nothing was imported 1 problem was found." in page
    assert "Rows refused, and why Row Column Problem 3 delegated to" in page
    assert "Nobody Board" in page
    assert "Import a corrected file" in page


def test_an_import_is_seen_only_by_its_uploader_and_staff(
    client, world, staff_user, reader, django_user_model
):
    from guardian.shortcuts import assign_perm

    from ics_registry.permissions import AREA_EDITOR_PERMISSION

    editor = django_user_model.objects.create_user(username="importer", password="pw")
    assign_perm(AREA_EDITOR_PERMISSION, editor, world.stockport)
    client.force_login(editor)
    assert upload(client, world, scheme_csv(GOOD_ROW)).status_code == 302
    sord_import = SordImport.objects.get()
    urls = [
        reverse("delegations:sord_import_detail", kwargs={"pk": sord_import.pk}),
        reverse("delegations:sord_import_progress", kwargs={"pk": sord_import.pk}),
    ]
    for url in urls:
        assert client.get(url).status_code == 200
    client.force_login(staff_user)
    assert all(client.get(url).status_code == 200 for url in urls)
    client.force_login(reader)
    assert all(client.get(url).status_code == 404 for url in urls)
    client.logout()
    assert all(client.get(url).status_code == 302 for url in urls)  # to sign in


def test_the_catalogue_costs_the_same_however_many_functions(client, world):
    url = reverse("delegations:function_list")
    few, _ = count(client, url)
    parent = world.nursing
    for i in range(6):
        parent = FunctionFactory(name=f"Deeper function {i}", parent=parent if i % 2 else world.primary)
    many, sql = count(client, url)
    assert "Deeper function 5" in text(client.get(url))
    assert many == few, "\n".join(sql)


def test_localities_without_a_lead_cost_the_same_however_many(client, world, arrangement):
    url = reverse("delegations:place_lead_without")
    params = {"on": AFTER.isoformat(), "system": world.system.pk}
    few, _ = count(client, url, params)
    for i in range(5):
        LocalityFactory(system=world.system, parent=world.footprint, name=f"Leaderless {i}")
    many, sql = count(client, url, params)
    assert "Leaderless 4" in text(client.get(url, params))
    assert many == few, "\n".join(sql)
