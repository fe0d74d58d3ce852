"""The governance pages: what a visitor reads on them, as at the chosen date, and what they cost."""

from __future__ import annotations

import datetime as dt
import html as html_module
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.choices import BodyKind, CompositionRuleKind, HoldingRole, RelationKind, Status, VotingRight
from organisations.choices import OrganisationKind, Tier
from tests.organisations.factories import (
    LocalityFactory,
    OrganisationFactory,
    PersonFactory,
    PostFactory,
    PostHoldingFactory,
    SystemFactory,
)

from .factories import (
    BodyFactory,
    BodyStatusFactory,
    CompositionRuleFactory,
    ConstituencyMemberFactory,
    RelationFactory,
    SeatFactory,
    SeatHoldingFactory,
    TermsOfReferenceFactory,
)

pytestmark = pytest.mark.django_db

D = dt.date


def text(response) -> str:
    """The page as a reader sees it: tags removed, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    flat = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
    return html_module.unescape(re.sub(r" ([,.:;)])", r"\1", flat))


def visit(client, url, as_at=None, **params):
    if as_at is not None:
        params["as_at"] = as_at.isoformat()
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def boxes(response) -> list[str]:
    return re.findall(r'class="registry-graph__box[^"]*" data-body="(\d+)"', response.content.decode())


def lines(response) -> list[str]:
    return re.findall(r'<path class="registry-graph__line[^"]*" d="([^"]+)"', response.content.decode())


@pytest.fixture
def world():
    """A small partnership: an assembly holding a board to account, the board accountable to it,
    an executive accountable to the board; the board's statuses (one disputed), seats, holders and
    terms of reference."""
    system = SystemFactory(name="Testshire", short_name="TS")
    place = LocalityFactory(system=system, name="Testford")
    assembly = BodyFactory(
        system=system,
        areas=[place],
        name="Testshire Partnership Assembly",
        short_name="Assembly",
        kind=BodyKind.PARTNERSHIP_ASSEMBLY,
        tier=Tier.SYSTEM,
        status=Status.ESTABLISHED,
    )
    board = BodyFactory(
        system=system,
        areas=[place],
        name="Testshire Partnership Board",
        short_name="Partnership Board",
        kind=BodyKind.PARTNERSHIP_BOARD,
        tier=Tier.SYSTEM,
        is_statutory=False,
        meeting_frequency="Monthly",
    )
    executive = BodyFactory(
        system=system,
        areas=[place],
        name="Testshire Partnership Executive",
        short_name="Executive",
        kind=BodyKind.PARTNERSHIP_EXECUTIVE,
        tier=Tier.SYSTEM,
        status=Status.ESTABLISHED,
    )
    BodyStatusFactory(
        body=board,
        status=Status.SHADOW,
        start_date=D(2020, 1, 1),
        end_date=D(2021, 3, 31),
        note="Met in shadow form while the MoU was agreed.",
    )
    BodyStatusFactory(
        body=board,
        status=Status.ESTABLISHED,
        start_date=D(2021, 4, 1),
        conflicting_status=Status.SHADOW,
        conflicting_note="The 2021 annual report says the Board was still meeting in shadow form.",
    )
    RelationFactory(from_body=board, to_body=assembly, kind=RelationKind.ACCOUNTABLE_TO)
    RelationFactory(from_body=assembly, to_body=board, kind=RelationKind.HOLDS_TO_ACCOUNT)
    RelationFactory(from_body=executive, to_body=board, kind=RelationKind.ACCOUNTABLE_TO)
    council = OrganisationFactory(name="Testford Council", kind=OrganisationKind.LOCAL_AUTHORITY)
    member = PersonFactory(name="Cllr Ada Member")
    deputy = PersonFactory(name="Cllr Ben Deputy")
    lay = PersonFactory(name="Cara Lay")
    councillor_seat = SeatFactory(
        body=board,
        label="Local authority elected member",
        group="Local authority",
        order=1,
        represents_organisation=council,
    )
    SeatHoldingFactory(seat=councillor_seat, person=member, organisation=council, start_date=D(2021, 4, 1))
    SeatHoldingFactory(
        seat=councillor_seat,
        person=deputy,
        organisation=council,
        role=HoldingRole.DEPUTY,
        start_date=D(2021, 4, 1),
    )
    lay_seat = SeatFactory(
        body=board, label="Lay representative", capacity=2, order=2, voting=VotingRight.NON_VOTING
    )
    SeatHoldingFactory(seat=lay_seat, person=lay, start_date=D(2021, 4, 1))
    TermsOfReferenceFactory(
        body=board,
        version="1.0",
        approved_on=D(2021, 4, 1),
        approved_by=board,
        review_due=D(2022, 4, 1),
        document_url="https://example.org/tor-1.pdf",
    )
    TermsOfReferenceFactory(body=board, version="2.0 draft", text="Revised membership.")
    chair = PostFactory(title="Partnership Chair", organisation=council)
    PostHoldingFactory(post=chair, person=PersonFactory(name="Dr Chair Person"), start_date=D(2020, 1, 1))
    board.chair_post = chair
    board.save()
    return {
        "system": system,
        "place": place,
        "assembly": assembly,
        "board": board,
        "executive": executive,
        "councillor_seat": councillor_seat,
        "lay_seat": lay_seat,
        "member": member,
        "council": council,
    }


# --- The body page -------------------------------------------------------------------------


def test_the_body_page_shows_its_status_seats_holders_and_terms(client, world):
    board = world["board"]
    page = text(visit(client, board.get_absolute_url(), as_at=D(2022, 6, 1)))
    assert "Testshire Partnership Board" in page
    assert "On 1 June 2022: Established" in page
    # Every status, the disputed one with what the other source says.
    assert "Shadow 1 Jan 2020 – 31 Mar 2021 Met in shadow form while the MoU was agreed." in page
    assert "Sources disagree" in page
    assert (
        "Another source gives shadow for this period: The 2021 annual report says the Board was still meeting in "
        "shadow form." in page
    )
    # The chair: the post and who held it that day.
    assert "Chair Partnership Chair, Testford Council: Dr Chair Person" in page
    # Seats, members, deputies, voting rights and vacancies.
    assert (
        "Local authority elected member Local authority; for Testford Council Voting Cllr Ada Member" in page
    )
    assert "Cllr Ben Deputy (deputy)" in page
    assert "Lay representative 2 places Non-voting Cara Lay Vacant: 1 of 2 places" in page
    # Terms of reference: the version in force, overdue for review, and the draft.
    assert "the version in force was 1.0, approved on 1 April 2021" in page
    assert "Review overdue It was due for review on 1 April 2022." in page
    assert "2.0 draft Draft: not approved" in page
    assert "Read version 1.0 of the terms of reference" in page
    assert "History of changes to Testshire Partnership Board" in page


def test_the_as_at_date_changes_what_the_body_page_shows(client, world):
    board = world["board"]
    page = text(visit(client, board.get_absolute_url(), as_at=D(2020, 6, 1)))
    assert "On 1 June 2020: Shadow" in page
    # Nobody held the seats yet: both are vacant, and no terms of reference were in force.
    assert page.count("Vacant") == 2
    assert "Cllr Ada Member" not in page
    assert "the version in force" not in page
    assert "Review overdue" not in page

    page = text(visit(client, board.get_absolute_url(), as_at=D(2021, 6, 1)))
    assert "On 1 June 2021: Established" in page
    assert "Review overdue" not in page  # not due until April 2022


def test_a_broken_composition_rule_is_shown_as_a_warning(client, world):
    board, executive = world["board"], world["executive"]
    CompositionRuleFactory(
        body=board,
        other_body=executive,
        kind=CompositionRuleKind.NOT_MAJORITY_FROM_BODY,
        description="Members of the Partnership Executive must not form a majority of the Board.",
    )
    url = board.get_absolute_url()
    assert "nhsuk-warning-callout" not in visit(client, url, as_at=D(2022, 6, 1)).content.decode()

    # Both of the Board's members sit on the Executive too: a majority.
    exec_seat = SeatFactory(body=executive, label="Executive member", capacity=3)
    for position, person in enumerate([world["member"], world["lay_seat"].holdings.get().person], start=1):
        SeatHoldingFactory(seat=exec_seat, person=person, position=position, start_date=D(2021, 4, 1))
    response = visit(client, url)
    assert 'class="nhsuk-warning-callout"' in response.content.decode()
    page = text(response)
    assert "Important: Membership breaks a rule on 1 June 2022" in page
    assert (
        "2 of the 2 members of Testshire Partnership Board are members of Testshire Partnership Executive"
        in page
    )


def test_the_accountability_diagram_and_its_table_show_the_same_relations(client, world):
    board, assembly, executive = world["board"], world["assembly"], world["executive"]
    response = visit(client, board.get_absolute_url(), as_at=D(2022, 6, 1))
    html = response.content.decode()
    assert sorted(boxes(response)) == sorted(str(b.pk) for b in (assembly, board, executive))
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert "marker-end=" in html
    # Three lines, each with its label, and the same three rows in the table.
    assert len(lines(response)) == 3
    table = html[html.index('class="nhsuk-table registry-relations"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr class=\"nhsuk-table__row\">", table)
    assert len(rows) == 1 + 3
    page = text(response)
    assert "Testshire Partnership Board is accountable to Testshire Partnership Assembly" in page
    assert "Testshire Partnership Assembly holds to account Testshire Partnership Board" in page
    assert "Testshire Partnership Executive is accountable to Testshire Partnership Board" in page


def test_relations_both_ways_between_two_bodies_are_drawn_apart(client, world):
    response = visit(client, world["assembly"].get_absolute_url(), as_at=D(2022, 6, 1))
    paths = lines(response)
    assert len(paths) == 2
    assert paths[0] != paths[1]
    # Neither line lies on the other: their start points differ.
    starts = {tuple(p.split()[1:3]) for p in paths}
    ends = {tuple(p.split()[-2:]) for p in paths}
    assert len(starts) == 2 and len(ends) == 2
    labels = re.findall(
        r'<g class="registry-graph__label"><rect x="([\d.-]+)" y="([\d.-]+)"', response.content.decode()
    )
    assert len(set(labels)) == 2


def test_two_links_away_brings_in_further_bodies(client, world):
    assembly = world["assembly"]
    url = assembly.get_absolute_url()
    assert len(boxes(visit(client, url, as_at=D(2022, 6, 1)))) == 2
    response = visit(client, url, depth="2")
    assert len(boxes(response)) == 3
    assert "Testshire Partnership Executive" in text(response)


def test_the_wider_constituency_is_listed_when_there_is_one(client, world):
    assembly = world["assembly"]
    assert "Wider constituency" not in text(visit(client, assembly.get_absolute_url()))
    ConstituencyMemberFactory(body=assembly, organisation=world["council"], start_date=D(2021, 1, 1))
    ConstituencyMemberFactory(body=assembly, organisation=None, label="Healthwatch organisations")
    page = text(visit(client, assembly.get_absolute_url(), as_at=D(2022, 6, 1)))
    assert "Wider constituency on 1 June 2022" in page
    assert "Testford Council 1 Jan 2021 – present The founding list" in page
    assert "Healthwatch organisations" in page


def test_a_body_with_nothing_recorded_says_so(client):
    body = BodyFactory(name="Bare Board")
    page = text(visit(client, body.get_absolute_url()))
    assert "No status recorded on" in page
    assert "No status is recorded for Bare Board." in page
    assert "No seats are recorded for Bare Board" in page
    assert "No relations to other bodies are recorded for Bare Board" in page
    assert "No terms of reference are recorded for Bare Board." in page


def _grow(world, n):
    """n more seats with holders, relations, statuses' sources and versions of terms of reference."""
    board = world["board"]
    for i in range(n):
        seat = SeatFactory(body=board, label=f"Extra seat {i}", order=10 + i, capacity=2)
        SeatHoldingFactory(
            seat=seat, person=PersonFactory(), organisation=OrganisationFactory(), start_date=D(2021, 1, 1)
        )
        SeatHoldingFactory(
            seat=seat, person=PersonFactory(), role=HoldingRole.SUBSTITUTE, start_date=D(2021, 1, 1)
        )
        other = BodyFactory(system=world["system"], areas=[world["place"]], status=Status.ESTABLISHED)
        RelationFactory(from_body=other, to_body=board, kind=RelationKind.REPORTS_TO)
        RelationFactory(
            from_body=BodyFactory(system=world["system"], areas=[world["place"]], status=Status.ESTABLISHED),
            to_body=other,
        )
        TermsOfReferenceFactory(body=board, version=f"0.{i}", approved_on=D(2020, 6, 1), approved_by=board)
        ConstituencyMemberFactory(body=board, organisation=OrganisationFactory())


