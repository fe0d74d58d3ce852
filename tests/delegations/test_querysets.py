"""Reads of delegation records: what a function covers, what was in force on a date, who is
involved, and whose import reports a user may see."""

import pytest
from django.contrib.auth.models import AnonymousUser

from delegations.models import (
    Delegation,
    Function,
    PlaceLeadArrangement,
    ReservedMatter,
    SordImport,
    StatutoryHolding,
)
from tests.governance.factories import BodyFactory
from tests.organisations.factories import OrganisationFactory, PostFactory

from .factories import (
    DelegationFactory,
    FunctionFactory,
    PlaceLeadArrangementFactory,
    ReservedMatterFactory,
    StatutoryHoldingFactory,
)
from .helpers import D

pytestmark = pytest.mark.django_db


def test_a_function_covers_itself_and_every_function_within_it():
    top = FunctionFactory(name="Health (test)")
    community = FunctionFactory(name="Community", parent=top)
    nursing = FunctionFactory(name="Nursing", parent=community)
    night = FunctionFactory(name="Night nursing", parent=nursing)
    sibling = FunctionFactory(name="Acute", parent=top)

    assert set(Function.objects.within(community.pk)) == {community, nursing, night}
    assert set(Function.objects.within(top.pk)) == {top, community, nursing, night, sibling}
    assert set(Function.objects.within(night.pk)) == {night}


def test_functions_are_found_by_name_or_description():
    nursing = FunctionFactory(name="Zebra nursing (test)")
    visits = FunctionFactory(name="Visits (test)", description="Home visits by zebra nurses")
    FunctionFactory(name="Acute care (test)")

    assert set(Function.objects.search("zebra nurs")) == {nursing, visits}


@pytest.fixture
def delegations():
    """One delegation of each state, each from 1 Jul 2022 unless said otherwise."""
    start = D(2022, 7, 1)
    return {
        "in force": DelegationFactory(status="in_force", start_date=start),
        "in force to March": DelegationFactory(status="in_force", start_date=start, end_date=D(2023, 3, 31)),
        "proposed": DelegationFactory(status="proposed", start_date=start),
        "agreed": DelegationFactory(status="agreed", start_date=start),
        "revoked after a year": DelegationFactory(
            status="revoked", start_date=start, end_date=D(2023, 6, 30)
        ),
        "revoked before it began": DelegationFactory(status="revoked", start_date=start, end_date=None),
    }


def in_force_on(delegations, day):
    ours = {d.pk: name for name, d in delegations.items()}
    return {
        ours[pk] for pk in Delegation.objects.in_force(day).filter(pk__in=ours).values_list("pk", flat=True)
    }


def test_in_force_on_a_date(delegations):
    assert in_force_on(delegations, D(2022, 6, 30)) == set()
    assert in_force_on(delegations, D(2022, 7, 1)) == {
        "in force",
        "in force to March",
        "revoked after a year",
    }
    assert in_force_on(delegations, D(2023, 4, 1)) == {"in force", "revoked after a year"}
    assert in_force_on(delegations, D(2023, 7, 1)) == {"in force"}


def test_in_force_agrees_with_each_delegations_own_answer(delegations):
    for day in (D(2022, 6, 30), D(2022, 7, 1), D(2023, 3, 31), D(2023, 4, 1), D(2023, 7, 1)):
        expected = {name for name, d in delegations.items() if d.in_force_on(day)}
        assert in_force_on(delegations, day) == expected, day


def test_as_at_a_date_whatever_the_state(delegations):
    ours = [d.pk for d in delegations.values()]

    assert Delegation.objects.as_at(D(2022, 6, 30)).filter(pk__in=ours).count() == 0
    assert Delegation.objects.as_at(D(2023, 7, 1)).filter(pk__in=ours).count() == 4


def test_delegations_involving_a_holder_on_either_side():
    council, body, post = OrganisationFactory(), BodyFactory(), PostFactory()
    made = DelegationFactory(delegator_organisation=council)
    received = DelegationFactory(delegate_organisation=None, delegate_body=body)
    by_post = DelegationFactory(delegator_organisation=None, delegator_post=post)
    DelegationFactory()

    assert set(Delegation.objects.involving_holder(organisation=council)) == {made}
    assert set(Delegation.objects.involving_holder(body=body, post=post)) == {received, by_post}
    assert not Delegation.objects.involving_holder().exists()


def test_delegations_are_found_by_function_or_party_name():
    nursing = FunctionFactory(name="District nursing (search test)")
    by_function = DelegationFactory(functions=[nursing])
    board = BodyFactory(name="Searchable Locality Board")
    by_delegate = DelegationFactory(
        delegate_organisation=None, delegate_body=board, functions=[FunctionFactory()]
    )
    DelegationFactory(functions=[FunctionFactory()])

    assert list(Delegation.objects.search("nursing (search")) == [by_function]
    assert list(Delegation.objects.search("searchable locality")) == [by_delegate]


def test_holdings_reservations_and_arrangements_as_at_a_date():
    holding = StatutoryHoldingFactory(end_date=D(2022, 6, 30))
    matter = ReservedMatterFactory(start_date=D(2022, 7, 1))
    arrangement = PlaceLeadArrangementFactory(start_date=D(2022, 3, 1), end_date=D(2022, 12, 31))

    assert holding in StatutoryHolding.objects.as_at(D(2022, 6, 30))
    assert holding not in StatutoryHolding.objects.as_at(D(2022, 7, 1))
    assert matter not in ReservedMatter.objects.as_at(D(2022, 6, 30))
    assert matter in ReservedMatter.objects.as_at(D(2022, 7, 1))
    assert arrangement in PlaceLeadArrangement.objects.as_at(D(2022, 7, 1))
    assert arrangement not in PlaceLeadArrangement.objects.as_at(D(2023, 1, 1))


def test_an_import_report_is_seen_by_its_uploader_and_staff(reader, staff_user, superuser, django_user_model):
    other = django_user_model.objects.create_user(username="other-uploader", password="pw")
    mine = SordImport.objects.create(uploaded_by=reader, file_name="mine.csv", content=b"a,b\n")
    theirs = SordImport.objects.create(uploaded_by=other, file_name="theirs.csv", content=b"a,b\n")

    assert set(SordImport.objects.visible_to(reader)) == {mine}
    assert {mine, theirs} <= set(SordImport.objects.visible_to(staff_user))
    assert {mine, theirs} <= set(SordImport.objects.visible_to(superuser))
    assert not SordImport.objects.visible_to(AnonymousUser()).exists()
