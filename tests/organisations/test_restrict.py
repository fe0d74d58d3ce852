"""restrict(user, action): who may see and who may change which records.

Reading is public. Staff editors and superusers change everything; an area editor changes their
area, the areas within it and the records that belong to them; a reader changes nothing.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from organisations.models import (
    Area,
    Organisation,
    PartnershipMembership,
    Person,
    Post,
    PostHolding,
    Succession,
    System,
)

from .factories import NeighbourhoodFactory, OrganisationFactory, PostFactory, PostHoldingFactory

pytestmark = pytest.mark.django_db

MODELS = [System, Area, Organisation, Succession, PartnershipMembership, Person, Post, PostHolding]
STOCKPORT_ORGANISATIONS = {
    "Stockport Council",
    "NHS Stockport CCG",
    "Stockport NHS Foundation Trust",
    "Pennine Care NHS Foundation Trust",
    "Viaduct Care",
    "Mastercall Healthcare",
    "Healthwatch Stockport",
}


def names(queryset, field="name"):
    return set(queryset.values_list(field, flat=True))


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("who", ["anonymous", "reader", "stockport_editor", "staff_user", "superuser"])
def test_everyone_may_view_every_record(request, model, who):
    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)

    assert model.objects.restrict(user, "view").count() == model.objects.count()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("action", ["add", "change", "delete"])
@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_readers_and_visitors_change_nothing(request, model, action, who):
    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)

    assert not model.objects.restrict(user, action).exists()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("who", ["staff_user", "superuser"])
def test_staff_editors_and_superusers_change_everything(request, model, who):
    user = request.getfixturevalue(who)

    assert model.objects.restrict(user, "change").count() == model.objects.count()
    assert model.objects.restrict(user, "delete").count() == model.objects.count()


def test_an_inactive_staff_user_changes_nothing(staff_user):
    staff_user.is_active = False
    staff_user.save()

    assert not Organisation.objects.restrict(staff_user, "change").exists()


def test_stockport_editor_changes_organisations_serving_stockport_only(stockport_editor):
    assert names(Organisation.objects.restrict(stockport_editor, "change")) == STOCKPORT_ORGANISATIONS


def test_bury_editor_changes_bury_organisations_not_stockports(bury_editor):
    editable = names(Organisation.objects.restrict(bury_editor, "change"))

    assert {
        "Bury Council",
        "NHS Bury CCG",
        "Bury Healthwatch",
        "Pennine Care NHS Foundation Trust",
    } <= editable
    assert not editable & {"Stockport Council", "NHS Stockport CCG", "Viaduct Care"}


def test_stockport_editor_changes_stockport_and_its_neighbourhoods(stockport_editor, reference):
    stockport = reference.area("Stockport")
    pcn = NeighbourhoodFactory(parent=stockport, name="Stockport PCN")
    NeighbourhoodFactory(parent=reference.area("Bury"), name="Bury PCN")

    assert names(Area.objects.restrict(stockport_editor, "change")) == {"Stockport", "Stockport PCN"}
    # and organisations serving only a Stockport neighbourhood
    practice = OrganisationFactory(name="A Stockport practice", kind="gp_practice", areas=[pcn])
    assert practice in Organisation.objects.restrict(stockport_editor, "change")


def test_stockport_editor_changes_stockport_posts_holdings_and_people(stockport_editor, reference):
    place_lead = Post.objects.get(title="Place-based lead, Stockport")
    holding = PostHoldingFactory(post=place_lead)
    council_post = PostFactory(organisation=reference.org("Stockport Council"))
    bury_post = Post.objects.get(title="Chief Executive, Bury Council")

    posts = Post.objects.restrict(stockport_editor, "change")
    assert {place_lead, council_post} <= set(posts)
    assert bury_post not in posts
    # every post they may change is Stockport's (the reference data adds Stockport's board chairs)
    stockport = reference.area("Stockport")
    assert all(p.area == stockport or stockport in p.organisation.areas.all() for p in posts)
    holdings = PostHolding.objects.restrict(stockport_editor, "change")
    assert holding in holdings
    assert all(h.post in posts for h in holdings)
    people = Person.objects.restrict(stockport_editor, "change")
    assert holding.person in people
    assert set(people) == {h.person for h in holdings}


def test_stockport_editor_changes_stockport_successions_not_others(stockport_editor):
    editable = Succession.objects.restrict(stockport_editor, "change")

    assert names(editable, "predecessor__name") == {"NHS Stockport CCG"}


def test_area_editors_do_not_change_systems_or_other_systems_memberships(stockport_editor):
    assert not System.objects.restrict(stockport_editor, "change").exists()
    assert not PartnershipMembership.objects.restrict(stockport_editor, "change").exists()


def test_an_unknown_action_is_an_error(reader):
    with pytest.raises(ValueError, match="Unknown action 'approve'"):
        Organisation.objects.restrict(reader, "approve")


def test_restrict_costs_a_fixed_number_of_queries(stockport_editor, django_assert_max_num_queries):
    # model permissions (user, groups), the editor's areas, then the rows
    with django_assert_max_num_queries(5):
        list(Organisation.objects.restrict(stockport_editor, "change"))
    with django_assert_max_num_queries(1):  # the editor's areas are remembered
        list(Post.objects.restrict(stockport_editor, "change"))