def count_queries(client, url, params=None):
    client.get(url, params or {})  # warm: session, caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


BODY_PAGE_QUERIES = 21


@pytest.mark.parametrize("who", ["anonymous", "staff"])
@pytest.mark.parametrize("depth", ["1", "2"])
def test_the_body_page_costs_the_same_however_much_it_shows(client, world, staff_user, who, depth):
    if who == "staff":
        client.force_login(staff_user)
    board = world["board"]
    url = board.get_absolute_url()
    client.get(url, {"as_at": "2022-06-01"})
    few, few_sql = count_queries(client, url, {"depth": depth})
    _grow(world, 12)
    many, many_sql = count_queries(client, url, {"depth": depth})
    assert text(client.get(url, {"depth": depth})).count("Extra seat") == 12
    assert many == few, "\n".join(many_sql)
    assert many <= BODY_PAGE_QUERIES, "\n".join(many_sql)


# --- A system's governance -----------------------------------------------------------------


def test_the_system_governance_page_draws_every_body_once_with_tables_of_the_same(client, world):
    system = world["system"]
    locality = BodyFactory(
        system=system,
        areas=[world["place"]],
        name="Testford Locality Board",
        short_name="Locality Board",
        kind=BodyKind.LOCALITY_BOARD,
        tier=Tier.LOCALITY,
        status=Status.ESTABLISHED,
    )
    BodyFactory(
        system=system,
        areas=[world["place"]],
        name="Stood Down Group",
        tier=Tier.SYSTEM,
        status=Status.STOOD_DOWN,
    )
    BodyFactory(name="Another System's Board", status=Status.ESTABLISHED)
    url = reverse("governance:system_governance", kwargs={"pk": system.pk})
    response = visit(client, url, as_at=D(2022, 6, 1))
    html = response.content.decode()
    drawn = boxes(response)
    listed = re.findall(r'<tr class="nhsuk-table__row" data-body="(\d+)">', html)
    expected = {str(b.pk) for b in (world["assembly"], world["board"], world["executive"], locality)}
    assert sorted(drawn) == sorted(listed) == sorted(expected)
    assert len(lines(response)) == 3
    page = text(response)
    assert "Stood Down Group" not in page and "Another System's Board" not in page
    # Grouped by tier: the system's own bodies, then each place's.
    assert page.index("System-wide bodies") < page.index("Testford Locality Board")
    assert "Bodies of places" in page
    assert re.search(r'<text class="registry-graph__heading"[^>]*>Testford</text>', html)


