"""The governance forms: a body's secretary maintains that body and nothing else; area editors and
staff also change bodies and their relations. A refused change shows its reason beside the field,
keeps what was typed, and saves nothing."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from governance.choices import BodyKind, CompositionRuleKind, HoldingRole, RelationKind, Status
from governance.models import AccountabilityRelation, Body, BodyStatus, Seat, SeatHolding, TermsOfReference
from organisations.choices import OrganisationKind, Tier
from tests.organisations.factories import LocalityFactory, OrganisationFactory, PersonFactory, SystemFactory

from .factories import (
    BodyFactory,
    BodyStatusFactory,
    CompositionRuleFactory,
    RelationFactory,
    SeatFactory,
    SeatHoldingFactory,
    TermsOfReferenceFactory,
)
from .helpers import nothing_changes

pytestmark = pytest.mark.django_db

D = dt.date


def field_error(response, name) -> str:
    """The error message shown in the form group of the field `name` ('' when none)."""
    page = response.content.decode()
    for group in re.findall(
        r'<div class="nhsuk-form-group[^"]*">.*?</div>\s*(?=<div class="nhsuk-form-group|<div class="nhsuk-button-group)',
        page,
        flags=re.S,
    ):
        if f'id="id_{name}"' in group:
            if "nhsuk-form-group--error" not in group:
                return ""
            message = re.search(r'<span class="nhsuk-error-message"[^>]*>(.*?)</span>\s*<', group, flags=re.S)
            text = re.sub(r"<[^>]+>", "", message.group(1)) if message else ""
            return html.unescape(re.sub(r"\s+", " ", text.replace("Error:", ""))).strip()
    raise AssertionError(f"no field {name} on the page")


def typed(response, name) -> str:
    """The value the field `name` shows."""
    page = response.content.decode()
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'<input[^>]*value="([^"]*)"[^>]*name="{name}"', page
    )
    if match:
        return html.unescape(match.group(1))
    select = re.search(rf'<select name="{name}".*?</select>', page, flags=re.S)
    assert select, f"no field {name}"
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(0))
    return chosen.group(1) if chosen else ""


def without_address(response, url) -> str:
    """A page without what differs between two requests: its own address and the CSRF token."""
    text = response.content.decode().replace(url, "<url>")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def page_text(response) -> str:
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return html.unescape(re.sub(r"\s+", " ", body))


@pytest.fixture
def board():
    """An established board with a single-member seat for a council, held since April 2021."""
    system = SystemFactory(name="Formshire", short_name="FS")
    place = LocalityFactory(system=system, name="Formford")
    board = BodyFactory(
        system=system,
        areas=[place],
        name="Formshire Board",
        kind=BodyKind.PARTNERSHIP_BOARD,
        tier=Tier.SYSTEM,
    )
    BodyStatusFactory(body=board, status=Status.SHADOW, start_date=D(2020, 1, 1), end_date=D(2021, 3, 31))
    BodyStatusFactory(body=board, status=Status.ESTABLISHED, start_date=D(2021, 4, 1))
    council = OrganisationFactory(name="Formford Council", kind=OrganisationKind.LOCAL_AUTHORITY)
    seat = SeatFactory(body=board, label="Council leader", represents_organisation=council)
    SeatHoldingFactory(
        seat=seat, person=PersonFactory(name="Cllr Sitting"), organisation=council, start_date=D(2021, 4, 1)
    )
    return board


@pytest.fixture
def other_board(board):
    """Another body of the same system, with a seat and a status of its own."""
    other = BodyFactory(
        system=board.system, areas=list(board.areas.all()), name="Other Board", status=Status.ESTABLISHED
    )
    SeatFactory(body=other, label="Other seat")
    TermsOfReferenceFactory(body=other, version="1.0")
    return other


@pytest.fixture
def secretary(board, secretary_of, client):
    user = secretary_of(board)
    client.force_login(user)
    return user


def seat_of(body):
    return body.seats.order_by("id").first()


# --- A secretary maintains their own body ----------------------------------------------------


def test_a_secretary_adds_and_edits_a_seat(client, board, secretary):
    url = reverse("governance:seat_add", kwargs={"body_pk": board.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"label": "Lay member", "group": "Lay", "voting": "non_voting", "capacity": "2", "sources": "[]"}
    )
    seat = Seat.objects.get(body=board, label="Lay member")
    assert response.status_code == 302 and response["Location"] == seat.get_absolute_url()
    # Listed after the body's other seats.
    assert (seat.capacity, seat.voting, seat.order) == (2, "non_voting", seat_of(board).order + 1)

    response = client.post(
        reverse("governance:seat_edit", kwargs={"pk": seat.pk}),
        {"label": "Lay representative", "voting": "non_voting", "capacity": "2", "sources": "[]"},
    )
    assert response.status_code == 302
    order = seat.order
    seat.refresh_from_db()
    assert seat.label == "Lay representative" and seat.order == order
    assert "Seat saved: Lay representative" in page_text(client.get(response["Location"]))


def test_a_secretary_records_a_holder_and_is_warned_of_a_broken_composition_rule(client, board, secretary):
    executive = BodyFactory(system=board.system, areas=list(board.areas.all()), name="Formshire Executive")
    CompositionRuleFactory(body=board, other_body=executive, kind=CompositionRuleKind.NOT_MAJORITY_FROM_BODY)
    sitting = SeatHolding.objects.get(seat__body=board).person
    exec_seat = SeatFactory(body=executive, label="Executive member", capacity=2)
    newcomer = PersonFactory(name="Dr New Member")
    SeatHoldingFactory(seat=exec_seat, person=sitting, start_date=D(2021, 4, 1))
    SeatHoldingFactory(seat=exec_seat, person=newcomer, position=2, start_date=D(2021, 4, 1))
    lay = SeatFactory(body=board, label="Lay member")

    response = client.post(
        reverse("governance:seat_holding_add", kwargs={"seat_pk": lay.pk}),
        {"person": newcomer.pk, "role": HoldingRole.PRINCIPAL, "start_date": "2022-01-01", "sources": "[]"},
        follow=True,
    )
    assert response.status_code == 200
    holding = SeatHolding.objects.get(seat=lay)
    assert holding.person == newcomer and holding.position == 1
    page = page_text(response)
    assert "Seat holding saved" in page
    # Saved, and the broken rule said plainly.
    assert (
        "On 1 Jan 2022, 2 of the 2 members of Formshire Board are members of Formshire Executive, a majority."
        in page
    )


def test_a_secretary_edits_a_holding(client, board, secretary):
    holding = SeatHolding.objects.get(seat__body=board)
    response = client.post(
        reverse("governance:seat_holding_edit", kwargs={"pk": holding.pk}),
        {
            "person": holding.person_id,
            "organisation": holding.organisation_id,
            "role": HoldingRole.PRINCIPAL,
            "position": "1",
            "start_date": "2021-04-01",
            "end_date": "2023-03-31",
            "sources": "[]",
        },
    )
    assert response.status_code == 302
    holding.refresh_from_db()
    assert holding.end_date == D(2023, 3, 31)


def test_a_secretary_records_and_edits_a_status(client, board, secretary):
    status = BodyStatus.objects.get(body=board, status=Status.ESTABLISHED)
    response = client.post(
        reverse("governance:status_edit", kwargs={"pk": status.pk}),
        {
            "status": Status.ESTABLISHED,
            "start_date": "2021-04-01",
            "end_date": "2024-03-31",
            "note": "Stood down in 2024.",
            "sources": "[]",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("governance:status_add", kwargs={"body_pk": board.pk}),
        {"status": Status.STOOD_DOWN, "start_date": "2024-04-01", "sources": "[]"},
    )
    assert response.status_code == 302 and response["Location"] == board.get_absolute_url()
    assert list(board.statuses.order_by("start_date").values_list("status", flat=True)) == [
        Status.SHADOW,
        Status.ESTABLISHED,
        Status.STOOD_DOWN,
    ]


def test_a_secretary_adds_and_edits_terms_of_reference(client, board, secretary):
    response = client.post(
        reverse("governance:terms_of_reference_add", kwargs={"body_pk": board.pk}),
        {
            "version": "1.0",
            "approved_on": "2021-05-01",
            "approved_by": board.pk,
            "review_due": "2022-05-01",
            "sources": "[]",
        },
    )
    assert response.status_code == 302
    terms = TermsOfReference.objects.get(body=board)
    assert (terms.approved_on, terms.approved_by) == (D(2021, 5, 1), board)
    response = client.post(
        reverse("governance:terms_of_reference_edit", kwargs={"pk": terms.pk}),
        {
            "version": "1.1",
            "approved_on": "2021-05-01",
            "approved_by": board.pk,
            "review_due": "2023-05-01",
            "document_url": "https://example.org/tor.pdf",
            "sources": "[]",
        },
    )
    assert response.status_code == 302
    terms.refresh_from_db()
    assert (terms.version, terms.review_due, terms.document_url) == (
        "1.1",
        D(2023, 5, 1),
        "https://example.org/tor.pdf",
    )


# --- ... and nothing of any other body ---------------------------------------------------------


def test_another_bodys_records_are_missing_to_a_secretary(client, board, other_board, secretary):
    seat = seat_of(other_board)
    terms = other_board.terms_of_reference.get()
    status = other_board.statuses.get()
    urls = [
        reverse("governance:seat_edit", kwargs={"pk": seat.pk}),
        reverse("governance:seat_add", kwargs={"body_pk": other_board.pk}),
        reverse("governance:seat_holding_add", kwargs={"seat_pk": seat.pk}),
        reverse("governance:status_add", kwargs={"body_pk": other_board.pk}),
        reverse("governance:status_edit", kwargs={"pk": status.pk}),
        reverse("governance:terms_of_reference_add", kwargs={"body_pk": other_board.pk}),
        reverse("governance:terms_of_reference_edit", kwargs={"pk": terms.pk}),
        # The body itself and its relations are for area editors and staff, even on the own body.
        reverse("governance:body_edit", kwargs={"pk": board.pk}),
        reverse("governance:relation_add", kwargs={"body_pk": board.pk}),
    ]
    missing_url = reverse("governance:seat_edit", kwargs={"pk": 999_999_999})
    missing = client.get(missing_url)
    assert missing.status_code == 404
    for url in urls:
        assert client.get(url).status_code == 404, url
        with nothing_changes(seat, terms, status, other_board, board):
            response = client.post(
                url,
                {
                    "label": "Taken over",
                    "version": "9",
                    "status": Status.ESTABLISHED,
                    "name": "x",
                    "sources": "[]",
                },
            )
        assert response.status_code == 404, url
        assert without_address(response, url) == without_address(missing, missing_url)
    assert client.get(reverse("governance:body_add")).status_code == 403


def test_forms_need_a_signed_in_user(client, board):
    url = reverse("governance:seat_add", kwargs={"body_pk": board.pk})
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- Refusals beside the field, with what was typed, and nothing saved -----------------------


def test_an_overlapping_holding_is_refused_beside_the_dates(client, board, secretary):
    seat = seat_of(board)
    newcomer = PersonFactory(name="Cllr Newcomer")
    with nothing_changes(seat, board):
        response = client.post(
            reverse("governance:seat_holding_add", kwargs={"seat_pk": seat.pk}),
            {
                "person": newcomer.pk,
                "organisation": seat.represents_organisation_id,
                "role": HoldingRole.PRINCIPAL,
                "start_date": "2022-01-01",
                "sources": "[]",
            },
        )
    assert response.status_code == 200
    assert field_error(response, "start_date") == "Someone else holds this seat on some of these dates."
    assert typed(response, "start_date") == "2022-01-01"
    assert typed(response, "person") == str(newcomer.pk)
    assert "There is a problem" in page_text(response)
    assert response.content.decode().count('href="#id_start_date"') == 1


def test_a_holder_from_the_wrong_organisation_is_refused_beside_the_organisation(client, board, secretary):
    seat = seat_of(board)
    stranger = OrganisationFactory(name="Elsewhere Trust", kind=OrganisationKind.NHS_TRUST)
    person = PersonFactory()
    with nothing_changes(seat, board):
        response = client.post(
            reverse("governance:seat_holding_add", kwargs={"seat_pk": seat.pk}),
            {
                "person": person.pk,
                "organisation": stranger.pk,
                "role": HoldingRole.DEPUTY,
                "start_date": "2022-01-01",
                "sources": "[]",
            },
        )
    assert response.status_code == 200
    assert field_error(response, "organisation") == (
        "This seat represents Formford Council; Elsewhere Trust is not that organisation."
    )
    assert typed(response, "organisation") == str(stranger.pk)
    assert typed(response, "role") == HoldingRole.DEPUTY


def test_an_overlapping_status_is_refused_beside_the_start_date(client, board, secretary):
    with nothing_changes(board):
        response = client.post(
            reverse("governance:status_add", kwargs={"body_pk": board.pk}),
            {
                "status": Status.ESTABLISHED,
                "start_date": "2022-01-01",
                "note": "From the 2022 paper",
                "sources": "[]",
            },
        )
    assert response.status_code == 200
    assert field_error(response, "start_date") == (
        "This period overlaps the body's established period (1 Apr 2021 – present); end that one first."
    )
    assert typed(response, "note") == "From the 2022 paper"
    assert typed(response, "start_date") == "2022-01-01"


def test_terms_approved_by_a_body_that_did_not_exist_are_refused_beside_the_approver(
    client, board, secretary
):
    later = BodyFactory(system=board.system, areas=list(board.areas.all()), name="Later Committee")
    BodyStatusFactory(body=later, status=Status.PROPOSED, start_date=D(2023, 1, 1))
    with nothing_changes(board, later):
        response = client.post(
            reverse("governance:terms_of_reference_add", kwargs={"body_pk": board.pk}),
            {"version": "1.0", "approved_on": "2021-05-01", "approved_by": later.pk, "sources": "[]"},
        )
    assert response.status_code == 200
    assert field_error(response, "approved_by") == (
        "Later Committee did not exist on 1 May 2021 (no status is recorded for it on that date), so it cannot have approved these "
        "terms of reference."
    )
    assert typed(response, "version") == "1.0"
    assert typed(response, "approved_by") == str(later.pk)


def test_an_edit_that_is_refused_keeps_the_record_as_it_was(client, board, secretary):
    seat = seat_of(board)
    with nothing_changes(seat, board):
        response = client.post(
            reverse("governance:seat_edit", kwargs={"pk": seat.pk}),
            {
                "label": "Renamed",
                "voting": "voting",
                "capacity": "1",
                "start_date": "2022-01-01",
                "sources": "[]",
            },
        )
    assert response.status_code == 200
    assert field_error(response, "start_date").startswith(
        "Cllr Sitting holds the seat 1 Apr 2021 – present, outside this period"
    )
    assert typed(response, "label") == "Renamed"
    # The page still names the seat as saved.
    assert "Edit the seat Council leader on Formshire Board" in page_text(response)


def test_a_badly_typed_date_is_an_error_beside_the_field(client, board, secretary):
    with nothing_changes(board):
        response = client.post(
            reverse("governance:status_add", kwargs={"body_pk": board.pk}),
            {"status": Status.STOOD_DOWN, "start_date": "31/31/2024", "sources": "[]"},
        )
    assert response.status_code == 200
    assert field_error(response, "start_date") == "Enter a valid date."


# --- Area editors and staff change bodies and relations --------------------------------------


@pytest.fixture
def stockport_body(reference):
    return BodyFactory(
        system=reference.gm,
        areas=[reference.area("Stockport")],
        name="Stockport Test Board",
        kind=BodyKind.LOCALITY_BOARD,
        tier=Tier.LOCALITY,
        status=Status.ESTABLISHED,
    )


def test_an_area_editor_adds_and_edits_a_body_in_their_area(
    client, reference, stockport_editor, stockport_body
):
    client.force_login(stockport_editor)
    stockport = reference.area("Stockport")
    response = client.post(
        reverse("governance:body_add"),
        {
            "name": "Stockport Added Board",
            "kind": BodyKind.LOCALITY_BOARD,
            "tier": Tier.LOCALITY,
            "system": reference.gm.pk,
            "areas": [stockport.pk],
            "is_statutory": "false",
            "sources": "[]",
        },
    )
    assert response.status_code == 302
    added = Body.objects.get(name="Stockport Added Board")
    assert list(added.areas.all()) == [stockport] and added.is_statutory is False

    response = client.post(
        reverse("governance:body_edit", kwargs={"pk": stockport_body.pk}),
        {
            "name": "Stockport Renamed Board",
            "kind": BodyKind.LOCALITY_BOARD,
            "tier": Tier.LOCALITY,
            "system": reference.gm.pk,
            "areas": [stockport.pk],
            "is_statutory": "unknown",
            "meeting_frequency": "Monthly",
            "sources": "[]",
        },
    )
    assert response.status_code == 302
    stockport_body.refresh_from_db()
    assert (stockport_body.name, stockport_body.meeting_frequency, stockport_body.is_statutory) == (
        "Stockport Renamed Board",
        "Monthly",
        None,
    )


def test_an_area_editor_may_not_add_a_body_outside_their_areas(client, reference, stockport_editor):
    client.force_login(stockport_editor)
    with nothing_changes():
        response = client.post(
            reverse("governance:body_add"),
            {
                "name": "Bury Board",
                "kind": BodyKind.LOCALITY_BOARD,
                "tier": Tier.LOCALITY,
                "system": reference.gm.pk,
                "areas": [reference.area("Bury").pk],
                "sources": "[]",
            },
        )
    assert response.status_code == 200
    assert field_error(response, "areas").startswith("Select a valid choice.")
    assert typed(response, "name") == "Bury Board"


def test_an_area_editor_records_and_edits_a_relation(client, reference, stockport_editor, stockport_body):
    client.force_login(stockport_editor)
    hwb = BodyFactory(
        system=reference.gm,
        areas=[reference.area("Stockport")],
        name="Stockport Test HWB",
        status=Status.ESTABLISHED,
    )
    response = client.post(
        reverse("governance:relation_add", kwargs={"body_pk": stockport_body.pk}),
        {"kind": RelationKind.ACCOUNTABLE_TO, "to_body": hwb.pk, "start_date": "2022-07-01", "sources": "[]"},
    )
    assert response.status_code == 302
    relation = AccountabilityRelation.objects.get(from_body=stockport_body)
    assert (relation.to_body, relation.kind) == (hwb, RelationKind.ACCOUNTABLE_TO)
    response = client.post(
        reverse("governance:relation_edit", kwargs={"pk": relation.pk}),
        {
            "from_body": stockport_body.pk,
            "kind": RelationKind.REPORTS_TO,
            "to_body": hwb.pk,
            "start_date": "2022-07-01",
            "sources": "[]",
        },
    )
    assert response.status_code == 302
    relation.refresh_from_db()
    assert relation.kind == RelationKind.REPORTS_TO
    # A relation to itself is refused beside the field.
    with nothing_changes(relation):
        response = client.post(
            reverse("governance:relation_add", kwargs={"body_pk": stockport_body.pk}),
            {"kind": RelationKind.ADVISES, "to_body": stockport_body.pk, "sources": "[]"},
        )
    assert field_error(response, "to_body") == "A body cannot stand in a relation to itself."


def test_a_bury_editor_finds_a_stockport_body_missing(client, bury_editor, stockport_body):
    client.force_login(bury_editor)
    for url in (
        reverse("governance:body_edit", kwargs={"pk": stockport_body.pk}),
        reverse("governance:relation_add", kwargs={"body_pk": stockport_body.pk}),
        reverse("governance:seat_add", kwargs={"body_pk": stockport_body.pk}),
    ):
        assert client.get(url).status_code == 404


def test_staff_may_change_any_bodys_relations(client, staff_user, board, other_board):
    client.force_login(staff_user)
    relation = RelationFactory(from_body=other_board, to_body=board)
    response = client.get(reverse("governance:relation_edit", kwargs={"pk": relation.pk}))
    assert response.status_code == 200
    assert "Edit: Other Board is accountable to Formshire Board" in page_text(response)
