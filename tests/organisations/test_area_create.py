"""area_create: places, neighbourhoods and footprints made of other areas, in the three tiers."""

import datetime as dt

import pytest

from organisations.choices import AreaKind, Tier
from organisations.models import Area, AreaMember
from organisations.services import area_create

from .factories import LocalityFactory, NeighbourhoodFactory, SystemAreaFactory, SystemFactory
from .helpers import assert_recorded

pytestmark = pytest.mark.django_db

D = dt.date


def gm_root():
    return Area.objects.get(system__short_name="GM", tier=Tier.SYSTEM)


def test_creates_a_neighbourhood_in_a_place(staff_user, reference):
    stockport = reference.area("Stockport")

    area = area_create(
        name="Heatons and Tame Valley",
        system=reference.gm,
        tier=Tier.NEIGHBOURHOOD,
        kind=AreaKind.PCN,
        parent=stockport,
        population_estimate=50000,
        sources=[{"document": "001"}],
        actor=staff_user,
    )

    area.refresh_from_db()
    assert (area.parent, area.system, area.tier) == (stockport, reference.gm, Tier.NEIGHBOURHOOD)
    assert list(stockport.children.all()) == [area]
    assert_recorded(area, "created", staff_user, service="area_create")


def test_creates_a_footprint_made_of_places(staff_user, reference):
    bolton, wigan = reference.area("Bolton"), reference.area("Wigan")

    footprint = area_create(
        name="Bolton and Wigan collaborative",
        system=reference.gm,
        tier=Tier.LOCALITY,
        kind=AreaKind.OTHER,
        parent=gm_root(),
        members=[wigan, bolton],
        sources=[{"document": "000", "section": "§9"}],
        actor=staff_user,
    )

    assert set(footprint.members.all()) == {bolton, wigan}
    link = AreaMember.objects.filter(footprint=footprint).first()
    assert_recorded(link, "created", staff_user, service="area_members")
    assert link.sources == [{"document": "000", "section": "§9"}]  # the link cites its footprint's sources


def test_a_neighbourhood_directly_under_a_system_is_refused(staff_user, refused, reference):
    errors = refused(
        lambda: area_create(
            name="Loose PCN",
            system=reference.gm,
            tier=Tier.NEIGHBOURHOOD,
            kind=AreaKind.PCN,
            parent=gm_root(),
            actor=staff_user,
        )
    )

    assert errors == {
        "parent": ["A neighbourhood area sits within a locality / place area, not a system area."]
    }


def test_a_place_under_a_place_is_refused(staff_user, refused, reference):
    errors = refused(
        lambda: area_create(
            name="Inner Stockport",
            system=reference.gm,
            tier=Tier.LOCALITY,
            kind=AreaKind.LOCAL_AUTHORITY_PLACE,
            parent=reference.area("Stockport"),
            actor=staff_user,
        )
    )

    assert errors == {
        "parent": ["A locality / place area sits within a system area, not a locality / place area."]
    }


def test_a_neighbourhood_under_a_neighbourhood_is_refused(staff_user, refused):
    pcn = NeighbourhoodFactory()

    errors = refused(
        lambda: area_create(
            name="Sub-PCN",
            system=pcn.system,
            tier=Tier.NEIGHBOURHOOD,
            kind=AreaKind.PCN,
            parent=pcn,
            actor=staff_user,
        )
    )

    assert errors == {
        "parent": ["A neighbourhood area sits within a locality / place area, not a neighbourhood area."]
    }


def test_a_place_needs_a_parent(staff_user, refused, reference):
    errors = refused(
        lambda: area_create(
            name="Orphan",
            system=reference.gm,
            tier=Tier.LOCALITY,
            kind=AreaKind.LOCAL_AUTHORITY_PLACE,
            actor=staff_user,
        )
    )

    assert errors == {"parent": ["A locality / place area needs a parent area."]}


def test_a_system_footprint_has_no_parent(staff_user, refused, reference):
    errors = refused(
        lambda: area_create(
            name="Second GM",
            system=reference.gm,
            tier=Tier.SYSTEM,
            kind=AreaKind.SYSTEM,
            parent=reference.area("Bury"),
            actor=staff_user,
        )
    )

    assert errors == {"parent": ["A system footprint has no parent."]}


def test_a_parent_in_another_system_is_refused(staff_user, refused, reference):
    errors = refused(
        lambda: area_create(
            name="Cross-border PCN",
            system=reference.gm,
            tier=Tier.NEIGHBOURHOOD,
            kind=AreaKind.PCN,
            parent=reference.area("Cheshire East", system="C&M"),
            actor=staff_user,
        )
    )

    assert errors == {"parent": ["The parent area must be in the same system."]}


def test_a_member_in_another_system_is_refused(staff_user, refused, reference):
    errors = refused(
        lambda: area_create(
            name="Cross-border footprint",
            system=reference.gm,
            tier=Tier.LOCALITY,
            kind=AreaKind.OTHER,
            parent=gm_root(),
            members=[reference.area("Stockport"), reference.area("Cheshire East", system="C&M")],
            actor=staff_user,
        )
    )

    assert errors == {"members": ["Cheshire East is in another system."]}


@pytest.mark.parametrize("code", ["E08000007", "e08000007", " e08000007 "])
def test_duplicate_ons_code_is_refused_whatever_its_case(staff_user, refused, code):
    """Stockport's ONS code is E08000007."""
    system = SystemFactory()
    root = SystemAreaFactory(system=system)

    errors = refused(
        lambda: area_create(
            name="Stockport again",
            system=system,
            tier=Tier.LOCALITY,
            kind=AreaKind.LOCAL_AUTHORITY_PLACE,
            parent=root,
            ons_code=code,
            actor=staff_user,
        )
    )

    assert errors == {"ons_code": ["Another area already has this ONS code."]}


def test_a_duplicate_name_in_the_same_parent_is_refused(staff_user, refused, reference):
    errors = refused(
        lambda: area_create(
            name="Bury",
            system=reference.gm,
            tier=Tier.LOCALITY,
            kind=AreaKind.LOCAL_AUTHORITY_PLACE,
            parent=gm_root(),
            actor=staff_user,
        )
    )

    assert errors == {"name": ["An area with this name already exists here."]}


def test_end_before_start_is_refused(staff_user, refused):
    place = LocalityFactory()

    errors = refused(
        lambda: area_create(
            name="Short-lived",
            system=place.system,
            tier=Tier.NEIGHBOURHOOD,
            kind=AreaKind.PCN,
            parent=place,
            start_date=D(2022, 1, 1),
            end_date=D(2021, 1, 1),
            actor=staff_user,
        )
    )

    assert errors == {"end_date": ["The end date must be on or after the start date."]}


def test_unknown_kind_or_tier_is_refused(staff_user, refused):
    place = LocalityFactory()

    errors = refused(
        lambda: area_create(
            name="Ward",
            system=place.system,
            tier="ward",
            kind="ward",
            parent=place,
            actor=staff_user,
        )
    )

    assert errors["kind"] == ["Value 'ward' is not a valid choice."]
    assert errors["tier"] == ["Value 'ward' is not a valid choice."]


def test_invalid_sources_are_refused(staff_user, refused):
    place = LocalityFactory()

    errors = refused(
        lambda: area_create(
            name="PCN",
            system=place.system,
            tier=Tier.NEIGHBOURHOOD,
            kind=AreaKind.PCN,
            parent=place,
            sources=[{}],
            actor=staff_user,
        )
    )

    assert errors == {"sources": ["Each source names its document."]}
