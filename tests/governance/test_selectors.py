"""Governance selectors: a body's status on a date, its seats with members, deputies and vacancies,
the composition rules it breaks, overdue terms of reference, a person's seats, and the
accountability graph with its drawing — each in a fixed number of queries."""

import datetime as dt
import itertools

import pytest

from governance import selectors
from governance.choices import CompositionRuleKind, HoldingRole, RelationKind, Status
from organisations.choices import OrganisationKind
from tests.organisations.factories import OrganisationFactory, PersonFactory, SystemFactory

from .factories import (
    BodyFactory,
    BodyStatusFactory,
    CompositionRuleFactory,
    RelationFactory,
    SeatFactory,
    SeatHoldingFactory,
    TermsOfReferenceFactory,
)

pytestmark = pytest.mark.django_db

D = dt.date
ON = D(2022, 1, 1)


def test_status_on_a_day():
    body = BodyFactory()
    BodyStatusFactory(body=body, status=Status.SHADOW, start_date=D(2021, 4, 1), end_date=D(2022, 6, 30))
    BodyStatusFactory(body=body, status=Status.ESTABLISHED, start_date=D(2022, 7, 1))

    assert selectors.status_on(body, D(2021, 3, 31)) is None
    assert selectors.status_on(body, D(2021, 4, 1)) == Status.SHADOW
    assert selectors.status_on(body, D(2022, 7, 1)) == Status.ESTABLISHED


def test_body_list_gives_each_bodys_status_in_a_fixed_number_of_queries(django_assert_num_queries):
    system = SystemFactory()
    BodyFactory(system=system, status=Status.ESTABLISHED)

    def rows():
        return [
            (b.name, b.status_on, b.system.name, [a.name for a in b.areas.all()])
            for b in selectors.body_list(ON)
        ]

    with django_assert_num_queries(2):
        first = rows()
    for _ in range(4):
        BodyFactory(system=system, status=Status.SHADOW)
    with django_assert_num_queries(2):
        second = rows()

    assert len(second) == len(first) + 4
    assert {row[1] for row in second if row[2] == system.name} == {"established", "shadow"}


# --- Seats ---------------------------------------------------------------------------------


@pytest.fixture
def board():
    return BodyFactory(name="Partnership Board")


def test_seat_rows_show_members_deputies_and_vacancies(board):
    shared = SeatFactory(body=board, label="Local authority", capacity=2, order=1)
    member = SeatHoldingFactory(seat=shared, position=1, start_date=D(2021, 4, 1))
    deputy = SeatHoldingFactory(seat=shared, position=1, role=HoldingRole.DEPUTY, start_date=D(2021, 4, 1))
    empty = SeatFactory(body=board, label="Healthwatch", order=2)
    left = SeatFactory(body=board, label="VCFSE", order=3)
    SeatHoldingFactory(seat=left, start_date=D(2020, 1, 1), end_date=D(2021, 12, 31))
    SeatHoldingFactory(seat=left, start_date=D(2022, 1, 2))
    SeatFactory(body=board, label="CCG", order=4, end_date=D(2021, 12, 31))

    rows = selectors.seat_rows(board, ON)

    assert [row.seat.label for row in rows] == ["Local authority", "Healthwatch", "VCFSE"]
    assert [(row.members, row.deputies, row.vacancies) for row in rows] == [
        ([member], [deputy], 1),
        ([], [], 1),
        ([], [], 1),
    ]
    assert rows[1].seat == empty


def test_a_deputy_does_not_fill_a_vacancy(board):
    seat = SeatFactory(body=board)
    SeatHoldingFactory(seat=seat, role=HoldingRole.SUBSTITUTE)

    (row,) = selectors.seat_rows(board, ON)

    assert (len(row.members), len(row.deputies), row.vacancies) == (0, 1, 1)


