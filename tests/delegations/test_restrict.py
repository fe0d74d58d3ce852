"""restrict(user, action) for delegation records: who may see and who may change what.

Reading is public. Staff editors and superusers change everything. The function catalogue,
statutory holdings and the tier table are national reference data: staff only. Delegations (and
the functions they cover), reserved matters and place-based lead arrangements (and their posts)
belong to the area they apply to: an area editor changes those of their areas and the areas within
them; a grant on a system's footprint covers the whole system. A reservation for all England
belongs to no area, so only staff change it.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

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
from ics_registry.permissions import can_write_in_areas, may_write_at_all
from organisations.models import Area
from tests.organisations.factories import NeighbourhoodFactory

from .factories import (
    DelegationFactory,
    FunctionFactory,
    PlaceLeadArrangementFactory,
    PlaceLeadPostFactory,
    ReservedMatterFactory,
    StatutoryHoldingFactory,
    TierAssignmentFactory,
)

pytestmark = pytest.mark.django_db

AREA_MODELS = [Delegation, DelegationFunction, ReservedMatter]
PLACE_MODELS = [PlaceLeadArrangement, PlaceLeadPost]
STAFF_MODELS = [Function, StatutoryHolding, TierAssignment]
EVERY_MODEL = [*AREA_MODELS, *PLACE_MODELS, *STAFF_MODELS]
USERS = ["anonymous", "reader", "stockport_editor", "bury_editor", "gm_editor", "staff_user", "superuser"]


def records_in(area):
    function = FunctionFactory()
    delegation = DelegationFactory(area=area, functions=[function])
    return {
        Delegation: delegation,
        DelegationFunction: delegation.function_links.get(),
        ReservedMatter: ReservedMatterFactory(function=function, area=area),
    }


def place_records(area):
    # A locality has one arrangement a day: use the reference data's, where it records one.
    arrangement = PlaceLeadArrangement.objects.filter(area=area).first() or PlaceLeadArrangementFactory(
        area=area
    )
    return {PlaceLeadArrangement: arrangement, PlaceLeadPost: PlaceLeadPostFactory(arrangement=arrangement)}


@pytest.fixture
def world(reference):
    gm = reference.gm
    footprint = Area.objects.get(system=gm, tier="system")
    stockport, bury = reference.area("Stockport"), reference.area("Bury")
    heatons = NeighbourhoodFactory(parent=stockport, name="Heatons (test)")
    return {
        "footprint": records_in(footprint),
        "stockport": {**records_in(stockport), **place_records(stockport)},
        "heatons": records_in(heatons),
        "bury": {**records_in(bury), **place_records(bury)},
        "england": {ReservedMatter: ReservedMatterFactory(area=None)},
    }


@pytest.fixture
def national():
    function = FunctionFactory()
    return {
        Function: function,
        StatutoryHolding: StatutoryHoldingFactory(function=function),
        TierAssignment: TierAssignmentFactory(function=function),
    }


def user_for(request, who):
    return AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)


def editable(user, model, world, action="change"):
    """Which of the world's areas' records of this model the user may act on."""
    ours = {records[model].pk: name for name, records in world.items() if model in records}
    allowed = model.objects.restrict(user, action).filter(pk__in=ours).values_list("pk", flat=True)
    return {ours[pk] for pk in allowed}


@pytest.mark.parametrize("model", EVERY_MODEL, ids=lambda m: m.__name__)
@pytest.mark.parametrize("who", USERS)
def test_everyone_may_view_every_record(request, world, national, model, who):
    assert model.objects.restrict(user_for(request, who), "view").count() == model.objects.count()


@pytest.mark.parametrize("model", EVERY_MODEL, ids=lambda m: m.__name__)
@pytest.mark.parametrize("action", ["add", "change", "delete"])
@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_readers_and_visitors_change_nothing(request, world, national, model, action, who):
    assert not model.objects.restrict(user_for(request, who), action).exists()


@pytest.mark.parametrize("model", EVERY_MODEL, ids=lambda m: m.__name__)
@pytest.mark.parametrize("who", ["staff_user", "superuser"])
def test_staff_editors_and_superusers_change_everything(request, world, national, model, who):
    user = request.getfixturevalue(who)

    assert model.objects.restrict(user, "change").count() == model.objects.count()
    assert model.objects.restrict(user, "delete").count() == model.objects.count()


@pytest.mark.parametrize("model", STAFF_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("action", ["add", "change", "delete"])
@pytest.mark.parametrize("who", ["stockport_editor", "gm_editor"])
def test_the_catalogue_holdings_and_tier_table_are_staff_only(request, national, model, action, who):
    assert not model.objects.restrict(request.getfixturevalue(who), action).exists()


@pytest.mark.parametrize("model", AREA_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("action", ["change", "delete"])
def test_an_area_editor_changes_the_records_of_their_area_and_within_it(
    world, stockport_editor, model, action
):
    assert editable(stockport_editor, model, world, action) == {"stockport", "heatons"}


@pytest.mark.parametrize("model", AREA_MODELS, ids=lambda m: m.__name__)
def test_another_places_editor_changes_only_theirs(world, bury_editor, model):
    assert editable(bury_editor, model, world) == {"bury"}


@pytest.mark.parametrize("model", AREA_MODELS, ids=lambda m: m.__name__)
def test_a_system_wide_editor_changes_every_record_in_the_system(world, gm_editor, model):
    assert editable(gm_editor, model, world) == {"footprint", "stockport", "heatons", "bury"}


@pytest.mark.parametrize("model", PLACE_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize(
    "who, expected",
    [("stockport_editor", {"stockport"}), ("bury_editor", {"bury"}), ("gm_editor", {"stockport", "bury"})],
)
def test_place_based_lead_arrangements_belong_to_their_locality(request, world, model, who, expected):
    assert editable(request.getfixturevalue(who), model, world) == expected


def test_a_reservation_for_all_england_is_changed_by_staff_only(world, gm_editor, staff_user):
    matter = world["england"][ReservedMatter]

    assert matter not in ReservedMatter.objects.restrict(gm_editor, "change")
    assert matter in ReservedMatter.objects.restrict(staff_user, "change")


def test_who_may_write_a_new_delegation_for_an_area(
    reference, stockport_editor, gm_editor, reader, staff_user
):
    stockport, bury = reference.area("Stockport").pk, reference.area("Bury").pk

    assert can_write_in_areas(stockport_editor, Delegation, "add", [stockport])
    assert not can_write_in_areas(stockport_editor, Delegation, "add", [bury])
    assert can_write_in_areas(gm_editor, Delegation, "add", [bury])
    assert not can_write_in_areas(reader, Delegation, "add", [stockport])
    assert can_write_in_areas(staff_user, Function, "add", [])
    assert not can_write_in_areas(gm_editor, Function, "add", [])
    assert may_write_at_all(stockport_editor, Delegation, "add")
    assert not may_write_at_all(reader, Delegation, "add")