def test_the_cheshire_and_merseyside_schematic_is_drawn_from_the_reference_data(client, reference):
    """MoU Annex 2: the Assembly and the Board hold each other to account and answer to each other;
    the Executive answers to the Board; groups advise the Coordination Group, which advises the Board."""
    from governance.models import AccountabilityRelation, Body

    cm = Body.objects.filter(system=reference.cm, tier=Tier.SYSTEM)
    assembly = cm.get(kind=BodyKind.PARTNERSHIP_ASSEMBLY)
    board = cm.get(kind=BodyKind.PARTNERSHIP_BOARD)
    executive = cm.get(kind=BodyKind.PARTNERSHIP_EXECUTIVE)
    coordination = cm.get(kind=BodyKind.PARTNERSHIP_COORDINATION_GROUP)
    finance = cm.get(kind=BodyKind.FINANCE_GROUP)
    response = visit(
        client, reverse("governance:system_governance", kwargs={"pk": reference.cm.pk}), as_at=D(2022, 7, 1)
    )
    html = response.content.decode()
    drawn = set(boxes(response))
    assert {str(b.pk) for b in (assembly, board, executive, coordination, finance)} <= drawn
    relations = AccountabilityRelation.objects.filter(from_body__system=reference.cm).as_at(D(2022, 7, 1))
    drawn_relations = dict(re.findall(r'd="([^"]+)" marker-end="[^"]+" data-relation="(\d+)"', html))
    assert sorted(drawn_relations.values()) == sorted(str(r.pk) for r in relations)
    both_ways = relations.filter(from_body__in=[assembly, board], to_body__in=[assembly, board])
    assert both_ways.count() == 2
    paths = [path for path, pk in drawn_relations.items() if int(pk) in {r.pk for r in both_ways}]
    assert len(set(paths)) == 2
    page = text(response)
    assert f"{board.name} is accountable to" in page and f"{assembly.name} holds to account" in page


