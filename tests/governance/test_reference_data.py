"""The governance reference data (governance/reference/governance.yaml) says what the source papers say."""

import datetime as dt
from collections import Counter

import pytest
from django.db.models import F, Q

from governance.models import (
    AccountabilityRelation,
    Body,
    BodyStatus,
    CompositionRule,
    ConstituencyMember,
    Seat,
    SeatHolding,
    TermsOfReference,
)
from organisations.models import PostHolding

pytestmark = pytest.mark.django_db

D = dt.date

CM_ASSEMBLY = "Cheshire and Merseyside Partnership Assembly"
CM_BOARD = "Cheshire and Merseyside Partnership Board"
CM_COORDINATION = "Cheshire and Merseyside Partnership Coordination Group"
CM_EXECUTIVE = "Cheshire and Merseyside Partnership Executive"
CM_FINANCE = "Cheshire and Merseyside Partnership Finance Group"
CE_HWB = "Cheshire East Health and Wellbeing Board"
STOCKPORT_LB = "Stockport Locality Board"
BURY_LSB = "Bury Locality System Board"
BURY_IDCB = "Bury Integrated Delivery Collaborative Board"
GM_ICB_BOARD = "Greater Manchester Integrated Care Board"
PARTNERSHIP_CHAIR = "Chair, Cheshire and Merseyside Health and Care Partnership"
PARTNERSHIP_CHIEF_OFFICER = "Partnership Chief Officer, Cheshire and Merseyside Health and Care Partnership"


def body(name):
    return Body.objects.get(name=name)


def statuses(name):
    """A body's status periods in lifecycle order (an unknown start comes first)."""
    return list(BodyStatus.objects.filter(body__name=name).order_by(F("start_date").asc(nulls_first=True)))


def related(from_name, to_name, kind):
    return AccountabilityRelation.objects.filter(
        from_body__name=from_name, to_body__name=to_name, kind=kind
    ).exists()


def holders_on(seats, on):
    """Names of the principal holders of these seats on a date."""
    in_force = (Q(start_date__isnull=True) | Q(start_date__lte=on)) & (
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )
    return set(
        SeatHolding.objects.filter(seat__in=seats, role="principal")
        .filter(in_force)
        .values_list("person__name", flat=True)
    )


def sections(record):
    return {(s["document"], s["section"]) for s in record.sources}


# ------------------------------------------------------------------ Cheshire and Merseyside


@pytest.mark.parametrize(
    "name, kind, meetings_per_year",
    [
        (CM_ASSEMBLY, "partnership_assembly", 3),  # "on average three times a year"
        (CM_BOARD, "partnership_board", 12),  # monthly
        (CM_COORDINATION, "partnership_coordination_group", 24),  # twice monthly
        ("Cheshire and Merseyside People Board", "people_board", 4),  # quarterly
        (
            "Cheshire and Merseyside Communications and Engagement Strategic Advisory Group",
            "advisory_group",
            12,
        ),
    ],
)
def test_cm_partnership_bodies_meet_as_often_as_the_mou_says(reference, name, kind, meetings_per_year):
    b = body(name)

    assert b.kind == kind
    assert b.tier == "system"
    assert b.system == reference.cm
    assert b.meetings_per_year == meetings_per_year


def test_assembly_and_board_are_chaired_by_the_partnership_chair_alan_yates(reference):
    assembly, board = body(CM_ASSEMBLY), body(CM_BOARD)

    assert assembly.chair_post == board.chair_post
    assert board.chair_post.title == PARTNERSHIP_CHAIR
    assert {h.person.name for h in PostHolding.objects.filter(post=board.chair_post)} == {"Alan Yates"}


def test_coordination_group_and_executive_are_chaired_by_the_partnership_chief_officer(reference):
    coordination, executive = body(CM_COORDINATION), body(CM_EXECUTIVE)

    assert coordination.chair_post == executive.chair_post
    assert executive.chair_post.title == PARTNERSHIP_CHIEF_OFFICER
    # the MoU does not name the Chief Officer
    assert not PostHolding.objects.filter(post=executive.chair_post).exists()
    assert executive.chair_post.is_incomplete


