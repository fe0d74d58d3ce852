"""The Popolo export of a system (https://www.popoloproject.com/specs/): organizations, posts,
memberships and persons, with Popolo's field names and stable, namespaced ids."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance import services
from governance.choices import RelationKind, Status
from governance.models import Body, Seat
from organisations import services as organisation_services
from organisations.choices import OrganisationKind

from .builders import body, person

pytestmark = pytest.mark.django_db

D = dt.date
URL = "/api/v1/export/popolo/"

# Popolo's field names for each class (https://www.popoloproject.com/specs/), those we fill.
ORGANIZATION = {
    "id",
    "name",
    "classification",
    "parent_id",
    "founding_date",
    "dissolution_date",
    "description",
    "other_names",
    "identifiers",
    "sources",
}
POST = {"id", "label", "role", "organization_id", "start_date", "end_date", "sources"}
MEMBERSHIP = {
    "id",
    "label",
    "role",
    "person_id",
    "organization_id",
    "post_id",
    "on_behalf_of_id",
    "start_date",
    "end_date",
    "sources",
}
PERSON = {"id", "name", "sources"}
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def export(api, system, **query):
    response = api.get(URL, {"system": system.pk, **query})
    assert response.status_code == 200, response.content
    assert response.headers["Content-Type"] == "application/json"
    return response.json()


def check_shape(data):
    """Every record has Popolo's fields; every reference points at a record in the export."""
    assert set(data) == {"organizations", "posts", "memberships", "persons"}
    classes = (
        ("organizations", ORGANIZATION, r"^(body|organisation)/[0-9]+$"),
        ("posts", POST, r"^(seat/[0-9]+-[0-9]+|body/[0-9]+/(chair|vice-chair))$"),
        ("memberships", MEMBERSHIP, r"^(seat-holding/[0-9]+|body/[0-9]+/(chair|vice-chair)/[0-9]+)$"),
        ("persons", PERSON, r"^person/[0-9]+$"),
    )
    for key, fields, id_pattern in classes:
        ids = [item["id"] for item in data[key]]
        assert len(ids) == len(set(ids)), f"duplicate ids in {key}"
        for item in data[key]:
            assert set(item) == fields, (key, item)
            assert re.match(id_pattern, item["id"]), item["id"]
            for name in ("start_date", "end_date", "founding_date", "dissolution_date"):
                assert item.get(name) is None or ISO_DATE.match(item[name])
            for link in item["sources"]:
                assert set(link) == {"url", "note"} and link["url"].startswith("http") and link["note"]
    organizations = {o["id"] for o in data["organizations"]}
    posts = {p["id"]: p for p in data["posts"]}
    persons = {p["id"] for p in data["persons"]}
    assert all(p["organization_id"] in organizations for p in data["posts"])
    for o in data["organizations"]:
        assert o["parent_id"] is None or o["parent_id"] in organizations
    for m in data["memberships"]:
        assert m["person_id"] in persons
        assert m["organization_id"] in organizations
        assert posts[m["post_id"]]["organization_id"] == m["organization_id"]
        assert m["on_behalf_of_id"] is None or m["on_behalf_of_id"] in organizations
    assert persons == {m["person_id"] for m in data["memberships"]}