def test_stockports_governance_is_drawn_in_its_own_group(client, reference):
    from governance.models import Body

    stockport = Body.objects.filter(system=reference.gm, areas=reference.area("Stockport"))
    response = visit(
        client, reverse("governance:system_governance", kwargs={"pk": reference.gm.pk}), as_at=D(2022, 7, 1)
    )
    html = response.content.decode()
    assert re.search(r'<text class="registry-graph__heading"[^>]*>Stockport</text>', html)
    drawn = set(boxes(response))
    assert {str(b.pk) for b in stockport.as_at(D(2022, 7, 1))} <= drawn
    page = text(response)
    hwb = stockport.get(kind=BodyKind.HEALTH_WELLBEING_BOARD)
    board = stockport.get(kind=BodyKind.LOCALITY_BOARD)
    assert re.search(rf"{re.escape(hwb.name)} checks and challenges .*?{re.escape(board.name)}", page)


def test_the_system_governance_page_as_at_a_date_before_the_bodies(client, world):
    url = reverse("governance:system_governance", kwargs={"pk": world["system"].pk})
    BodyStatusFactory(
        body=BodyFactory(system=world["system"], areas=[world["place"]], name="Late Body"),
        status=Status.PROPOSED,
        start_date=D(2023, 1, 1),
    )
    page = text(visit(client, url, as_at=D(2022, 6, 1)))
    assert "Late Body" not in page
    assert "Late Body" in text(visit(client, url, as_at=D(2023, 6, 1)))