def test_seat_rows_cost_two_queries_however_many_seats(board, django_assert_num_queries):
    def read():
        return [
            (row.seat.represents_organisation, [h.person.name for h in row.members + row.deputies])
            for row in selectors.seat_rows(board, ON)
        ]

    SeatHoldingFactory(seat=SeatFactory(body=board))
    with django_assert_num_queries(2):
        read()
    for _ in range(5):
        seat = SeatFactory(body=board, represents_organisation=OrganisationFactory(), capacity=2)
        SeatHoldingFactory(seat=seat, organisation=seat.represents_organisation)
        SeatHoldingFactory(seat=seat, role=HoldingRole.DEPUTY)
    with django_assert_num_queries(2):
        assert len(read()) == 6


def test_composition_breaches_on_a_day(board):
    executive = BodyFactory(name="Partnership Executive", system=board.system)
    CompositionRuleFactory(body=board, other_body=executive, description="")
    CompositionRuleFactory(
        body=board,
        kind=CompositionRuleKind.MIN_FROM_ORGANISATION_KIND,
        other_body=None,
        organisation_kind=OrganisationKind.LOCAL_AUTHORITY,
        count=1,
    )
    people = PersonFactory.create_batch(3)
    exec_seat = SeatFactory(body=executive, capacity=2)
    for position, person in enumerate(people[:2], start=1):
        SeatHoldingFactory(seat=exec_seat, person=person, position=position, start_date=D(2021, 4, 1))
    board_seat = SeatFactory(body=board, capacity=3)
    for position, person in enumerate(people, start=1):
        SeatHoldingFactory(seat=board_seat, person=person, position=position, start_date=D(2021, 4, 1))
    council = SeatFactory(body=board)
    SeatHoldingFactory(
        seat=council,
        organisation=OrganisationFactory(kind=OrganisationKind.LOCAL_AUTHORITY),
        start_date=D(2022, 4, 1),
    )

    def messages(on):
        return [breach.message for breach in selectors.composition_breaches(board, on)]

    # before anyone sits on the board there is no majority, but no council member either
    assert messages(D(2021, 3, 31)) == [
        "On 31 Mar 2021, Partnership Board has 0 member(s) from a local authority; it needs at least 1."
    ]
    assert messages(ON) == [
        "On 1 Jan 2022, 2 of the 3 members of Partnership Board are members of Partnership Executive, a majority.",
        "On 1 Jan 2022, Partnership Board has 0 member(s) from a local authority; it needs at least 1.",
    ]
    # from April 2022 the council member makes 2 of 4: half is not a majority
    assert messages(D(2022, 4, 1)) == []


def test_a_body_without_rules_breaks_none(board):
    SeatHoldingFactory(seat=SeatFactory(body=board))

    assert selectors.composition_breaches(board, ON) == []


# --- Terms of reference and people ---------------------------------------------------------


def test_overdue_terms_of_reference_count_only_each_bodys_latest_approved_version():
    system = SystemFactory()
    replaced, draft_only, current, never = (
        BodyFactory(name=n, system=system, status=Status.ESTABLISHED)
        for n in ("Replaced", "Drafted", "Current", "Never")
    )

    def approve(body, version, approved, review):
        return TermsOfReferenceFactory(
            body=body, version=version, approved_on=approved, approved_by=body, review_due=review
        )

    approve(replaced, "1.0", D(2020, 1, 1), D(2021, 1, 1))
    approve(replaced, "2.0", D(2021, 6, 1), D(2024, 1, 1))
    overdue_despite_draft = approve(draft_only, "1.0", D(2020, 1, 1), D(2021, 6, 30))
    TermsOfReferenceFactory(body=draft_only, version="2.0 draft", review_due=D(2030, 1, 1))
    overdue_first = approve(current, "1.0", D(2020, 1, 1), D(2021, 3, 31))
    approve(never, "1.0", D(2020, 1, 1), None)

    overdue = [t for t in selectors.overdue_terms_of_reference(ON) if t.body.system_id == system.pk]

    assert overdue == [overdue_first, overdue_despite_draft]


def test_overdue_terms_of_reference_cost_one_query(django_assert_num_queries):
    body = BodyFactory(status=Status.ESTABLISHED)
    TermsOfReferenceFactory(body=body, approved_on=D(2020, 1, 1), approved_by=body, review_due=D(2021, 1, 1))

    with django_assert_num_queries(1):
        assert [(t.body.name, t.body.system.name) for t in selectors.overdue_terms_of_reference(ON)]


