"""body_update and body_delete: correcting a body, and removing one recorded in error."""

import datetime as dt

import pytest

from governance.choices import BodyKind, Status
from governance.models import Body, BodyArea, BodyStatus, Seat, TermsOfReference
from governance.services import body_delete, body_update
from tests.organisations.factories import OrganisationFactory, PostFactory, SystemFactory

from .factories import (
    BodyFactory,
    ConstituencyMemberFactory,
    PlaceFactory,
    SeatFactory,
    SeatHoldingFactory,
    TermsOfReferenceFactory,
)
from .helpers import assert_recorded, refused

pytestmark = pytest.mark.django_db

D = dt.date


def area_names(body):
    return sorted(body.areas.values_list("name", flat=True))


def test_updates_a_body_and_records_who_did_it(staff_user):
    body = BodyFactory(name="Partnership Board", kind=BodyKind.PARTNERSHIP_BOARD)
    host = OrganisationFactory()

    body_update(
        body,
        name="GM Partnership Board",
        kind=BodyKind.INTEGRATED_CARE_PARTNERSHIP,
        meeting_frequency="Quarterly",
        hosts=[host],
        actor=staff_user,
    )

    body.refresh_from_db()
    assert (body.name, body.kind, body.meeting_frequency) == (
        "GM Partnership Board",
        BodyKind.INTEGRATED_CARE_PARTNERSHIP,
        "Quarterly",
    )
    assert list(body.hosts.all()) == [host]
    event = assert_recorded(body, "updated", staff_user, service="body_update")
    assert event.name == "GM Partnership Board"


def test_replaces_the_areas_a_body_covers(staff_user):
    system = SystemFactory()
    first, second, third = (PlaceFactory(system=system, name=n) for n in ("First", "Second", "Third"))
    body = BodyFactory(system=system, areas=[first, second])

    body_update(body, areas=[second, third], actor=staff_user)

    assert area_names(body) == ["Second", "Third"]
    removed = BodyArea.pgh_event_models["deleted"].objects.get(
        body_id=body.pk, area_id=first.pk, pgh_label="deleted"
    )
    assert removed.pgh_context.metadata == {"user": staff_user.pk, "service": "body_links"}


def test_updating_without_areas_keeps_them(staff_user):
    body = BodyFactory()
    before = area_names(body)

    body_update(body, purpose="Advises the board.", actor=staff_user)

    assert area_names(body) == before


def test_emptying_the_areas_is_refused(staff_user):
    body = BodyFactory()

    errors = refused(lambda: body_update(body, areas=[], actor=staff_user), body)

    assert errors == {"areas": ["Choose at least one area the body covers."]}


def test_moving_a_body_to_another_system_without_its_areas_is_refused(staff_user, reference):
    body = BodyFactory(system=reference.gm, areas=[reference.area("Stockport")])

    errors = refused(lambda: body_update(body, system=reference.cm, actor=staff_user), body)

    assert errors == {"areas": ["These areas are not in the body's system: Stockport."]}


def test_moving_a_body_to_another_system_with_areas_of_that_system(staff_user, reference):
    body = BodyFactory(system=reference.gm, areas=[reference.area("Stockport")])
    wirral = reference.area("Wirral", system="C&M")

    body_update(body, system=reference.cm, areas=[wirral], actor=staff_user)

    body.refresh_from_db()
    assert body.system == reference.cm
    assert area_names(body) == ["Wirral"]


def test_the_chair_may_not_also_be_the_vice_chair(staff_user):
    chair = PostFactory()
    body = BodyFactory(chair_post=chair)

    errors = refused(lambda: body_update(body, vice_chair_post=chair, actor=staff_user), body)

    assert errors == {"vice_chair_post": ["The chair and the vice-chair are different posts."]}


def test_a_field_that_cannot_be_changed_is_refused(staff_user):
    body = BodyFactory()

    errors = refused(lambda: body_update(body, id=999, actor=staff_user), body)

    assert errors == {"id": ["This field cannot be changed here."]}


