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
from delegations.choices import DelegationStatus, SpatialLevel
from governance.choices import Status
from organisations.choices import Tier
from tests.governance.factories import BodyFactory
from tests.organisations.factories import LocalityFactory, PostFactory

from .factories import ReservedMatterFactory
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
    query = {key: values.get(value, value) for key, value in params.items()}
    response = visit(client, reverse("delegations:decide"), **query)
    assert field_error(response, field) == message
    assert "There is a problem" in text(response)
    assert response.content.decode().count("nhsuk-form-group--error") == 1
    assert "Who could decide" not in text(response)
    # What was typed stays in the form.
    if field == "on":
        assert f'value="{params["on"]}"' in response.content.decode()


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
    assert f"Sub-delegates Delegation {world.to_board.pk} Onward delegation Not permitted" in page
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