def test_person_seats_lists_every_seat_latest_first():
    person = PersonFactory()
    old = SeatHoldingFactory(person=person, start_date=D(2019, 1, 1), end_date=D(2020, 12, 31))
    current = SeatHoldingFactory(person=person, start_date=D(2021, 4, 1))
    undated = SeatHoldingFactory(person=person)
    deputy = SeatHoldingFactory(person=person, role=HoldingRole.DEPUTY, start_date=D(2020, 6, 1))
    SeatHoldingFactory(start_date=D(2022, 1, 1))  # someone else

    assert list(selectors.person_seats(person)) == [current, deputy, old, undated]


# --- The accountability graph --------------------------------------------------------------


@pytest.fixture
def tree():
    """Executive accountable to the Board; Finance a sub-committee of the Executive; an old group
    reported to the Board until 2020; Scrutiny checks and challenges the Board."""
    system = SystemFactory()
    bodies = {
        name: BodyFactory(name=name, system=system, status=Status.ESTABLISHED)
        for name in ("Board", "Executive", "Finance", "Old group", "Scrutiny")
    }
    relations = {
        "executive": RelationFactory(
            from_body=bodies["Executive"], to_body=bodies["Board"], start_date=D(2021, 4, 1)
        ),
        "finance": RelationFactory(
            from_body=bodies["Finance"],
            to_body=bodies["Executive"],
            kind=RelationKind.SUB_COMMITTEE_OF,
            start_date=D(2021, 4, 1),
        ),
        "old": RelationFactory(
            from_body=bodies["Old group"],
            to_body=bodies["Board"],
            kind=RelationKind.REPORTS_TO,
            end_date=D(2020, 12, 31),
        ),
        "scrutiny": RelationFactory(
            from_body=bodies["Scrutiny"], to_body=bodies["Board"], kind=RelationKind.CHECKS_AND_CHALLENGES
        ),
    }
    return bodies, relations


def node_names(graph):
    return {node["name"] for node in graph.nodes}


def edge_ids(graph):
    return {edge["id"] for edge in graph.edges}


@pytest.mark.parametrize(
    "depth, bodies, links",
    [
        (0, {"Board"}, set()),
        (1, {"Board", "Executive", "Scrutiny"}, {"executive", "scrutiny"}),
        (2, {"Board", "Executive", "Scrutiny", "Finance"}, {"executive", "scrutiny", "finance"}),
    ],
)
def test_body_graph_reaches_depth_links_on_the_day(tree, depth, bodies, links, django_assert_num_queries):
    nodes, relations = tree

    with django_assert_num_queries(depth + 1):
        graph = selectors.body_graph(nodes["Board"], on=ON, depth=depth)

    assert node_names(graph) == bodies
    assert edge_ids(graph) == {relations[name].pk for name in links}
    assert graph.centre == nodes["Board"].pk


def test_a_relation_not_in_force_on_the_day_is_absent(tree):
    nodes, relations = tree

    before = selectors.body_graph(nodes["Board"], on=D(2020, 6, 1), depth=2)

    assert node_names(before) == {"Board", "Old group", "Scrutiny"}
    assert edge_ids(before) == {relations["old"].pk, relations["scrutiny"].pk}


def test_body_graph_nodes_and_edges_say_what_they_are(tree):
    nodes, relations = tree

    graph = selectors.body_graph(nodes["Finance"], on=ON, depth=1)

    finance = next(n for n in graph.nodes if n["name"] == "Finance")
    assert finance["status"] == "established"
    assert finance["status_label"] == "Established"
    (edge,) = graph.edges
    assert (edge["from"], edge["to"], edge["kind"], edge["label"]) == (
        nodes["Finance"].pk,
        nodes["Executive"].pk,
        "sub_committee_of",
        "is a sub-committee of",
    )


