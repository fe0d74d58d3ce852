"""body_create: recording a board, committee or partnership of a system and the areas it covers."""

from decimal import Decimal

import pytest

from governance.choices import BodyKind
from governance.models import Body, BodyArea, BodyHost
from governance.services import body_create
from organisations.choices import Tier
from tests.organisations.factories import OrganisationFactory, PostFactory, SystemFactory

from .factories import BodyFactory, PlaceFactory
from .helpers import assert_recorded, refused

pytestmark = pytest.mark.django_db


def create(**overrides):
    values = {
        "name": "Stockport Locality Board",
        "kind": BodyKind.LOCALITY_BOARD,
        "tier": Tier.LOCALITY,
        **overrides,
    }
    return body_create(**values)


def test_records_a_body_its_areas_and_hosts_and_who_did_it(staff_user, reference):
    council = reference.org("Stockport Council")
    chair, vice = PostFactory(), PostFactory()

    body = create(
        system=reference.gm,
        areas=[reference.area("Stockport")],
        hosts=[council],
        short_name="Locality Board",
        is_statutory=False,
        purpose="Holds delegated decisions for Stockport.",
        meeting_frequency="Monthly",
        meetings_per_year=Decimal("12"),
        chair_post=chair,
        vice_chair_post=vice,
        sources=[{"document": "001", "section": "§4.4"}],
        actor=staff_user,
    )

    body.refresh_from_db()
    assert (body.name, body.kind, body.tier, body.system) == (
        "Stockport Locality Board",
        BodyKind.LOCALITY_BOARD,
        Tier.LOCALITY,
        reference.gm,
    )
    assert (body.chair_post, body.vice_chair_post, body.meetings_per_year) == (chair, vice, Decimal("12"))
    assert list(body.areas.values_list("name", flat=True)) == ["Stockport"]
    assert list(body.hosts.all()) == [council]
    assert body.sources == [{"document": "001", "section": "§4.4"}]
    assert_recorded(body, "created", staff_user, service="body_create")
    link = BodyArea.objects.get(body=body)
    assert_recorded(link, "created", staff_user, service="body_links")
    assert_recorded(BodyHost.objects.get(body=body), "created", staff_user, service="body_links")


def test_a_body_may_cover_several_areas_of_its_system(staff_user, reference):
    body = create(
        name="Northern Care Alliance board",
        system=reference.gm,
        areas=[reference.area("Bury"), reference.area("Oldham")],
        actor=staff_user,
    )

    assert sorted(body.areas.values_list("name", flat=True)) == ["Bury", "Oldham"]


def test_a_body_needs_at_least_one_area(staff_user):
    system = SystemFactory()

    errors = refused(lambda: create(system=system, areas=[], actor=staff_user))

    assert errors == {"areas": ["Choose at least one area the body covers."]}


def test_areas_outside_the_bodys_system_are_refused(staff_user, reference):
    system = SystemFactory()
    own = PlaceFactory(system=system, name="Own place")

    errors = refused(
        lambda: create(
            system=system, areas=[own, reference.area("Stockport"), reference.area("Bury")], actor=staff_user
        )
    )

    assert errors == {"areas": ["These areas are not in the body's system: Bury, Stockport."]}


def test_an_area_editor_may_create_a_body_covering_their_own_areas(stockport_editor, reference):
    body = create(system=reference.gm, areas=[reference.area("Stockport")], actor=stockport_editor)

    assert list(body.areas.values_list("name", flat=True)) == ["Stockport"]
    assert_recorded(body, "created", stockport_editor, service="body_create")


def test_an_area_editor_may_only_choose_their_own_areas(stockport_editor, reference):
    errors = refused(
        lambda: create(
            system=reference.gm,
            areas=[reference.area("Stockport"), reference.area("Bury")],
            actor=stockport_editor,
        )
    )

    assert errors == {"areas": ["You may only choose areas you edit (not Bury)."]}


def test_the_chair_and_vice_chair_must_be_different_posts(staff_user):
    post = PostFactory(title="Partnership Chair")
    system = SystemFactory()
    place = PlaceFactory(system=system)

    errors = refused(
        lambda: create(system=system, areas=[place], chair_post=post, vice_chair_post=post, actor=staff_user)
    )

    assert errors == {"vice_chair_post": ["The chair and the vice-chair are different posts."]}


@pytest.mark.parametrize("meetings", [Decimal("0"), Decimal("-4")])
def test_meetings_a_year_must_be_more_than_zero(staff_user, meetings):
    system = SystemFactory()
    place = PlaceFactory(system=system)

    errors = refused(
        lambda: create(system=system, areas=[place], meetings_per_year=meetings, actor=staff_user)
    )

    assert errors == {
        "meetings_per_year": ["Meetings a year must be more than zero (leave it empty when not known)."]
    }


def test_a_name_is_required(staff_user):
    system = SystemFactory()
    place = PlaceFactory(system=system)

    errors = refused(lambda: create(name="", system=system, areas=[place], actor=staff_user))

    assert errors == {"name": ["This field cannot be blank."]}


def test_an_unknown_kind_is_refused(staff_user):
    system = SystemFactory()
    place = PlaceFactory(system=system)

    errors = refused(lambda: create(kind="cabal", system=system, areas=[place], actor=staff_user))

    assert errors == {"kind": ["Value 'cabal' is not a valid choice."]}


@pytest.mark.parametrize(
    "sources, message",
    [
        ("003", "Give sources as a list of {document, section, note} entries."),
        ([{"section": "§2"}], "Each source names its document."),
        ([{"document": "003", "page": 4}], "Unknown source keys: page."),
    ],
)
def test_invalid_sources_are_refused(staff_user, sources, message):
    system = SystemFactory()
    place = PlaceFactory(system=system)

    errors = refused(lambda: create(system=system, areas=[place], sources=sources, actor=staff_user))

    assert errors == {"sources": [message]}


def test_two_bodies_may_share_a_name_in_different_systems(staff_user):
    first = BodyFactory(name="Partnership Board")
    system = SystemFactory()

    second = create(
        name="Partnership Board", system=system, areas=[PlaceFactory(system=system)], actor=staff_user
    )

    assert Body.objects.filter(name="Partnership Board").count() == 2
    assert first.system != second.system


def test_the_factory_makes_a_body_covering_an_area_of_its_own_system():
    body = BodyFactory(hosts=[OrganisationFactory()], status="established")

    assert body.areas.count() == 1
    assert body.areas.get().system == body.system
    assert body.hosts.count() == 1
    assert list(body.statuses.values_list("status", flat=True)) == ["established"]