def test_the_system_page_links_to_its_governance(client, world):
    response = visit(client, world["system"].get_absolute_url())
    assert (
        reverse("governance:system_governance", kwargs={"pk": world["system"].pk}).encode()
        in response.content
    )


def test_the_governance_page_costs_the_same_however_many_bodies(client, world):
    url = reverse("governance:system_governance", kwargs={"pk": world["system"].pk})
    client.get(url, {"as_at": "2022-06-01"})
    few, _ = count_queries(client, url)
    _grow(world, 10)
    many, sql = count_queries(client, url)
    assert many == few, "\n".join(sql)
    assert many <= 6, "\n".join(sql)


# --- Lists ---------------------------------------------------------------------------------


def test_the_body_list_shows_status_on_the_date_and_filters(client, world):
    url = reverse("governance:body_list")
    page = text(visit(client, url, as_at=D(2020, 6, 1), system=world["system"].pk))
    assert "Testshire Partnership Board Testford Partnership board System TS Shadow No" in page
    page = text(visit(client, url, as_at=D(2022, 6, 1), system=world["system"].pk))
    assert "Testshire Partnership Board Testford Partnership board System TS Established No" in page
    assert "3 bodies found" in page
    page = text(visit(client, url, system=world["system"].pk, kind=BodyKind.PARTNERSHIP_EXECUTIVE))
    assert "1 body found" in page and "Testshire Partnership Executive" in page


def test_the_body_list_filters_by_statutory_or_not_and_by_default_shows_both(client, world):
    url = reverse("governance:body_list")
    BodyFactory(
        system=world["system"],
        areas=[world["place"]],
        name="Statutory Board",
        is_statutory=True,
        status=Status.ESTABLISHED,
    )
    page = text(visit(client, url, as_at=D(2022, 6, 1), system=world["system"].pk))
    assert "4 bodies found" in page
    page = text(visit(client, url, system=world["system"].pk, statutory="false"))
    assert "1 body found" in page and "Testshire Partnership Board" in page
    page = text(visit(client, url, system=world["system"].pk, statutory="true"))
    assert "1 body found" in page and "Statutory Board" in page


def test_the_body_list_finds_stood_down_bodies_by_status(client, world):
    BodyFactory(
        system=world["system"], areas=[world["place"]], name="Old Committee", status=Status.STOOD_DOWN
    )
    url = reverse("governance:body_list")
    assert "Old Committee" not in text(visit(client, url, system=world["system"].pk))
    page = text(visit(client, url, system=world["system"].pk, status=Status.STOOD_DOWN))
    assert "1 body found" in page and "Old Committee" in page and "Stood down" in page


def test_a_bad_filter_value_shows_no_rows_and_no_error_page(client, world):
    response = client.get(reverse("governance:body_list"), {"system": "999999999"})
    assert response.status_code == 200
    assert "0 bodies found" in text(response)