def test_the_cm_export_has_the_partnership_board_its_seats_and_its_chair(api, reference):
    board = Body.objects.get(name="Cheshire and Merseyside Partnership Board")
    data = export(api, reference.cm)
    check_shape(data)

    organization = next(o for o in data["organizations"] if o["id"] == f"body/{board.pk}")
    assert organization["name"] == board.name
    assert organization["classification"] == "partnership_board"
    assert organization["other_names"] == [{"name": "Partnership Board", "note": "Short name"}]
    assert organization["sources"][0]["note"].startswith("003")

    seats = list(Seat.objects.filter(body=board).order_by("order", "pk"))
    board_posts = [p for p in data["posts"] if p["organization_id"] == f"body/{board.pk}"]
    assert [p["id"] for p in board_posts if p["id"].startswith("seat/")] == [f"seat/{s.pk}-1" for s in seats]
    assert board_posts[0]["label"] == "Local authority — elected member (Merseyside)"
    chair = next(p for p in board_posts if p["id"] == f"body/{board.pk}/chair")
    assert (
        chair["label"] == "Chair, Cheshire and Merseyside Health and Care Partnership"
        and chair["role"] == "Chair"
    )

    chaired = [m for m in data["memberships"] if m["post_id"] == f"body/{board.pk}/chair"]
    assert len(chaired) == 1 and chaired[0]["role"] == "Chair"
    persons = {p["id"]: p["name"] for p in data["persons"]}
    assert persons[chaired[0]["person_id"]] == "Alan Yates"

    # A seat's holder appears as a membership of the seat's place, on behalf of their organisation.
    voluntary = next(s for s in seats if s.label == "Voluntary sector")
    charity = organisation_services.organisation_create(
        name="Test community trust",
        kind=OrganisationKind.VCFSE,
        areas=[reference.area("Stockport")],
        actor=None,
    )
    member = person()
    holding = services.seat_holding_create(
        seat=voluntary, person=member, organisation=charity, start_date=D(2021, 1, 1), actor=None
    ).holding
    data = export(api, reference.cm)
    check_shape(data)
    [membership] = [m for m in data["memberships"] if m["id"] == f"seat-holding/{holding.pk}"]
    assert membership == {
        "id": f"seat-holding/{holding.pk}",
        "label": "Voluntary sector",
        "role": "Member",
        "person_id": f"person/{member.pk}",
        "organization_id": f"body/{board.pk}",
        "post_id": f"seat/{voluntary.pk}-1",
        "on_behalf_of_id": f"organisation/{charity.pk}",
        "start_date": "2021-01-01",
        "end_date": None,
        "sources": [],
    }
    org = next(o for o in data["organizations"] if o["id"] == f"organisation/{charity.pk}")
    assert org["classification"] == "vcfse" and org["name"] == charity.name
    assert {"id": f"person/{member.pk}", "name": member.name, "sources": []} in data["persons"]


def test_cheshire_east_hwb_members_appear_as_memberships(api, reference):
    hwb = Body.objects.get(name="Cheshire East Health and Wellbeing Board")
    data = export(api, reference.cm, as_of="2020-11-24")
    check_shape(data)
    persons = {p["id"]: p["name"] for p in data["persons"]}
    members = {
        persons[m["person_id"]] for m in data["memberships"] if m["organization_id"] == f"body/{hwb.pk}"
    }
    assert {"Cllr Kathryn Flavell", "Cllr S Corcoran"} <= members
    flavell = next(m for m in data["memberships"] if persons[m["person_id"]] == "Cllr Kathryn Flavell")
    council = next(o for o in data["organizations"] if o["id"] == flavell["on_behalf_of_id"])
    assert council["classification"] == "local_authority"


