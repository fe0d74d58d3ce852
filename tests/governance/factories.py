"""Factories for fresh governance records (factory_boy).

They write rows directly, as fixtures: the behaviour under test goes through the services.
A body is made in its own new system, covering one new place of that system, unless told
otherwise: BodyFactory(system=..., areas=[...]). Every record cites a source.
"""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from governance.choices import BodyKind, CompositionRuleKind, HoldingRole, RelationKind, Status
from governance.models import (
    AccountabilityRelation,
    Body,
    BodyArea,
    BodyHost,
    BodyStatus,
    CompositionRule,
    ConstituencyMember,
    Seat,
    SeatHolding,
    TermsOfReference,
)
from organisations.choices import Tier
from organisations.models import Area
from tests.organisations.factories import (
    SOURCES,
    LocalityFactory,
    OrganisationFactory,
    PersonFactory,
    SystemAreaFactory,
    SystemFactory,
)


def system_root(system) -> Area:
    """The footprint area of a system, made if the system has none yet."""
    root = Area.objects.filter(system=system, parent__isnull=True).order_by("pk").first()
    return root or SystemAreaFactory(system=system)


class PlaceFactory(LocalityFactory):
    """A place of a system, under that system's footprint (which it shares with the system's
    other places): PlaceFactory(system=system, name="Stockport")."""

    parent = factory.LazyAttribute(lambda o: system_root(o.system))


class BodyFactory(DjangoModelFactory):
    """A body of a system, covering at least one area of that system.

    BodyFactory(areas=[place, ...]) covers those areas (they must be in the body's system);
    without `areas` it covers a new place of its system. BodyFactory(hosts=[org]) records hosts.
    BodyFactory(status="established") records that status, open-ended, with no start date;
    give `status__start_date` / `status__end_date` to date it.
    """

    class Meta:
        model = Body
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Test body {n}")
    kind = BodyKind.PARTNERSHIP_BOARD
    tier = Tier.LOCALITY
    system = factory.SubFactory(SystemFactory)
    sources = factory.LazyFunction(lambda: list(SOURCES))

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        areas = list(extracted) if extracted is not None else [PlaceFactory(system=self.system)]
        for area in areas:
            BodyArea.objects.create(body=self, area=area, sources=list(SOURCES))

    @factory.post_generation
    def hosts(self, create, extracted, **kwargs):
        for organisation in extracted or ():
            BodyHost.objects.create(body=self, organisation=organisation, sources=list(SOURCES))

    @factory.post_generation
    def status(self, create, extracted, **kwargs):
        if extracted:
            BodyStatus.objects.create(body=self, status=extracted, sources=list(SOURCES), **kwargs)


class BodyStatusFactory(DjangoModelFactory):
    class Meta:
        model = BodyStatus

    body = factory.SubFactory(BodyFactory)
    status = Status.ESTABLISHED
    sources = factory.LazyFunction(lambda: list(SOURCES))


class RelationFactory(DjangoModelFactory):
    """A relation "<from_body> is accountable to <to_body>", both bodies of the same system."""

    class Meta:
        model = AccountabilityRelation

    from_body = factory.SubFactory(BodyFactory)
    to_body = factory.SubFactory(BodyFactory, system=factory.SelfAttribute("..from_body.system"))
    kind = RelationKind.ACCOUNTABLE_TO
    sources = factory.LazyFunction(lambda: list(SOURCES))


class TermsOfReferenceFactory(DjangoModelFactory):
    """A draft version unless given `approved_on` and `approved_by`."""

    class Meta:
        model = TermsOfReference

    body = factory.SubFactory(BodyFactory)
    version = factory.Sequence(lambda n: f"{n}.0")
    sources = factory.LazyFunction(lambda: list(SOURCES))


class SeatFactory(DjangoModelFactory):
    class Meta:
        model = Seat

    body = factory.SubFactory(BodyFactory)
    label = factory.Sequence(lambda n: f"Test seat {n}")
    capacity = 1
    order = factory.Sequence(lambda n: n)
    sources = factory.LazyFunction(lambda: list(SOURCES))


class SeatHoldingFactory(DjangoModelFactory):
    """A member (principal) in place 1 of a seat, from no recorded organisation."""

    class Meta:
        model = SeatHolding

    seat = factory.SubFactory(SeatFactory)
    person = factory.SubFactory(PersonFactory)
    organisation = None
    role = HoldingRole.PRINCIPAL
    position = 1
    sources = factory.LazyFunction(lambda: list(SOURCES))


class CompositionRuleFactory(DjangoModelFactory):
    """By default: members of another body (of the same system) must not form a majority."""

    class Meta:
        model = CompositionRule

    body = factory.SubFactory(BodyFactory)
    kind = CompositionRuleKind.NOT_MAJORITY_FROM_BODY
    other_body = factory.SubFactory(BodyFactory, system=factory.SelfAttribute("..body.system"))
    sources = factory.LazyFunction(lambda: list(SOURCES))


class ConstituencyMemberFactory(DjangoModelFactory):
    class Meta:
        model = ConstituencyMember

    body = factory.SubFactory(BodyFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    sources = factory.LazyFunction(lambda: list(SOURCES))
