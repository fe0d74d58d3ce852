"""Factories for fresh registry records (factory_boy).

They write rows directly, as fixtures: the behaviour under test goes through the services.
Every record cites a source, as the registry's own records do.
"""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from organisations.choices import AreaKind, MembershipCategory, OrganisationKind, Tier
from organisations.models import (
    Area,
    AreaMember,
    Organisation,
    OrganisationArea,
    PartnershipMembership,
    Person,
    Post,
    PostHolding,
    Succession,
    System,
)

SOURCES = [{"document": "001", "section": "test"}]


class SystemFactory(DjangoModelFactory):
    class Meta:
        model = System

    name = factory.Sequence(lambda n: f"Test system {n}")
    short_name = factory.Sequence(lambda n: f"TS{n}")
    sources = factory.LazyFunction(lambda: list(SOURCES))


class SystemAreaFactory(DjangoModelFactory):
    """The footprint of a system: the root of its areas."""

    class Meta:
        model = Area

    system = factory.SubFactory(SystemFactory)
    name = factory.SelfAttribute("system.name")
    tier = Tier.SYSTEM
    kind = AreaKind.SYSTEM
    parent = None
    sources = factory.LazyFunction(lambda: list(SOURCES))


class LocalityFactory(DjangoModelFactory):
    """A place in a system, directly under the system's footprint."""

    class Meta:
        model = Area

    system = factory.SubFactory(SystemFactory)
    parent = factory.SubFactory(SystemAreaFactory, system=factory.SelfAttribute("..system"))
    name = factory.Sequence(lambda n: f"Test place {n}")
    tier = Tier.LOCALITY
    kind = AreaKind.LOCAL_AUTHORITY_PLACE
    sources = factory.LazyFunction(lambda: list(SOURCES))


class NeighbourhoodFactory(DjangoModelFactory):
    """A neighbourhood within a place (its system follows the place)."""

    class Meta:
        model = Area

    parent = factory.SubFactory(LocalityFactory)
    system = factory.SelfAttribute("parent.system")
    name = factory.Sequence(lambda n: f"Test neighbourhood {n}")
    tier = Tier.NEIGHBOURHOOD
    kind = AreaKind.PCN
    sources = factory.LazyFunction(lambda: list(SOURCES))


class AreaMemberFactory(DjangoModelFactory):
    class Meta:
        model = AreaMember

    footprint = factory.SubFactory(LocalityFactory, kind=AreaKind.OTHER)
    member = factory.SubFactory(
        LocalityFactory,
        system=factory.SelfAttribute("..footprint.system"),
        parent=factory.SelfAttribute("..footprint.parent"),
    )
    sources = factory.LazyFunction(lambda: list(SOURCES))


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Test organisation {n}")
    kind = OrganisationKind.NHS_TRUST
    ods_code = ""
    sources = factory.LazyFunction(lambda: list(SOURCES))

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        """OrganisationFactory(areas=[area, ...]) records the areas it serves."""
        for area in extracted or ():
            OrganisationArea.objects.create(organisation=self, area=area, sources=list(SOURCES))


class SuccessionFactory(DjangoModelFactory):
    class Meta:
        model = Succession

    predecessor = factory.SubFactory(OrganisationFactory)
    successor = factory.SubFactory(OrganisationFactory)
    effective_date = dt.date(2020, 4, 1)
    sources = factory.LazyFunction(lambda: list(SOURCES))


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = PartnershipMembership

    system = factory.SubFactory(SystemFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    category = MembershipCategory.NHS_SERVICE_PROVIDERS
    sources = factory.LazyFunction(lambda: list(SOURCES))


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Test Person {n}")
    sources = factory.LazyFunction(lambda: list(SOURCES))


class PostFactory(DjangoModelFactory):
    class Meta:
        model = Post

    title = factory.Sequence(lambda n: f"Test post {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    area = None
    capacity = 1
    sources = factory.LazyFunction(lambda: list(SOURCES))


class PostHoldingFactory(DjangoModelFactory):
    class Meta:
        model = PostHolding

    post = factory.SubFactory(PostFactory)
    person = factory.SubFactory(PersonFactory)
    position = 1
    sources = factory.LazyFunction(lambda: list(SOURCES))