def test_partnership_board_seats_follow_annex_6(reference):
    board = body(CM_BOARD)
    seats = Seat.objects.filter(body=board)
    fixed = seats.exclude(group="Partnership Executive")

    # 4 local authority, 2 NHS commissioning, 1 primary care, 1 public health, 1 voluntary sector,
    # 2 lay: eleven places; plus the Partnership Executive members, whose number is "to be defined"
    assert seats.count() == 12
    assert sum(fixed.values_list("capacity", flat=True)) == 11
    places = Counter()
    for seat in fixed:
        places[seat.group] += seat.capacity
    assert places == {
        "Local authority": 4,
        "NHS commissioning": 2,
        "Primary care": 1,
        "Public health": 1,
        "Voluntary sector": 1,
        "Lay": 2,
    }
    # The MoU does not say which Board seats vote: recorded as not recorded, not guessed.
    assert set(seats.values_list("voting", flat=True)) == {"not_recorded"}
    assert set(fixed.filter(group="Local authority").values_list("represents_kind", flat=True)) == {
        "local_authority"
    }
    assert set(fixed.filter(group="NHS commissioning").values_list("label", flat=True)) == {
        "NHS commissioning — clinical chair",
        "NHS commissioning — accountable officer",
    }
    assert set(fixed.filter(group="Local authority").values_list("label", flat=True)) == {
        "Local authority — elected member (Merseyside)",
        "Local authority — elected member (Cheshire)",
        "Local authority — chief executive (Merseyside)",
        "Local authority — chief executive (Cheshire)",
    }
    assert seats.filter(group="Partnership Executive").count() == 1


def test_the_partnership_executive_must_not_form_a_majority_of_the_board(reference):
    rule = CompositionRule.objects.get(body=body(CM_BOARD), kind="not_majority_from_body")

    assert rule.other_body == body(CM_EXECUTIVE)


def test_cm_accountability_follows_the_mou(reference):
    assert related(CM_BOARD, CM_ASSEMBLY, "accountable_to")
    assert related(CM_ASSEMBLY, CM_BOARD, "holds_to_account")
    assert related(CM_EXECUTIVE, CM_BOARD, "accountable_to")
    assert related(CM_BOARD, CM_EXECUTIVE, "holds_to_account")
    assert related(CM_COORDINATION, CM_BOARD, "advises")
    assert related(CM_FINANCE, CM_COORDINATION, "advises")
    # accountability runs one way: the Assembly is not accountable to the Board
    assert not related(CM_ASSEMBLY, CM_BOARD, "accountable_to")


def test_assembly_constituencies_follow_annex_5(reference):
    members = ConstituencyMember.objects.filter(body=body(CM_ASSEMBLY))

    assert members.count() == 40
    labels = set(members.values_list("label", flat=True))
    assert {"Innovation Agency", "North West Ambulance Service", "Merseyside Police", "Torus"} <= labels
    # three constituencies are organisations the registry already holds
    assert set(members.filter(organisation__isnull=False).values_list("organisation__name", flat=True)) == {
        "Healthwatch Cheshire",
        "Public Health England",
        "Voluntary Sector North West",
    }


@pytest.mark.parametrize(
    "name",
    [
        "Cheshire and Merseyside Primary Care Network Forum",
        "Cheshire and Merseyside Integrated Care Partnership Network",
    ],
)
def test_pcn_forum_and_icp_network_were_still_being_set_up(reference, name):
    assert [s.status for s in statuses(name)] == ["proposed"]


def test_provider_ceo_group_and_ccg_joint_working_exist_at_system_level(reference):
    ceo_group = body("Cheshire and Merseyside provider trusts' CEO Group")
    ccgs = body("Cheshire and Merseyside CCGs' joint working arrangements")

    assert ceo_group.kind == "provider_collaborative"
    assert ccgs.hosts.count() == 9
    assert set(ccgs.hosts.values_list("kind", flat=True)) == {"ccg"}
    assert ccgs.is_statutory is False


# ------------------------------------------------------------------ Cheshire East


def test_cheshire_east_hwb_members_present_on_24_november_2020(reference):
    hwb = body(CE_HWB)
    seats = Seat.objects.filter(body=hwb)
    on = D(2020, 11, 24)

    assert holders_on(seats.filter(voting="voting"), on) == {
        "Cllr S Corcoran",
        "Dr Andrew Wilson",
        "Cllr Kathryn Flavell",
        "Cllr Laura Jeuda",
        "Mark Palethorpe",
        "Dr Matt Tyrer",
        "Clare Watson",
        "Louise Barry",
        "Steven Michael",
        "John Wilbraham",
    }
    assert holders_on(seats.filter(voting="non_voting"), on) == {"Lorraine O'Donnell"}
    assert holders_on(seats.filter(voting="associate_non_voting"), on) == {
        "Cllr Janet Clowes",
        "Superintendent Peter Crowcroft",
        "Chris Hart",
        "Caroline Whitney",
    }
    # attendance on one date is all the minutes show: no holding is recorded before it
    assert not holders_on(seats, D(2020, 11, 23))


