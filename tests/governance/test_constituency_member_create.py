"""constituency_member_create, _update, _delete: the organisations in a body's wider constituency
(such as the Cheshire and Merseyside Assembly), optionally added by a recorded decision."""

import datetime as dt

import pytest

from governance.choices import Status
from governance.models import ConstituencyMember
from governance.services import (
    constituency_member_create,
    constituency_member_delete,
    constituency_member_update,
)
from tests.organisations.factories import OrganisationFactory, SystemFactory

from .factories import BodyFactory, BodyStatusFactory, ConstituencyMemberFactory
from .helpers import assert_recorded, refused

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def assembly():
    return BodyFactory(name="Partnership Assembly", system=SystemFactory())


@pytest.fixture
def board(assembly):
    """Established from 1 April 2021."""
    board = BodyFactory(name="Partnership Board", system=assembly.system)
    BodyStatusFactory(body=board, status=Status.PROPOSED, start_date=D(2020, 1, 1), end_date=D(2021, 3, 31))
    BodyStatusFactory(body=board, status=Status.ESTABLISHED, start_date=D(2021, 4, 1))
    return board


def test_records_an_organisation_in_the_constituency_and_who_did_it(staff_user, assembly, board):
    org = OrganisationFactory(name="Wirral Council")

    member = constituency_member_create(
        body=assembly,
        organisation=org,
        start_date=D(2021, 6, 1),
        decided_on=D(2021, 5, 20),
        decided_by=board,
        sources=[{"document": "003", "section": "MoU Annex 5"}],
        actor=staff_user,
    )

    member.refresh_from_db()
    assert (member.body, member.organisation, member.decided_on, member.decided_by) == (
        assembly,
        org,
        D(2021, 5, 20),
        board,
    )
    assert str(member) == "Wirral Council"
    assert_recorded(member, "created", staff_user, service="constituency_member_create")


def test_records_a_constituency_named_only_by_the_source(staff_user, assembly):
    member = constituency_member_create(body=assembly, label="Faith sector representatives", actor=staff_user)

    assert (member.organisation, str(member)) == (None, "Faith sector representatives")


@pytest.mark.parametrize("label", ["", "   "])
def test_an_organisation_or_a_name_is_needed(staff_user, assembly, label):
    errors = refused(lambda: constituency_member_create(body=assembly, label=label, actor=staff_user))

    assert errors == {"organisation": ["Choose an organisation or give the constituency's name."]}


def test_a_decision_date_needs_the_deciding_body(staff_user, assembly):
    errors = refused(
        lambda: constituency_member_create(
            body=assembly, label="Universities", decided_on=D(2021, 5, 20), actor=staff_user
        )
    )

    assert errors == {"decided_by": ["Say which body's decision added it."]}


def test_a_deciding_body_needs_the_decision_date(staff_user, assembly, board):
    errors = refused(
        lambda: constituency_member_create(
            body=assembly, label="Universities", decided_by=board, actor=staff_user
        )
    )

    assert errors == {"decided_on": ["Give the date of the decision."]}


@pytest.mark.parametrize(
    "decided_on, day", [(D(2021, 3, 31), "31 Mar 2021"), (D(2019, 12, 31), "31 Dec 2019")]
)
def test_a_decision_by_a_body_that_did_not_exist_is_refused(staff_user, assembly, board, decided_on, day):
    errors = refused(
        lambda: constituency_member_create(
            body=assembly, label="Universities", decided_on=decided_on, decided_by=board, actor=staff_user
        )
    )

    assert errors == {
        "decided_by": [f"Partnership Board did not exist on {day}, so it cannot have decided this."]
    }


def test_the_same_organisation_twice_is_refused(staff_user, assembly):
    existing = ConstituencyMemberFactory(body=assembly)

    errors = refused(
        lambda: constituency_member_create(
            body=assembly, organisation=existing.organisation, actor=staff_user
        ),
        existing,
    )

    assert errors == {"organisation": ["This organisation is already in the constituency."]}


def test_the_same_organisation_may_be_in_two_bodies_constituencies(staff_user, assembly, board):
    existing = ConstituencyMemberFactory(body=assembly)

    constituency_member_create(body=board, organisation=existing.organisation, actor=staff_user)

    assert ConstituencyMember.objects.filter(organisation=existing.organisation).count() == 2


def test_end_before_start_is_refused(staff_user, assembly):
    errors = refused(
        lambda: constituency_member_create(
            body=assembly,
            label="Universities",
            start_date=D(2021, 6, 1),
            end_date=D(2021, 5, 31),
            actor=staff_user,
        )
    )

    assert errors == {"end_date": ["The end date must be on or after the start date."]}


# --- Update and delete ---------------------------------------------------------------------


def test_ends_a_membership_and_records_who_did_it(staff_user, assembly):
    member = ConstituencyMemberFactory(body=assembly, start_date=D(2021, 6, 1))

    constituency_member_update(member, end_date=D(2023, 3, 31), actor=staff_user)

    member.refresh_from_db()
    assert member.end_date == D(2023, 3, 31)
    assert_recorded(member, "updated", staff_user, service="constituency_member_update")


def test_changing_to_an_organisation_already_in_the_constituency_is_refused(staff_user, assembly):
    first = ConstituencyMemberFactory(body=assembly)
    second = ConstituencyMemberFactory(body=assembly)

    errors = refused(
        lambda: constituency_member_update(second, organisation=first.organisation, actor=staff_user), second
    )

    assert errors == {"organisation": ["This organisation is already in the constituency."]}


def test_a_member_cannot_move_to_another_body(staff_user, assembly, board):
    member = ConstituencyMemberFactory(body=assembly)

    errors = refused(lambda: constituency_member_update(member, body=board, actor=staff_user), member)

    assert errors == {"body": ["A constituency member cannot move to another body."]}


def test_deletes_a_member_and_records_who_did_it(staff_user, assembly):
    member = ConstituencyMemberFactory(body=assembly)
    pk = member.pk

    constituency_member_delete(member, actor=staff_user)

    assert not ConstituencyMember.objects.filter(pk=pk).exists()
    event = ConstituencyMember.pgh_event_models["deleted"].objects.get(pgh_obj_id=pk, pgh_label="deleted")
    assert event.pgh_context.metadata == {"user": staff_user.pk, "service": "constituency_member_delete"}
