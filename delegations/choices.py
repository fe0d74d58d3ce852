from django.db import models


class SpatialLevel(models.TextChoices):
    """Where a function is best planned and decided (subsidiarity: the smallest footprint that works)."""

    NEIGHBOURHOOD = "neighbourhood", "Neighbourhood"
    LOCALITY = "locality", "Locality / place"
    SYSTEM = "system", "System"
    SEVERAL_SYSTEMS = "several_systems", "Several systems"
    NATIONAL = "national", "National"


class Vehicle(models.TextChoices):
    """The legal instrument a delegation is made under."""

    SCHEME_OF_DELEGATION = "scheme_of_delegation", "Scheme of reservation and delegation"
    SECTION_75 = "section_75", "Section 75 agreement"
    JOINT_ARRANGEMENT = "joint_arrangement", "Joint arrangement"
    JOINT_COMMITTEE = "joint_committee", "Joint committee"
    COMMITTEE_IN_COMMON = "committee_in_common", "Committee in common"
    LEAD_PROVIDER = "lead_provider", "Lead-provider arrangement"
    NHSE_TO_ICB = "nhse_to_icb", "NHS England to ICB delegation agreement"
    OTHER = "other", "Other"
    NOT_RECORDED = "not_recorded", "Not recorded"


class DelegationStatus(models.TextChoices):
    """A delegation's state. Only one in force (or revoked after a period in force) gives rights."""

    PROPOSED = "proposed", "Proposed"
    AGREED = "agreed", "Agreed"
    IN_FORCE = "in_force", "In force"
    REVOKED = "revoked", "Revoked"


class PlaceLeadModel(models.TextChoices):
    """How a locality has arranged its place-based lead (001 §8.8)."""

    COUNCIL_CHIEF_EXECUTIVE = "council_chief_executive", "The council chief executive"
    DEDICATED_OFFICER = "dedicated_officer", "A dedicated officer reporting to the council chief executive"
    SPLIT_ACROSS_COUNCIL_ROLES = "split_across_council_roles", "Split across several council roles"
    OTHER = "other", "Other"
    NOT_YET_DECIDED = "not_yet_decided", "Not yet decided"


class PlaceLeadRole(models.TextChoices):
    """The place leader's four roles (003 §2.18, 004 §3.2.6)."""

    PRIMARY_CARE_NETWORKS = "primary_care_networks", "Support and develop primary care networks"
    JOIN_UP_CARE = "join_up_care", "Simplify, modernise and join up health and care"
    POPULATION_HEALTH = "population_health", "Population health management for people at risk of being left behind"
    SOCIAL_ECONOMIC_DEVELOPMENT = (
        "social_economic_development",
        "Coordinate the local contribution to health, social and economic development",
    )


class ArrangementStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    AGREED = "agreed", "Agreed"
    IN_FORCE = "in_force", "In force"


class TierColumn(models.TextChoices):
    """The columns of the GM tier table (001 Appendix 2)."""

    ACCOUNTABILITY = "accountability", "Accountabilities"
    GOVERNANCE = "governance", "Governance"
    DELIVERY_FUNCTION = "delivery_function", "Delivery functions"
    TEAM = "team", "Teams"


class ImportState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Imported"
    FAILED = "failed", "Refused"