def test_cheshire_east_hwb_holders_come_from_the_organisations_they_represent(reference):
    holdings = SeatHolding.objects.filter(seat__body=body(CE_HWB)).select_related(
        "organisation", "person", "seat"
    )
    organisation_of = {h.person.name: (h.organisation.name if h.organisation else None) for h in holdings}

    assert organisation_of["Louise Barry"] == "Healthwatch Cheshire"
    assert organisation_of["Clare Watson"] == "NHS Cheshire CCG"
    assert organisation_of["Cllr Kathryn Flavell"] == "Cheshire East Council"
    assert organisation_of["Lorraine O'Donnell"] == "Cheshire East Council"
    # organisations the registry has no record of yet are named by the seat
    seat_of = {h.person.name: h.seat.label for h in holdings}
    assert seat_of["Superintendent Peter Crowcroft"] == "Cheshire Constabulary"
    assert seat_of["Caroline Whitney"] == "CVS Cheshire East"
    assert seat_of["Chris Hart"] == "Cheshire East Social Action Partnership"
    # the minutes give no organisation for the Chairman and Vice-Chairman
    assert organisation_of["Cllr S Corcoran"] is None
    for holding in holdings:
        if holding.seat.represents_organisation_id:
            assert holding.organisation_id == holding.seat.represents_organisation_id


def test_cheshire_east_hwb_is_statutory_and_chaired_by_cllr_corcoran(reference):
    hwb = body(CE_HWB)

    assert hwb.is_statutory is True
    assert hwb.kind == "health_wellbeing_board"
    assert list(hwb.hosts.values_list("name", flat=True)) == ["Cheshire East Council"]
    assert list(hwb.areas.all()) == [reference.area("Cheshire East", system="C&M")]
    assert {h.person.name for h in PostHolding.objects.filter(post=hwb.chair_post)} == {"Cllr S Corcoran"}
    assert {h.person.name for h in PostHolding.objects.filter(post=hwb.vice_chair_post)} == {
        "Dr Andrew Wilson"
    }


def test_cheshire_east_place_partnership_and_icp_report_upwards(reference):
    assert related("Cheshire East Place Partnership Board", CE_HWB, "reports_to")
    assert related(
        "Cheshire East Integrated Care Partnership Board",
        "Cheshire East Place Partnership Board",
        "reports_to",
    )
    assert body("Cheshire East Place Partnership Board").chair_post.title == (
        "Independent Chair, Cheshire East Place Partnership Board"
    )


# ------------------------------------------------------------------ Greater Manchester


def test_gm_icb_board_is_statutory_from_1_july_2022(reference):
    icb_board = body(GM_ICB_BOARD)
    periods = statuses(GM_ICB_BOARD)

    assert icb_board.is_statutory is True
    assert icb_board.kind == "icb_board"
    assert icb_board.system == reference.gm
    assert [(s.status, s.start_date, s.end_date) for s in periods] == [
        ("proposed", None, D(2022, 6, 30)),
        ("established", D(2022, 7, 1), None),
    ]
    # it had not been established (nor met in shadow) before the statutory date
    assert not BodyStatus.objects.filter(
        body=icb_board, status__in=["shadow", "established"], start_date__lte=D(2022, 6, 30)
    ).exists()
    assert icb_board in Body.objects.as_at(D(2022, 7, 1))
    assert icb_board.chair_post.title == "Chair, NHS Greater Manchester Integrated Care"


def test_gm_tier_governance_of_appendix_2(reference):
    assert body("Greater Manchester Integrated Care Partnership Board").kind == "integrated_care_partnership"
    assert body("Greater Manchester Joint Planning and Delivery Committee").kind == "joint_committee"
    collaboratives = Body.objects.filter(system=reference.gm, tier="system", kind="provider_collaborative")
    assert set(collaboratives.values_list("short_name", flat=True)) == {"PCB", "PFB"}


