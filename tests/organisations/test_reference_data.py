"""The reference registry (organisations/reference/registry.yaml) says what the source papers say."""

import datetime as dt
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from ics_registry.models import SourcedModel, SourceDocument
from organisations.choices import AreaKind, MembershipCategory, OrganisationKind, Tier
from organisations.models import Area, Organisation, PartnershipMembership, Succession

pytestmark = pytest.mark.django_db

D = dt.date
APPS = ("organisations", "governance", "delegations", "finance")
GM_PLACES = [
    "Bolton",
    "Bury",
    "Manchester",
    "Oldham",
    "Rochdale",
    "Salford",
    "Stockport",
    "Tameside",
    "Trafford",
    "Wigan",
]
CM_PLACES = [
    "Cheshire East",
    "Cheshire West and Chester",
    "Halton",
    "Knowsley",
    "Liverpool",
    "Sefton",
    "St Helens",
    "Warrington",
    "Wirral",
]


def registry_models():
    """The record models of the four registry apps (not their history event tables)."""
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if getattr(model, "pgh_tracked_model", None) is None:
                yield model


def area_names(queryset):
    return sorted(queryset.values_list("name", flat=True))


def test_greater_manchester_has_its_ten_localities(reference):
    places = Area.objects.filter(system=reference.gm, tier=Tier.LOCALITY, kind=AreaKind.LOCAL_AUTHORITY_PLACE)

    assert area_names(places) == GM_PLACES
    assert {p.parent.tier for p in places.select_related("parent")} == {Tier.SYSTEM}


def test_the_ten_gm_ccgs_closed_when_the_icb_became_statutory(reference):
    gm_ccgs = Organisation.objects.filter(kind=OrganisationKind.CCG, areas__system=reference.gm).distinct()
    icb = reference.org("NHS Greater Manchester Integrated Care")

    assert gm_ccgs.as_at(D(2022, 6, 30)).count() == 10
    assert not gm_ccgs.as_at(D(2022, 7, 1)).exists()
    assert reference.gm.icb_statutory_from == D(2022, 7, 1)
    successions = Succession.objects.filter(predecessor__in=gm_ccgs)
    assert successions.count() == 10
    assert {(s.successor, s.effective_date) for s in successions} == {(icb, D(2022, 7, 1))}


def test_cheshire_and_merseyside_has_nine_places_and_26_million_people(reference):
    places = Area.objects.filter(system=reference.cm, tier=Tier.LOCALITY, kind=AreaKind.LOCAL_AUTHORITY_PLACE)

    assert area_names(places) == CM_PLACES
    # the YAML records the population on the system (and its footprint) as a whole number of people
    assert reference.cm.population_estimate == 2_600_000
    assert Area.objects.get(system=reference.cm, tier=Tier.SYSTEM).population_estimate == 2_600_000
    assert any("2.6 million" in s.get("note", "") for s in reference.cm.sources)


@pytest.mark.parametrize(
    "category, count",
    [
        (MembershipCategory.LOCAL_AUTHORITIES, 9),
        (MembershipCategory.NHS_COMMISSIONERS, 9),
        (MembershipCategory.NHS_SERVICE_PROVIDERS, 18),  # the annex lists 18, though its text says nineteen
    ],
)
def test_cm_partnership_members_by_category(reference, category, count):
    members = PartnershipMembership.objects.filter(system=reference.cm, category=category)

    assert members.count() == count


def test_cm_local_authority_and_commissioner_members_are_councils_and_ccgs(reference):
    members = PartnershipMembership.objects.filter(system=reference.cm).select_related("organisation")

    assert {m.organisation.kind for m in members if m.category == MembershipCategory.LOCAL_AUTHORITIES} == {
        "local_authority"
    }
    assert {m.organisation.kind for m in members if m.category == MembershipCategory.NHS_COMMISSIONERS} == {
        "ccg"
    }


def test_crewe_care_community_contains_exactly_two_pcns():
    crewe = Area.objects.get(name="Crewe Care Community")

    assert crewe.members.count() == 2
    assert set(crewe.members.values_list("kind", flat=True)) == {AreaKind.PCN}


def test_cheshire_east_has_eight_care_communities_and_nine_pcns(reference):
    cheshire_east = reference.area("Cheshire East", system="C&M")

    assert cheshire_east.children.filter(kind=AreaKind.CARE_COMMUNITY).count() == 8
    assert cheshire_east.children.filter(kind=AreaKind.PCN).count() == 9
    # the other seven care communities are each coterminous with one PCN
    others = cheshire_east.children.filter(kind=AreaKind.CARE_COMMUNITY).exclude(name="Crewe Care Community")
    assert [c.members.count() for c in others] == [1] * 7


def test_bury_has_five_neighbourhoods(reference):
    assert reference.area("Bury").children.filter(tier=Tier.NEIGHBOURHOOD).count() == 5


def test_the_nca_footprint_is_bury_rochdale_oldham_and_salford():
    nca = Area.objects.get(name__startswith="Northern Care Alliance footprint")

    assert area_names(nca.members.all()) == ["Bury", "Oldham", "Rochdale", "Salford"]


def test_pennine_care_serves_five_gm_places(reference):
    pennine = reference.org("Pennine Care NHS Foundation Trust")

    assert area_names(pennine.areas.all()) == ["Bury", "Oldham", "Rochdale", "Stockport", "Tameside"]


def test_stockport_ft_serves_stockport_and_east_cheshire(reference):
    trust = reference.org("Stockport NHS Foundation Trust")

    assert area_names(trust.areas.all()) == ["Cheshire East", "Stockport"]


def test_every_record_cites_a_known_source():
    known = set(SourceDocument.objects.values_list("code", flat=True))
    checked = 0
    for model in registry_models():
        if not model.objects.exists():
            continue
        assert issubclass(model, SourcedModel), f"{model._meta.label} holds records but no sources"
        unsourced = model.objects.filter(sources=[])
        assert not unsourced.exists(), f"{model._meta.label} without sources: {list(unsourced[:5])}"
        for sources in model.objects.values_list("sources", flat=True):
            assert {s["document"] for s in sources} <= known, f"{model._meta.label} cites an unknown document"
        checked += 1
    assert checked >= 8


def test_records_flagged_incomplete_say_what_is_missing():
    flagged = 0
    for model in registry_models():
        if issubclass(model, SourcedModel):
            silent = model.objects.filter(is_incomplete=True, incomplete_note="")
            assert not silent.exists(), (
                f"{model._meta.label} flagged incomplete without a note: {list(silent[:5])}"
            )
            flagged += model.objects.filter(is_incomplete=True).count()
    assert flagged > 0


def _counts():
    counts = {
        m._meta.label: m.objects.count() for label in APPS for m in apps.get_app_config(label).get_models()
    }
    counts["documents"] = SourceDocument.objects.count()
    return counts


def test_loading_the_reference_data_again_adds_nothing():
    before = _counts()

    for _ in range(2):
        out = StringIO()
        call_command("load_reference_data", stdout=out)
        assert out.getvalue().strip() == "Reference data already loaded; nothing to add."

    assert _counts() == before  # no records, and no history events either