def test_a_body_founding_and_dissolution_and_its_parent(api, reference):
    stockport = reference.area("Stockport")
    parent, child = body(stockport, short_name="Parent"), body(stockport)
    for status, start, end in (
        (Status.PROPOSED, D(2020, 1, 1), D(2021, 3, 31)),
        (Status.SHADOW, D(2021, 4, 1), D(2022, 3, 31)),
        (Status.ESTABLISHED, D(2022, 4, 1), D(2024, 3, 31)),
        (Status.STOOD_DOWN, D(2024, 4, 1), None),
    ):
        services.body_status_create(body=child, status=status, start_date=start, end_date=end, actor=None)
    services.body_status_create(body=parent, status=Status.ESTABLISHED, start_date=D(2019, 1, 1), actor=None)
    services.relation_create(
        from_body=child,
        to_body=parent,
        kind=RelationKind.SUB_COMMITTEE_OF,
        start_date=D(2021, 4, 1),
        actor=None,
    )
    data = export(api, reference.gm)
    check_shape(data)
    row = next(o for o in data["organizations"] if o["id"] == f"body/{child.pk}")
    assert row["founding_date"] == "2021-04-01"  # shadow: it met from then
    assert row["dissolution_date"] == "2024-04-01"
    assert row["parent_id"] == f"body/{parent.pk}"
    # On a date when it existed, it is there; after it stood down, it is not.
    ids = {o["id"] for o in export(api, reference.gm, as_of="2023-01-01")["organizations"]}
    assert f"body/{child.pk}" in ids
    ids = {o["id"] for o in export(api, reference.gm, as_of="2025-01-01")["organizations"]}
    assert f"body/{child.pk}" not in ids and f"body/{parent.pk}" in ids


def test_as_of_leaves_out_holdings_not_in_force(api, reference):
    board = Body.objects.get(name="Cheshire and Merseyside Partnership Board")
    lay = Seat.objects.get(body=board, label="Lay representative (1 of 2)")
    first, second = person(), person()
    services.seat_holding_create(
        seat=lay, person=first, start_date=D(2021, 1, 1), end_date=D(2021, 12, 31), actor=None
    )
    services.seat_holding_create(seat=lay, person=second, start_date=D(2022, 1, 1), actor=None)
    everything = export(api, reference.cm)
    on_day = export(api, reference.cm, as_of="2022-06-01")
    check_shape(on_day)
    holders = lambda data: {m["person_id"] for m in data["memberships"] if m["post_id"] == f"seat/{lay.pk}-1"}  # noqa: E731
    assert holders(everything) == {f"person/{first.pk}", f"person/{second.pk}"}
    assert holders(on_day) == {f"person/{second.pk}"}
    assert f"person/{first.pk}" not in {p["id"] for p in on_day["persons"]}


def test_ids_are_stable_between_exports(api, reference):
    first, second = export(api, reference.cm), export(api, reference.cm)
    assert first == second


def test_the_export_costs_the_same_queries_however_large_the_system(api, reference):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            export(api, reference.gm)
        return len(ctx.captured_queries)

    def add_bodies(count):
        stockport = reference.area("Stockport")
        for _ in range(count):
            b = body(stockport, hosts=[reference.org("Stockport Council")])
            services.body_status_create(body=b, status=Status.ESTABLISHED, actor=None)
            s = services.seat_create(body=b, label="Member", capacity=2, actor=None)
            for _ in range(2):
                services.seat_holding_create(seat=s, person=person(), actor=None)

    # Some of everything first: a query skipped when there is nothing to read is not growth.
    add_bodies(1)
    export(api, reference.gm)  # warm up: the source documents are cached
    few = queries()
    add_bodies(5)
    assert queries() == few <= 12


@pytest.mark.parametrize(
    "query, field, message",
    [
        ({}, "system", "Choose the system to export: give its id, e.g. ?system=1."),
        ({"system": ""}, "system", "Give a value, or leave this filter out."),
        ({"system": "abc"}, "system", "A system id: a whole number."),
        ({"system": "999999999"}, "system", "There is no system with id 999999999."),
        ({"system": "0"}, "system", "Ensure this value is greater than or equal to 1."),
    ],
)
def test_a_missing_or_unknown_system_is_refused_beside_the_field(api, query, field, message):
    response = api.get(URL, query)
    assert response.status_code == 400
    assert response.json() == {field: [message]}


@pytest.mark.parametrize("as_of", ["2022-13-01", "1 July 2022", "yesterday"])
def test_a_bad_date_is_refused(api, reference, as_of):
    response = api.get(URL, {"system": reference.cm.pk, "as_of": as_of})
    assert response.status_code == 400
    assert "Date has wrong format" in response.json()["as_of"][0]
