"""Factories for fresh delegation records (factory_boy).

They write rows directly, as fixtures: the behaviour under test goes through the services. A
function keeps its ancestor_ids as the services do; a delegation covers the functions given with
DelegationFactory(functions=[...]). Every record cites a source.
"""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from delegations.choices import DelegationStatus, PlaceLeadModel, TierColumn, Vehicle
from delegations.models import (
    Delegation,
    DelegationFunction,
    Function,
    PlaceLeadArrangement,
    PlaceLeadPost,
    ReservedMatter,
    StatutoryHolding,
    TierAssignment,
)
from organisations.choices import Tier
from tests.organisations.factories import SOURCES, LocalityFactory, OrganisationFactory, SystemFactory


class FunctionFactory(DjangoModelFactory):
    """FunctionFactory(parent=f) sits within f, with its ancestor ids filled in."""

    class Meta:
        model = Function

    name = factory.Sequence(lambda n: f"Test function {n}")
    parent = None
    ancestor_ids = factory.LazyAttribute(lambda o: [*o.parent.ancestor_ids, o.parent.pk] if o.parent else [])
    sources = factory.LazyFunction(lambda: list(SOURCES))


class StatutoryHoldingFactory(DjangoModelFactory):
    """An organisation holding a function by statute; all England unless given an area."""

    class Meta:
        model = StatutoryHolding

    function = factory.SubFactory(FunctionFactory)
    holder = factory.SubFactory(OrganisationFactory)
    area = None
    sources = factory.LazyFunction(lambda: list(SOURCES))


class ReservedMatterFactory(DjangoModelFactory):
    class Meta:
        model = ReservedMatter

    function = factory.SubFactory(FunctionFactory)
    reserved_to_organisation = factory.SubFactory(OrganisationFactory)
    reserved_to_body = None
    area = None
    sources = factory.LazyFunction(lambda: list(SOURCES))


class DelegationFactory(DjangoModelFactory):
    """A delegation between two new organisations, for a new place, in force, covering the
    functions given (DelegationFactory(functions=[f, ...])). It checks no rule."""

    class Meta:
        model = Delegation
        skip_postgeneration_save = True

    delegator_organisation = factory.SubFactory(OrganisationFactory)
    delegate_organisation = factory.SubFactory(OrganisationFactory)
    area = factory.SubFactory(LocalityFactory)
    vehicle = Vehicle.SCHEME_OF_DELEGATION
    status = DelegationStatus.IN_FORCE
    sources = factory.LazyFunction(lambda: list(SOURCES))

    @factory.post_generation
    def functions(self, create, extracted, **kwargs):
        for function in extracted or ():
            DelegationFunction.objects.create(delegation=self, function=function, sources=list(SOURCES))


class PlaceLeadArrangementFactory(DjangoModelFactory):
    class Meta:
        model = PlaceLeadArrangement

    area = factory.SubFactory(LocalityFactory)
    model = PlaceLeadModel.NOT_YET_DECIDED
    sources = factory.LazyFunction(lambda: list(SOURCES))


class PlaceLeadPostFactory(DjangoModelFactory):
    class Meta:
        model = PlaceLeadPost

    arrangement = factory.SubFactory(PlaceLeadArrangementFactory)
    post = factory.SubFactory("tests.organisations.factories.PostFactory")
    sources = factory.LazyFunction(lambda: list(SOURCES))


class TierAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = TierAssignment

    system = factory.SubFactory(SystemFactory)
    tier = Tier.LOCALITY
    column = TierColumn.DELIVERY_FUNCTION
    label = factory.Sequence(lambda n: f"Test entry {n}")
    sources = factory.LazyFunction(lambda: list(SOURCES))