# --- Area editors --------------------------------------------------------------------------


@pytest.fixture
def shared(reference):
    """A body covering Stockport and Bury."""
    return BodyFactory(system=reference.gm, areas=[reference.area("Stockport"), reference.area("Bury")])


def test_an_area_editor_saving_a_shared_body_keeps_the_other_areas(shared, stockport_editor, reference):
    body_update(shared, areas=[reference.area("Stockport")], name="Joint board", actor=stockport_editor)

    assert area_names(shared) == ["Bury", "Stockport"]
    assert_recorded(shared, "updated", stockport_editor, service="body_update")


def test_an_area_editor_removing_their_own_area_leaves_the_others(shared, stockport_editor):
    body_update(shared, areas=[], actor=stockport_editor)

    assert area_names(shared) == ["Bury"]


def test_an_area_editor_may_not_remove_the_last_area(stockport_editor, reference):
    body = BodyFactory(system=reference.gm, areas=[reference.area("Stockport")])

    errors = refused(lambda: body_update(body, areas=[], actor=stockport_editor), body)

    assert errors == {"areas": ["Choose at least one area the body covers."]}


def test_an_area_editor_may_not_add_an_area_they_do_not_edit(shared, stockport_editor, reference):
    errors = refused(
        lambda: body_update(
            shared, areas=[reference.area("Stockport"), reference.area("Wigan")], actor=stockport_editor
        ),
        shared,
    )

    assert errors == {"areas": ["You may only choose areas you edit (not Wigan)."]}
    assert area_names(shared) == ["Bury", "Stockport"]


# --- Deleting ------------------------------------------------------------------------------


def test_deletes_a_body_with_its_statuses_seats_and_own_terms_of_reference(staff_user):
    body = BodyFactory(status=Status.ESTABLISHED, status__start_date=D(2021, 1, 1))
    SeatFactory(body=body)
    TermsOfReferenceFactory(body=body, approved_on=D(2021, 2, 1), approved_by=body)
    ConstituencyMemberFactory(body=body, decided_on=D(2021, 3, 1), decided_by=body)
    pk = body.pk

    body_delete(body, actor=staff_user)

    assert not Body.objects.filter(pk=pk).exists()
    assert not BodyStatus.objects.filter(body_id=pk).exists()
    assert not Seat.objects.filter(body_id=pk).exists()
    assert not TermsOfReference.objects.filter(body_id=pk).exists()
    event = Body.pgh_event_models["deleted"].objects.get(pgh_obj_id=pk, pgh_label="deleted")
    assert event.pgh_context.metadata == {"user": staff_user.pk, "service": "body_delete"}


def test_a_body_that_approved_another_bodys_terms_of_reference_cannot_be_deleted(staff_user):
    board = BodyFactory(status=Status.ESTABLISHED)
    terms = TermsOfReferenceFactory(approved_on=D(2021, 2, 1), approved_by=board)

    errors = refused(lambda: body_delete(board, actor=staff_user), board, terms)

    assert errors == {
        "__all__": [
            "This body approved other bodies' terms of reference; it cannot be deleted. "
            "Record it as stood down instead."
        ]
    }


def test_a_body_whose_seats_have_holders_cannot_be_deleted(staff_user):
    holding = SeatHoldingFactory()
    body = holding.seat.body

    errors = refused(lambda: body_delete(body, actor=staff_user), body, holding)

    assert errors == {
        "__all__": [
            "This body has seat holders recorded; it cannot be deleted. Record it as stood down instead."
        ]
    }


def test_a_body_named_in_another_bodys_records_cannot_be_deleted(staff_user):
    executive = BodyFactory()
    ConstituencyMemberFactory(decided_on=D(2021, 3, 1), decided_by=executive)

    errors = refused(lambda: body_delete(executive, actor=staff_user), executive)

    assert errors == {
        "__all__": [
            "This body cannot be deleted while other records refer to it (constituency members). "
            "End its period instead, or remove those records first."
        ]
    }
