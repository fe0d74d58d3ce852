"""place_lead_arrangement_create, _update, _delete: how a locality arranges its place-based lead,
the post(s) holding it and which of the four roles each carries. One arrangement per locality a day."""

import pytest

from delegations.choices import PlaceLeadModel, PlaceLeadRole
from delegations.models import PlaceLeadArrangement, PlaceLeadPost
from delegations.services import (
    place_lead_arrangement_create,
    place_lead_arrangement_delete,
    place_lead_arrangement_update,
)
from tests.organisations.factories import (
    LocalityFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    PostFactory,
    SystemAreaFactory,
)

from .factories import PlaceLeadArrangementFactory, PlaceLeadPostFactory
from .helpers import D, assert_recorded, refused

pytestmark = pytest.mark.django_db

PCN, JOIN_UP, HEALTH, ECONOMY = (
    PlaceLeadRole.PRIMARY_CARE_NETWORKS,
    PlaceLeadRole.JOIN_UP_CARE,
    PlaceLeadRole.POPULATION_HEALTH,
    PlaceLeadRole.SOCIAL_ECONOMIC_DEVELOPMENT,
)
LOCALITY_ONLY = "A place-based lead arrangement belongs to a locality."
OVERLAP = "This locality already has a place-based lead arrangement on some of these dates."


@pytest.fixture
def place():
    return LocalityFactory(name="Stockport")


@pytest.fixture
def council():
    return OrganisationFactory(name="Stockport Council")


def test_records_an_arrangement_with_its_posts_and_roles(staff_user, place, council):
    chief = PostFactory(title="Chief Executive", organisation=council)
    director = PostFactory(title="Director of Place", organisation=council, area=place)

    arrangement = place_lead_arrangement_create(
        area=place,
        model=PlaceLeadModel.SPLIT_ACROSS_COUNCIL_ROLES,
        host_organisation=council,
        relationship_to_icb="Mutual accountability",
        status="agreed",
        start_date=D(2022, 7, 1),
        posts=[(chief, [PCN, JOIN_UP]), (director, [HEALTH, ECONOMY])],
        sources=[{"document": "001", "section": "§8.8"}],
        actor=staff_user,
    )

    arrangement.refresh_from_db()
    assert (arrangement.area, arrangement.model, arrangement.host_organisation) == (
        place,
        PlaceLeadModel.SPLIT_ACROSS_COUNCIL_ROLES,
        council,
    )
    roles = {link.post: link.roles for link in arrangement.post_links.all()}
    assert roles == {chief: [PCN, JOIN_UP], director: [HEALTH, ECONOMY]}
    assert_recorded(arrangement, "created", staff_user, service="place_lead_arrangement_create")
    assert_recorded(
        arrangement.post_links.get(post=chief), "created", staff_user, "place_lead_arrangement_create"
    )


def test_an_undecided_arrangement_lists_the_models_considered(staff_user, place):
    considered = [
        PlaceLeadModel.COUNCIL_CHIEF_EXECUTIVE,
        PlaceLeadModel.DEDICATED_OFFICER,
        PlaceLeadModel.SPLIT_ACROSS_COUNCIL_ROLES,
    ]

    arrangement = place_lead_arrangement_create(
        area=place, model=PlaceLeadModel.NOT_YET_DECIDED, models_considered=considered, actor=staff_user
    )

    arrangement.refresh_from_db()
    assert arrangement.models_considered == considered
    assert arrangement.post_links.count() == 0


@pytest.mark.parametrize("tier", ["system", "neighbourhood"])
def test_an_arrangement_belongs_to_a_locality(staff_user, place, tier):
    area = SystemAreaFactory() if tier == "system" else NeighbourhoodFactory(parent=place)

    errors = refused(
        lambda: place_lead_arrangement_create(
            area=area, model=PlaceLeadModel.NOT_YET_DECIDED, actor=staff_user
        )
    )

    assert errors == {"area": [LOCALITY_ONLY]}


def test_a_second_arrangement_overlapping_the_first_is_refused(staff_user, place):
    PlaceLeadArrangementFactory(area=place, status="proposed", end_date=D(2022, 6, 30))

    errors = refused(
        lambda: place_lead_arrangement_create(
            area=place, model=PlaceLeadModel.DEDICATED_OFFICER, start_date=D(2022, 6, 30), actor=staff_user
        )
    )

    assert errors == {"start_date": [OVERLAP]}


def test_the_next_arrangement_may_start_the_day_after(staff_user, place):
    PlaceLeadArrangementFactory(area=place, end_date=D(2022, 6, 30))

    arrangement = place_lead_arrangement_create(
        area=place, model=PlaceLeadModel.DEDICATED_OFFICER, start_date=D(2022, 7, 1), actor=staff_user
    )

    assert arrangement.pk is not None


def test_another_locality_may_have_its_own(staff_user, place):
    PlaceLeadArrangementFactory(area=place)

    arrangement = place_lead_arrangement_create(
        area=LocalityFactory(name="Bury"), model=PlaceLeadModel.NOT_YET_DECIDED, actor=staff_user
    )

    assert arrangement.pk is not None


