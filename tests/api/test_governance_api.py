"""The governance API: bodies with their status on a date, statuses, accountability relations,
terms of reference, seats with their holders, composition warnings, the accountability graph, and
what a body's secretary may do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIRequestFactory

from governance import services
from governance.api.serializers import BodySerializer
from governance.api.views import body_queryset
from governance.choices import CompositionRuleKind, RelationKind, Status, VotingRight
from governance.models import Body, BodyStatus, Seat, SeatHolding
from organisations.choices import OrganisationKind

from .builders import body, organisation, person, seat, snapshot

pytestmark = pytest.mark.django_db

D = dt.date
VOTING_LABELS = dict(VotingRight.choices)


@pytest.fixture
def staff_api(api_as, staff_user):
    return api_as(staff_user)


def cm_body(name):
    return Body.objects.get(name=f"Cheshire and Merseyside {name}")


def with_statuses(b, *periods):
    for status, start, end in periods:
        services.body_status_create(body=b, status=status, start_date=start, end_date=end, actor=None)
    return b


# --- Bodies ----------------------------------------------------------------------------------

BODY_FIELDS = {
    "id",
    "url",
    "display",
    "name",
    "short_name",
    "kind",
    "kind_display",
    "tier",
    "tier_display",
    "system",
    "areas",
    "hosts",
    "is_statutory",
    "purpose",
    "meeting_frequency",
    "meetings_per_year",
    "chair_post",
    "vice_chair_post",
    "status",
    "status_display",
    "statuses",
    "sources",
    "is_incomplete",
    "incomplete_note",
}


def test_a_body_says_what_it_is_who_chairs_it_and_its_status(api):
    board = cm_body("Partnership Board")
    response = api.get(reverse("api:body-detail", kwargs={"pk": board.pk}))
    assert response.status_code == 200
    row = response.json()
    assert set(row) == BODY_FIELDS
    assert row["display"] == row["name"] == "Cheshire and Merseyside Partnership Board"
    assert row["kind"] == "partnership_board" and row["kind_display"] == "Partnership board"
    assert row["system"]["short_name"] == "C&M"
    assert [a["display"] for a in row["areas"]] == ["Cheshire and Merseyside"]
    assert row["chair_post"]["display"] == "Chair, Cheshire and Merseyside Health and Care Partnership"
    assert row["vice_chair_post"] is None
    assert row["meetings_per_year"] == 12.0 and row["meeting_frequency"] == "Monthly"
    assert row["status"] == "established" and row["status_display"] == "Established"
    assert [s["status"] for s in row["statuses"]] == ["established"]
    assert row["sources"][0]["document"] == "003"


def test_the_status_is_read_on_the_as_of_date(api, reference):
    b = with_statuses(
        body(reference.area("Stockport")),
        (Status.SHADOW, D(2021, 4, 1), D(2022, 6, 30)),
        (Status.ESTABLISHED, D(2022, 7, 1), None),
    )
    url = reverse("api:body-detail", kwargs={"pk": b.pk})
    assert api.get(url, {"as_of": "2021-05-01"}).json()["status"] == "shadow"
    assert api.get(url, {"as_of": "2022-07-01"}).json()["status_display"] == "Established"
    assert api.get(url).json()["status"] == "established"
    # Before it was proposed it did not exist: the record is not there on that date.
    assert api.get(url, {"as_of": "2020-01-01"}).status_code == 404
    statuses = api.get(url).json()["statuses"]
    assert [(s["status"], s["start_date"], s["end_date"]) for s in statuses] == [
        ("shadow", "2021-04-01", "2022-06-30"),
        ("established", "2022-07-01", None),
    ]


def test_the_bodies_list_answers_for_a_date_and_by_status(api, reference):
    stockport = reference.area("Stockport")
    old = with_statuses(
        body(stockport),
        (Status.ESTABLISHED, D(2019, 1, 1), D(2021, 3, 31)),
        (Status.STOOD_DOWN, D(2021, 4, 1), None),
    )
    new = with_statuses(body(stockport), (Status.SHADOW, D(2021, 4, 1), None))
    url = reverse("api:body-list")

    def names(**query):
        response = api.get(url, {"area": stockport.pk, "page_size": 500, **query})
        assert response.status_code == 200
        return {row["name"] for row in response.json()["results"]}

    assert old.name in names(as_of="2020-06-01") and new.name not in names(as_of="2020-06-01")
    assert old.name not in names(as_of="2022-01-01") and new.name in names(as_of="2022-01-01")
    assert names(status="stood_down", as_of="2022-01-01") == {old.name}
    assert new.name in names(status="shadow")
    rows = api.get(url, {"q": old.name, "as_of": "2020-06-01"}).json()["results"]
    assert [(r["name"], r["status"]) for r in rows] == [(old.name, "established")]


@pytest.mark.parametrize(
    "query",
    [
        "?page_size=500",
        "?page_size=500&as_of=2021-01-01",
        "?system={gm}&page_size=50",
        "?status=established&page_size=50",
    ],
)
def test_the_bodies_list_rows_equal_the_serializer(api, query, reference):
    """The list is built from .values() rows for speed; it must say exactly what BodySerializer
    (the documented representation, used for detail) says."""
    query = query.format(gm=reference.gm.pk)
    b = body(reference.area("Stockport"), hosts=[reference.org("Stockport NHS Foundation Trust")])
    with_statuses(
        b, (Status.SHADOW, D(2020, 1, 1), D(2020, 12, 31)), (Status.ESTABLISHED, D(2021, 1, 1), None)
    )
    response = api.get("/api/v1/bodies/" + query)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows, "the reference data has bodies"
    request = APIRequestFactory().get("/api/v1/bodies/" + query)
    on = D(2021, 1, 1) if "as_of" in query else dt.date.today()
    expected = BodySerializer(
        [body_queryset(on).get(pk=row["id"]) for row in rows],
        many=True,
        context={"request": request, "on": on},
    ).data
    assert rows == [dict(item) for item in expected]
    assert any(row["hosts"] for row in rows) and any(len(row["statuses"]) > 1 for row in rows)


def test_staff_add_a_body_and_its_history_says_so(staff_api, reference):
    stockport = reference.area("Stockport")
    chair = reference.org("Stockport NHS Foundation Trust")
    response = staff_api.post(
        reverse("api:body-list"),
        {
            "name": "Stockport Test Board",
            "short_name": "Test Board",
            "kind": "locality_board",
            "tier": "locality",
            "system": reference.gm.pk,
            "areas": [stockport.pk],
            "hosts": [chair.pk],
            "is_statutory": False,
            "meetings_per_year": 12,
            "sources": [{"document": "001", "section": "§6.6"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    row = response.json()
    assert set(row) == BODY_FIELDS
    assert row["areas"][0]["display"] == "Stockport" and row["hosts"][0]["display"] == chair.name
    assert row["status"] is None and row["statuses"] == []
    assert row["meetings_per_year"] == 12.0
    history = staff_api.get(reverse("api:body-history", kwargs={"pk": row["id"]})).json()
    assert history[0]["label"] == "created" and history[0]["actor"] == "staff"

    url = reverse("api:body-detail", kwargs={"pk": row["id"]})
    response = staff_api.patch(
        url, {"purpose": "Decides for the place.", "is_statutory": None}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["purpose"] == "Decides for the place." and response.json()["is_statutory"] is None
    assert staff_api.delete(url).status_code == 204
    assert not Body.objects.filter(pk=row["id"]).exists()


def test_an_area_editor_adds_bodies_for_their_own_areas_only(api_as, stockport_editor, reference):
    client = api_as(stockport_editor)
    payload = {"name": "B", "kind": "other", "tier": "locality", "system": reference.gm.pk}
    before = Body.objects.count()
    assert (
        client.post(
            reverse("api:body-list"), {**payload, "areas": [reference.area("Bury").pk]}, format="json"
        ).status_code
        == 403
    )
    assert Body.objects.count() == before
    response = client.post(
        reverse("api:body-list"), {**payload, "areas": [reference.area("Stockport").pk]}, format="json"
    )
    assert response.status_code == 201


# --- Statuses, relations and terms of reference -----------------------------------------------


def test_statuses_are_recorded_and_listed_by_body(staff_api, reference):
    b = body(reference.area("Stockport"))
    url = reverse("api:body-status-list")
    first = staff_api.post(
        url,
        {"body": b.pk, "status": "shadow", "start_date": "2021-04-01", "end_date": "2022-03-31"},
        format="json",
    )
    assert first.status_code == 201, first.content
    assert first.json()["body"]["display"] == b.name and first.json()["status_display"] == "Shadow"
    second = staff_api.post(
        url,
        {
            "body": b.pk,
            "status": "established",
            "start_date": "2022-04-01",
            "conflicting_status": "shadow",
            "conflicting_note": "The May 2022 minutes still call it a shadow board.",
        },
        format="json",
    )
    assert second.status_code == 201, second.content
    rows = staff_api.get(url, {"body": b.pk}).json()["results"]
    assert [r["status"] for r in rows] == ["shadow", "established"]
    assert rows[1]["conflicting_status"] == "shadow"
    assert [
        r["status"] for r in staff_api.get(url, {"body": b.pk, "as_of": "2021-06-01"}).json()["results"]
    ] == ["shadow"]


def test_relations_are_recorded_and_listed_by_either_end(staff_api, reference):
    board, executive = cm_body("Partnership Board"), cm_body("Partnership Executive")
    rows = staff_api.get(reverse("api:accountability-relation-list"), {"body": executive.pk}).json()[
        "results"
    ]
    assert (
        "Cheshire and Merseyside Partnership Executive",
        "accountable_to",
        "Cheshire and Merseyside Partnership Board",
    ) in {(r["from_body"]["display"], r["kind"], r["to_body"]["display"]) for r in rows}
    sub = body(reference.area("Stockport"))
    response = staff_api.post(
        reverse("api:accountability-relation-list"),
        {"from_body": sub.pk, "to_body": board.pk, "kind": "sub_committee_of", "start_date": "2022-01-01"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind_display"] == "is a sub-committee of"
    rows = staff_api.get(
        reverse("api:accountability-relation-list"), {"to_body": board.pk, "kind": "sub_committee_of"}
    ).json()
    assert [r["from_body"]["id"] for r in rows["results"]] == [sub.pk]


def test_terms_of_reference_and_those_overdue_for_review(staff_api, reference):
    b = with_statuses(body(reference.area("Stockport")), (Status.ESTABLISHED, D(2020, 1, 1), None))
    response = staff_api.post(
        reverse("api:terms-of-reference-list"),
        {
            "body": b.pk,
            "version": "1.0",
            "approved_on": "2021-03-01",
            "approved_by": b.pk,
            "review_due": "2022-03-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["approved_by"]["id"] == b.pk
    overdue = staff_api.get(
        reverse("api:terms-of-reference-list"), {"overdue_on": "2022-06-01", "page_size": 500}
    ).json()
    assert response.json()["id"] in {r["id"] for r in overdue["results"]}
    on_time = staff_api.get(
        reverse("api:terms-of-reference-list"), {"overdue_on": "2022-01-01", "body": b.pk}
    ).json()
    assert on_time["results"] == []


# --- Seats and holders -----------------------------------------------------------------------


def test_seats_show_their_holders_and_vacancies_on_the_date(api, reference):
    hwb = Body.objects.get(name="Cheshire East Health and Wellbeing Board")
    rows = api.get(
        reverse("api:seat-list"), {"body": hwb.pk, "as_of": "2020-11-24", "page_size": 100}
    ).json()["results"]
    held = {r["label"]: [h["person"]["display"] for h in r["holders"]] for r in rows if r["holders"]}
    assert "Cllr Kathryn Flavell" in {name for names in held.values() for name in names}
    assert all(
        r["vacancies"]
        == r["capacity"] - len({h["position"] for h in r["holders"] if h["role"] == "principal"})
        for r in rows
    )
    before = api.get(
        reverse("api:seat-list"), {"body": hwb.pk, "as_of": "2020-01-01", "page_size": 100}
    ).json()["results"]
    assert all(r["holders"] == [] and r["vacancies"] == r["capacity"] for r in before)


def test_partnership_board_seats_are_listed_with_their_constituencies(api):
    board = cm_body("Partnership Board")
    rows = api.get(reverse("api:seat-list"), {"body": board.pk, "page_size": 100}).json()["results"]
    assert len(rows) == 12
    assert rows[0]["label"] == "Local authority — elected member (Merseyside)"
    assert rows[0]["represents_kind_display"] == "Local authority"
    assert rows[0]["voting_display"] == VOTING_LABELS[rows[0]["voting"]]
    assert all(r["holders"] == [] and r["vacancies"] == 1 for r in rows)


def test_a_seat_holding_answers_with_the_composition_rules_it_breaks(staff_api, reference):
    stockport = reference.area("Stockport")
    board, executive = body(stockport), body(stockport)
    services.composition_rule_create(
        body=board,
        kind=CompositionRuleKind.NOT_MAJORITY_FROM_BODY,
        other_body=executive,
        description="Executive members must not form a majority.",
        actor=None,
    )
    officer = person()
    services.seat_holding_create(
        seat=seat_on(executive), person=officer, start_date=D(2023, 1, 1), actor=None
    )
    board_seat = seat_on(board)

    response = staff_api.post(
        reverse("api:seat-holding-list"),
        {"seat": board_seat.pk, "person": officer.pk, "start_date": "2023-01-01"},
        format="json",
    )
    assert response.status_code == 201, response.content
    warnings = response.json()["composition_warnings"]
    assert len(warnings) == 1
    assert f"1 of the 1 members of {board.name} are members of {executive.name}, a majority" in warnings[0]
    holding_url = reverse("api:seat-holding-detail", kwargs={"pk": response.json()["id"]})
    # The warning is shown, not refused: the holding is saved.
    assert SeatHolding.objects.filter(pk=response.json()["id"]).exists()
    assert "composition_warnings" not in staff_api.get(holding_url).json()

    # A second member who is not on the Executive: 1 of 2 is not a majority.
    second = staff_api.post(
        reverse("api:seat-holding-list"),
        {"seat": seat_on(board).pk, "person": person().pk, "start_date": "2023-01-01"},
        format="json",
    )
    assert second.status_code == 201 and second.json()["composition_warnings"] == []
    # Updates answer with the warnings too.
    changed = staff_api.patch(holding_url, {"sources": [{"document": "003"}]}, format="json")
    assert changed.status_code == 200 and changed.json()["composition_warnings"] == []


def seat_on(b, **extra) -> Seat:
    return services.seat_create(body=b, label=f"Seat {Seat.objects.count() + 1}", actor=None, **extra)


def test_a_holding_from_the_seat_organisation_is_filled_in(staff_api, reference):
    council = reference.org("Stockport Council")
    s = seat(reference.area("Stockport"), represents_organisation=council)
    response = staff_api.post(
        reverse("api:seat-holding-list"), {"seat": s.pk, "person": person().pk}, format="json"
    )
    assert response.status_code == 201, response.content
    row = response.json()
    assert row["organisation"]["display"] == council.name
    assert row["role"] == "principal" and row["role_display"] == "Member" and row["position"] == 1
    assert row["body"]["id"] == s.body_id


# --- Composition rules and constituencies --------------------------------------------------------


def test_composition_rules_and_constituencies_are_listed_by_body(api):
    board, assembly = cm_body("Partnership Board"), cm_body("Partnership Assembly")
    [rule] = api.get(reverse("api:composition-rule-list"), {"body": board.pk}).json()["results"]
    assert rule["kind"] == "not_majority_from_body"
    assert rule["other_body"]["display"] == "Cheshire and Merseyside Partnership Executive"
    members = api.get(reverse("api:constituency-member-list"), {"body": assembly.pk, "page_size": 500}).json()
    assert members["count"] > 30
    assert all(m["body"]["id"] == assembly.pk and m["display"] for m in members["results"])


def test_a_count_rule_needs_its_kind_and_count(staff_api, reference):
    b = body(reference.area("Stockport"))
    response = staff_api.post(
        reverse("api:composition-rule-list"),
        {
            "body": b.pk,
            "kind": "min_from_organisation_kind",
            "organisation_kind": "local_authority",
            "count": 2,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["organisation_kind_display"] == "Local authority"


# --- Secretaries -----------------------------------------------------------------------------


def test_a_secretary_maintains_their_body_and_nothing_else(api_as, secretary_of, reference):
    stockport = reference.area("Stockport")
    mine, theirs = body(stockport), body(stockport)
    client = api_as(secretary_of(mine))
    seat_theirs = seat_on(theirs)

    # Their own body's seats, holdings, statuses and terms of reference.
    response = client.post(reverse("api:seat-list"), {"body": mine.pk, "label": "Chair"}, format="json")
    assert response.status_code == 201, response.content
    my_seat = response.json()["id"]
    assert (
        client.post(
            reverse("api:seat-holding-list"), {"seat": my_seat, "person": person().pk}, format="json"
        ).status_code
        == 201
    )
    assert (
        client.post(
            reverse("api:body-status-list"), {"body": mine.pk, "status": "shadow"}, format="json"
        ).status_code
        == 201
    )
    assert (
        client.post(
            reverse("api:terms-of-reference-list"), {"body": mine.pk, "version": "draft"}, format="json"
        ).status_code
        == 201
    )
    assert (
        client.patch(
            reverse("api:seat-detail", kwargs={"pk": my_seat}), {"label": "Chair (voting)"}, format="json"
        ).status_code
        == 200
    )

    # Not the body itself, its relations, nor anything of another body.
    assert (
        client.patch(
            reverse("api:body-detail", kwargs={"pk": mine.pk}), {"name": "X"}, format="json"
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("api:accountability-relation-list"),
            {"from_body": mine.pk, "to_body": theirs.pk, "kind": "reports_to"},
            format="json",
        ).status_code
        == 403
    )
    before = Seat.objects.count()
    refused = client.post(reverse("api:seat-list"), {"body": theirs.pk, "label": "Chair"}, format="json")
    assert refused.status_code == 403 and Seat.objects.count() == before
    before_seat = snapshot(seat_theirs)
    hidden = client.patch(
        reverse("api:seat-detail", kwargs={"pk": seat_theirs.pk}), {"label": "X"}, format="json"
    )
    missing = client.patch(
        reverse("api:seat-detail", kwargs={"pk": 999_999_999}), {"label": "X"}, format="json"
    )
    assert hidden.status_code == missing.status_code == 404 and hidden.json() == missing.json()
    assert snapshot(seat_theirs) == before_seat


def test_a_secretary_cannot_move_a_seat_to_another_body(api_as, secretary_of, reference):
    stockport = reference.area("Stockport")
    mine, theirs = body(stockport), body(stockport)
    client = api_as(secretary_of(mine))
    s = seat_on(mine)
    before = snapshot(s)
    response = client.patch(
        reverse("api:seat-detail", kwargs={"pk": s.pk}), {"body": theirs.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"body": ["A seat cannot move to another body; end it and create one there."]}
    assert snapshot(s) == before


# --- The accountability graph ----------------------------------------------------------------


def graph(api, b, **query):
    return api.get(reverse("api:body-graph", kwargs={"pk": b.pk}), query)


def test_the_graph_of_the_partnership_board(api):
    board = cm_body("Partnership Board")
    response = graph(api, board)
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"centre", "as_of", "depth", "nodes", "edges"}
    assert data["centre"] == board.pk and data["depth"] == 1 and data["as_of"] == dt.date.today().isoformat()
    names = {n["short_name"] for n in data["nodes"]}
    assert {
        "Partnership Board",
        "Partnership Assembly",
        "Partnership Executive",
        "Coordination Group",
    } <= names
    assert "Finance Group" not in names  # two links away
    by_id = {n["id"]: n["short_name"] for n in data["nodes"]}
    assert ("Partnership Executive", "is accountable to", "Partnership Board") in {
        (by_id[e["from"]], e["label"], by_id[e["to"]]) for e in data["edges"]
    }
    node = next(n for n in data["nodes"] if n["id"] == board.pk)
    assert node["url"].endswith(reverse("api:body-detail", kwargs={"pk": board.pk}))
    assert node["status"] == "established" and node["kind_label"] == "Partnership board"
    assert "Finance Group" in {n["short_name"] for n in graph(api, board, depth=2).json()["nodes"]}
    alone = graph(api, board, depth=0).json()
    assert [n["id"] for n in alone["nodes"]] == [board.pk] and alone["edges"] == []


def test_the_graph_on_a_date_leaves_out_links_not_in_force(api, staff_api, reference):
    stockport = reference.area("Stockport")
    a, b = body(stockport), body(stockport)
    services.relation_create(
        from_body=a, to_body=b, kind=RelationKind.REPORTS_TO, start_date=D(2022, 1, 1), actor=None
    )
    assert len(graph(api, a, as_of="2022-06-01").json()["edges"]) == 1
    earlier = graph(api, a, as_of="2021-06-01").json()
    assert earlier["edges"] == [] and [n["id"] for n in earlier["nodes"]] == [a.pk]


@pytest.mark.parametrize(
    "query, field, message",
    [
        ({"depth": "11"}, "depth", "Ensure this value is less than or equal to 10."),
        ({"depth": "-1"}, "depth", "Ensure this value is greater than or equal to 0."),
        ({"depth": "two"}, "depth", "A valid integer is required."),
        ({"depth": ""}, "depth", "Give a value, or leave this filter out."),
        ({"depth": "1.5"}, "depth", "A valid integer is required."),
        ({"as_of": "2022-13-01"}, "as_of", None),
        ({"as_of": "1 July 2022"}, "as_of", None),
        ({"as_of": " "}, "as_of", "Give a value, or leave this filter out."),
    ],
)
def test_a_bad_depth_or_date_is_refused_beside_the_field(api, query, field, message):
    response = graph(api, cm_body("Partnership Board"), **query)
    assert response.status_code == 400
    body_ = response.json()
    assert list(body_) == [field]
    if message:
        assert body_[field] == [message]
    else:
        assert "Date has wrong format" in body_[field][0]


def test_the_graph_of_a_body_that_does_not_exist_is_404(api):
    response = api.get(reverse("api:body-graph", kwargs={"pk": 999_999_999}))
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    assert api.get("/api/v1/bodies/99999999999999999999999/graph/").status_code == 404


def test_a_bad_filter_value_is_refused_not_ignored(api):
    for query, field in (
        ({"kind": "spaceship"}, "kind"),
        ({"status": "asleep"}, "status"),
        ({"system": "abc"}, "system"),
        ({"as_of": "2022-02-30"}, "as_of"),
        ({"statutory": "perhaps"}, "statutory"),
    ):
        response = api.get(reverse("api:body-list"), query)
        assert response.status_code == 400 and field in response.json(), (query, response.content)
    statutory = api.get(reverse("api:body-list"), {"statutory": "true", "page_size": 500}).json()["results"]
    assert statutory and all(row["is_statutory"] is True for row in statutory)
    assert BodyStatus.objects.exists()


def test_organisation_kind_choices_are_offered_for_seats(api):
    """The seat's represents_kind uses the organisation kinds, labelled as pages show them."""
    rows = api.get(reverse("api:seat-list"), {"represents_kind": "local_authority", "page_size": 100}).json()[
        "results"
    ]
    assert rows and {r["represents_kind_display"] for r in rows} == {OrganisationKind.LOCAL_AUTHORITY.label}


def test_a_seat_for_a_kind_of_organisation_refuses_a_holder_from_another_kind(staff_api, reference):
    s = seat(reference.area("Stockport"), represents_kind=OrganisationKind.LOCAL_AUTHORITY)
    other = organisation(reference.area("Stockport"))
    response = staff_api.post(
        reverse("api:seat-holding-list"),
        {"seat": s.pk, "person": person().pk, "organisation": other.pk},
        format="json",
    )
    assert response.status_code == 400
    [message] = response.json()["organisation"]
    assert message.startswith(other.name) and message.endswith("this seat represents a local authority.")


def test_the_graph_answers_exactly_what_its_documented_serializer_gives(api):
    """The graph is answered without passing through its serializer (for speed): it must still be
    exactly the documented shape."""
    import json

    from governance.api.serializers import GraphSerializer
    from governance.models import Body

    board = Body.objects.get(name="Cheshire and Merseyside Partnership Board")
    response = api.get(f"/api/v1/bodies/{board.pk}/graph/?depth=2&as_of=2021-01-26")
    assert response.status_code == 200
    body = response.json()
    assert len(body["nodes"]) >= 3 and body["edges"]
    documented = json.loads(json.dumps(GraphSerializer(body).data))
    assert body == documented