def test_stockport_locality_board_was_shadow_before_it_was_established(reference):
    periods = statuses(STOCKPORT_LB)
    board = body(STOCKPORT_LB)

    assert [(s.status, s.start_date, s.end_date) for s in periods] == [
        ("shadow", None, D(2022, 6, 30)),
        ("established", D(2022, 7, 1), None),
    ]
    assert board.kind == "locality_board"
    assert list(board.areas.all()) == [reference.area("Stockport")]
    # the shadow board is chaired by the cabinet member; the council leader is proposed for later
    assert board.chair_post.title == "Cabinet Member for Adult Health and Care, Stockport Council"


def test_stockport_hwb_checks_and_challenges_the_locality_board(reference):
    assert related("Stockport Health and Wellbeing Board", STOCKPORT_LB, "checks_and_challenges")
    assert body("Stockport Health and Wellbeing Board").is_statutory is True


def test_stockport_provider_partnership_is_not_statutory_and_chaired_by_the_ft_chief_executive(reference):
    partnership = body("Stockport Provider Partnership")

    assert partnership.is_statutory is False
    assert partnership.kind == "provider_partnership"
    assert partnership.chair_post.title == "Chief Executive, Stockport NHS Foundation Trust"
    assert partnership.chair_post.organisation == reference.org("Stockport NHS Foundation Trust")
    assert [s.status for s in statuses("Stockport Provider Partnership")] == ["proposed"]


def test_bury_locality_system_board_status_records_the_conflicting_claim(reference):
    shadow, formal = statuses(BURY_LSB)

    assert (shadow.status, shadow.end_date) == ("shadow", D(2021, 8, 31))
    assert (formal.status, formal.start_date, formal.end_date) == ("established", D(2021, 9, 1), None)
    assert formal.conflicting_status == "shadow"
    assert "summary table" in formal.conflicting_note
    assert {("002", "§2.1"), ("002", "summary table")} <= sections(formal)


def test_bury_locality_system_board_terms_of_reference_are_only_drafted(reference):
    (terms,) = TermsOfReference.objects.filter(body=body(BURY_LSB))

    assert terms.approved_on is None
    assert terms.approved_by is None


def test_bury_idcb_is_shadow_independently_chaired_and_accountable_to_the_system_board(reference):
    idcb = body(BURY_IDCB)

    assert [s.status for s in statuses(BURY_IDCB)] == ["shadow"]
    assert idcb.chair_post.title == "Independent chair, Bury IDC Board"
    assert idcb.chair_post.is_incomplete  # the chair is not named
    assert related(BURY_IDCB, BURY_LSB, "accountable_to")
    assert related("Bury Recovery and Transformation Board", BURY_IDCB, "reports_to")


def test_bury_senate_was_to_meet_first_in_july_2021(reference):
    periods = statuses("Bury clinical and professional senate")

    assert [(s.status, s.start_date, s.end_date) for s in periods] == [
        ("proposed", None, D(2021, 6, 30)),
        ("established", D(2021, 7, 1), None),
    ]


def test_bury_recovery_and_transformation_board_is_chaired_by_howard_hughes(reference):
    board = body("Bury Recovery and Transformation Board")

    assert {h.person.name for h in PostHolding.objects.filter(post=board.chair_post)} == {"Howard Hughes"}


@pytest.mark.parametrize(
    "name, kind",
    [
        ("Bury Health and Wellbeing Board", "health_wellbeing_board"),
        ("Bury System Strategic Finance Group", "finance_group"),
        ("Bury Strategic Commissioning Board", "strategic_commissioning_board"),
    ],
)
def test_other_bury_bodies_are_operating(reference, name, kind):
    assert body(name).kind == kind
    assert [s.status for s in statuses(name)] == ["established"]


# ------------------------------------------------------------------ every body


def test_every_body_has_a_status_history_and_sources(reference):
    bodies = Body.objects.all()

    assert bodies.count() >= 38
    for b in bodies:
        assert BodyStatus.objects.filter(body=b).exists(), b.name
        assert b.sources, b.name
        assert b.areas.exists(), b.name


def test_the_executive_seat_count_annex_6_leaves_open_is_flagged_incomplete(reference):
    seat = Seat.objects.get(
        body__name="Cheshire and Merseyside Partnership Board",
        label="Members of the Partnership Executive team",
    )
    assert seat.is_incomplete
    assert "to be defined" in seat.incomplete_note