def test_a_role_must_be_one_of_the_four(staff_user, place):
    post = PostFactory(title="Chief Executive")

    errors = refused(
        lambda: place_lead_arrangement_create(
            area=place, model=PlaceLeadModel.OTHER, posts=[(post, [PCN, "budget_holder"])], actor=staff_user
        )
    )

    assert errors == {
        "posts": [
            '"budget_holder" is not one of the place leader\'s roles; choose from: '
            "Support and develop primary care networks, Simplify, modernise and join up health and care, "
            "Population health management for people at risk of being left behind, Coordinate the local "
            "contribution to health, social and economic development."
        ]
    }


def test_a_post_for_another_area_is_refused(staff_user, place):
    elsewhere = PostFactory(title="Bury place lead", area=LocalityFactory(name="Bury"))

    errors = refused(
        lambda: place_lead_arrangement_create(
            area=place, model=PlaceLeadModel.OTHER, posts=[(elsewhere, [PCN])], actor=staff_user
        )
    )

    assert errors == {"posts": ["Bury place lead is a post for Bury, not for Stockport."]}


def test_a_post_listed_twice_is_refused(staff_user, place):
    post = PostFactory(title="Chief Executive")

    errors = refused(
        lambda: place_lead_arrangement_create(
            area=place, model=PlaceLeadModel.OTHER, posts=[(post, [PCN]), (post, [HEALTH])], actor=staff_user
        )
    )

    assert errors == {"posts": ["Chief Executive is listed twice; list each post once."]}


def test_an_unknown_model_is_refused(staff_user, place):
    errors = refused(lambda: place_lead_arrangement_create(area=place, model="committee", actor=staff_user))

    assert errors == {"model": ["Value 'committee' is not a valid choice."]}


def test_an_unknown_model_considered_is_refused(staff_user, place):
    errors = refused(
        lambda: place_lead_arrangement_create(
            area=place,
            model=PlaceLeadModel.NOT_YET_DECIDED,
            models_considered=["committee"],
            actor=staff_user,
        )
    )

    assert list(errors) == ["models_considered"]


# --- Changing and deleting -----------------------------------------------------------------


def test_changes_the_arrangement_and_its_posts(staff_user, place):
    arrangement = PlaceLeadArrangementFactory(area=place)
    kept, dropped, added = PostFactory(title="Kept"), PostFactory(title="Dropped"), PostFactory(title="Added")
    PlaceLeadPostFactory(arrangement=arrangement, post=kept, roles=[PCN])
    PlaceLeadPostFactory(arrangement=arrangement, post=dropped, roles=[HEALTH])

    place_lead_arrangement_update(
        arrangement,
        model=PlaceLeadModel.DEDICATED_OFFICER,
        posts=[(kept, [PCN, JOIN_UP]), (added, [ECONOMY])],
        actor=staff_user,
    )

    arrangement.refresh_from_db()
    assert arrangement.model == PlaceLeadModel.DEDICATED_OFFICER
    assert {link.post.title: link.roles for link in arrangement.post_links.all()} == {
        "Kept": [PCN, JOIN_UP],
        "Added": [ECONOMY],
    }
    assert_recorded(arrangement, "updated", staff_user, service="place_lead_arrangement_update")
    assert_recorded(
        arrangement.post_links.get(post=kept), "updated", staff_user, "place_lead_arrangement_update"
    )


def test_leaving_out_posts_keeps_them(staff_user, place):
    arrangement = PlaceLeadArrangementFactory(area=place)
    PlaceLeadPostFactory(arrangement=arrangement, roles=[PCN])

    place_lead_arrangement_update(arrangement, note="Confirmed.", actor=staff_user)

    assert arrangement.post_links.count() == 1


def test_moving_to_an_area_its_posts_are_not_for_is_refused(staff_user, place):
    arrangement = PlaceLeadArrangementFactory(area=place)
    PlaceLeadPostFactory(arrangement=arrangement, post=PostFactory(title="Stockport lead", area=place))
    bury = LocalityFactory(name="Bury")

    errors = refused(
        lambda: place_lead_arrangement_update(arrangement, area=bury, actor=staff_user), arrangement
    )

    assert errors == {"posts": ["Stockport lead is a post for Stockport, not for Bury."]}


def test_stretching_over_the_next_arrangement_is_refused(staff_user, place):
    first = PlaceLeadArrangementFactory(area=place, end_date=D(2022, 6, 30))
    PlaceLeadArrangementFactory(area=place, start_date=D(2022, 7, 1))

    errors = refused(lambda: place_lead_arrangement_update(first, end_date=None, actor=staff_user), first)

    assert errors == {"start_date": [OVERLAP]}


def test_deletes_an_arrangement_with_its_posts(staff_user, place):
    arrangement = PlaceLeadArrangementFactory(area=place)
    PlaceLeadPostFactory(arrangement=arrangement)
    pk = arrangement.pk

    place_lead_arrangement_delete(arrangement, actor=staff_user)

    assert not PlaceLeadArrangement.objects.filter(pk=pk).exists()
    assert not PlaceLeadPost.objects.filter(arrangement_id=pk).exists()