def test_body_graph_depth_is_bounded(tree, django_assert_max_num_queries):
    nodes, _ = tree

    with django_assert_max_num_queries(selectors.MAX_GRAPH_DEPTH + 1):
        graph = selectors.body_graph(nodes["Finance"], on=ON, depth=1000)

    assert node_names(graph) == {"Board", "Executive", "Finance", "Scrutiny"}


def test_system_graph_is_the_bodies_that_existed_and_their_links(tree, django_assert_num_queries):
    nodes, relations = tree
    system = nodes["Board"].system
    gone = BodyFactory(name="Gone", system=system, status=Status.STOOD_DOWN)
    RelationFactory(from_body=gone, to_body=nodes["Board"])

    with django_assert_num_queries(2):
        graph = selectors.system_graph(system, on=ON)

    assert node_names(graph) == {"Board", "Executive", "Finance", "Old group", "Scrutiny"}
    assert edge_ids(graph) == {relations[name].pk for name in ("executive", "finance", "scrutiny")}


# --- Drawing -------------------------------------------------------------------------------


def overlaps(a, b, width, height):
    return (
        a["x"] < b["x"] + width
        and b["x"] < a["x"] + width
        and a["y"] < b["y"] + height
        and b["y"] < a["y"] + height
    )


def test_layout_gives_every_body_a_box_and_no_two_overlap(tree):
    nodes, _ = tree
    for _ in range(6):
        RelationFactory(
            from_body=BodyFactory(system=nodes["Board"].system, status=Status.ESTABLISHED),
            to_body=nodes["Executive"],
        )
    graph = selectors.system_graph(nodes["Board"].system, on=ON)

    drawing = selectors.layout(graph)

    assert {box["id"] for box in drawing["boxes"]} == {node["id"] for node in graph.nodes}
    width, height = drawing["box_width"], drawing["box_height"]
    for a, b in itertools.combinations(drawing["boxes"], 2):
        assert not overlaps(a, b, width, height), (a["name"], b["name"])
    for box in drawing["boxes"]:
        assert 0 <= box["x"] and box["x"] + width <= drawing["width"]
        assert 0 <= box["y"] and box["y"] + height <= drawing["height"]
    assert len(drawing["lines"]) == len(graph.edges)


def test_layout_draws_a_body_below_the_body_it_answers_to(tree):
    nodes, _ = tree
    graph = selectors.system_graph(nodes["Board"].system, on=ON)

    y = {box["name"]: box["y"] for box in selectors.layout(graph)["boxes"]}

    assert y["Board"] < y["Executive"] < y["Finance"]
    assert y["Scrutiny"] == y["Board"]  # checks and challenges is drawn sideways


def test_layout_draws_the_body_held_to_account_below(tree):
    nodes, _ = tree
    panel = BodyFactory(name="Panel", system=nodes["Board"].system, status=Status.ESTABLISHED)
    RelationFactory(from_body=nodes["Scrutiny"], to_body=panel, kind=RelationKind.HOLDS_TO_ACCOUNT)
    graph = selectors.system_graph(nodes["Board"].system, on=ON)

    y = {box["name"]: box["y"] for box in selectors.layout(graph)["boxes"]}

    assert y["Scrutiny"] < y["Panel"]


def test_layout_of_accountability_running_both_ways_still_ends(tree):
    nodes, _ = tree
    RelationFactory(from_body=nodes["Board"], to_body=nodes["Finance"], kind=RelationKind.REPORTS_TO)
    graph = selectors.system_graph(nodes["Board"].system, on=ON)

    drawing = selectors.layout(graph)

    assert len(drawing["boxes"]) == len(graph.nodes)


def test_layout_marks_the_centre_of_a_body_graph(tree):
    nodes, _ = tree
    graph = selectors.body_graph(nodes["Executive"], on=ON, depth=1)

    drawing = selectors.layout(graph)

    assert [box["name"] for box in drawing["boxes"] if box["centre"]] == ["Executive"]


def test_layout_of_an_empty_graph():
    drawing = selectors.layout(selectors.Graph([], []))

    assert (drawing["boxes"], drawing["lines"]) == ([], [])
    assert drawing["width"] > 0 and drawing["height"] > 0