def test_the_body_list_costs_the_same_however_many_bodies(client, world):
    url = reverse("governance:body_list")
    few, _ = count_queries(client, url)
    for _ in range(30):
        BodyFactory(system=world["system"], areas=[world["place"]], status=Status.ESTABLISHED)
    many, sql = count_queries(client, url)
    assert many == few, "\n".join(sql)
    assert many <= 6, "\n".join(sql)


def test_overdue_terms_of_reference_are_listed_as_at_the_date(client, world):
    url = reverse("governance:terms_of_reference_overdue")
    assert "Testshire Partnership Board" not in text(visit(client, url, as_at=D(2022, 3, 1)))
    page = text(visit(client, url, as_at=D(2022, 6, 1)))
    assert "Testshire Partnership Board TS 1.0 1 Apr 2021 by Testshire Partnership Board 1 Apr 2022" in page


# --- What governance adds to other pages ---------------------------------------------------


def test_a_persons_page_lists_the_seats_they_hold_and_held(client, world):
    member = world["member"]
    assert reverse("organisations:person_detail", kwargs={"pk": member.pk}) == f"/people/{member.pk}/"
    page = text(visit(client, member.get_absolute_url()))
    assert "Seats held" in page
    assert (
        "Local authority elected member Testshire Partnership Board Member, for Testford Council 1 Apr 2021 – present"
        in page
    )
    page = text(visit(client, PersonFactory(name="Nobody Seated").get_absolute_url()))
    assert "No seats on bodies are recorded for Nobody Seated." in page


def test_a_places_page_lists_the_bodies_covering_it(client, world):
    page = text(visit(client, world["place"].get_absolute_url(), as_at=D(2020, 6, 1)))
    assert "Bodies covering Testford" in page
    assert "Testshire Partnership Board Partnership board Shadow" in page


def test_bodies_are_in_the_header_navigation(client, world):
    response = visit(client, reverse("governance:body_list"))
    assert re.search(
        r'<a class="nhsuk-header__navigation-link" href="/bodies/" aria-current="page">',
        response.content.decode(),
    )


def test_history_pages_of_a_body_and_a_seat(client, world):
    page = text(visit(client, reverse("governance:body_history", kwargs={"pk": world["board"].pk})))
    assert "History of Testshire Partnership Board" in page
    page = text(visit(client, reverse("governance:seat_history", kwargs={"pk": world["lay_seat"].pk})))
    assert "History of Lay representative" in page


def test_the_seat_page_shows_holders_over_time_and_deputies(client, world):
    seat = world["councillor_seat"]
    page = text(visit(client, seat.get_absolute_url(), as_at=D(2022, 6, 1)))
    assert "Seat on Testshire Partnership Board" in page
    assert "Held on 1 June 2022 Cllr Ada Member, Testford Council" in page
    assert "Deputies and substitutes Cllr Ben Deputy (deputy), Testford Council" in page
    assert "Cllr Ada Member Member Testford Council 1 Apr 2021 – present" in page
    page = text(visit(client, seat.get_absolute_url(), as_at=D(2020, 6, 1)))
    assert "Vacant Nobody is recorded as the member on 1 June 2020." in page


# --- Who sees which links ------------------------------------------------------------------


def test_edit_links_are_shown_only_to_those_who_may_use_them(client, world, secretary_of, staff_user, reader):
    board = world["board"]
    url = board.get_absolute_url()
    links = [
        "Edit Testshire Partnership Board",
        "Record a status",
        "Add a seat",
        "Add a version of the terms",
    ]

    page = text(visit(client, url))
    assert not any(link in page for link in links)
    client.force_login(reader)
    page = text(visit(client, url))
    assert not any(link in page for link in links)

    client.force_login(secretary_of(board))
    page = text(visit(client, url))
    assert "Edit Testshire Partnership Board" not in page  # the body itself is for area editors and staff
    assert "Record how Testshire Partnership Board stands to another body" not in page
    assert all(link in page for link in links[1:])
    other = text(visit(client, world["assembly"].get_absolute_url()))
    assert not any(link in other for link in links[1:])

    client.force_login(staff_user)
    page = text(visit(client, url))
    assert all(link in page for link in links)
    assert "Record how Testshire Partnership Board stands to another body" in page


def test_missing_pages_are_404(client):
    for name in ("body_detail", "body_history", "seat_detail", "seat_history", "system_governance"):
        assert client.get(reverse(f"governance:{name}", kwargs={"pk": 999_999_999})).status_code == 404
