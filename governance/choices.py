from django.db import models


class BodyKind(models.TextChoices):
    ICB_BOARD = "icb_board", "Integrated care board (board)"
    INTEGRATED_CARE_PARTNERSHIP = "integrated_care_partnership", "Integrated care partnership"
    JOINT_COMMITTEE = "joint_committee", "Joint committee"
    PARTNERSHIP_ASSEMBLY = "partnership_assembly", "Partnership assembly"
    PARTNERSHIP_BOARD = "partnership_board", "Partnership board"
    PARTNERSHIP_COORDINATION_GROUP = "partnership_coordination_group", "Partnership coordination group"
    PARTNERSHIP_EXECUTIVE = "partnership_executive", "Partnership executive"
    FINANCE_GROUP = "finance_group", "Finance group"
    PEOPLE_BOARD = "people_board", "People board"
    ADVISORY_GROUP = "advisory_group", "Advisory group"
    PROVIDER_COLLABORATIVE = "provider_collaborative", "Provider collaborative"
    LOCALITY_BOARD = "locality_board", "Locality board"
    PROVIDER_PARTNERSHIP = "provider_partnership", "Provider partnership"
    CLINICAL_PROFESSIONAL_SENATE = "clinical_professional_senate", "Clinical and professional senate"
    HEALTH_WELLBEING_BOARD = "health_wellbeing_board", "Health and wellbeing board"
    SCRUTINY_COMMITTEE = "scrutiny_committee", "Scrutiny committee"
    STRATEGIC_COMMISSIONING_BOARD = "strategic_commissioning_board", "Strategic commissioning board"
    INTEGRATED_COMMISSIONING_BOARD = "integrated_commissioning_board", "Integrated commissioning board"
    PCN_FORUM = "pcn_forum", "PCN forum"
    NETWORK = "network", "Network"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    """A body's lifecycle, in order: a body moves forward through these, never back."""

    PROPOSED = "proposed", "Proposed"
    SHADOW = "shadow", "Shadow"
    ESTABLISHED = "established", "Established"
    STOOD_DOWN = "stood_down", "Stood down"

    @classmethod
    def rank(cls, value: str) -> int:
        return list(cls.values).index(value)

    @classmethod
    def meeting(cls) -> list[str]:
        """Statuses in which a body exists and meets (and so can approve things)."""
        return [cls.SHADOW, cls.ESTABLISHED]


class RelationKind(models.TextChoices):
    """How one body stands to another: "<from> accountable to <to>"."""

    ACCOUNTABLE_TO = "accountable_to", "is accountable to"
    REPORTS_TO = "reports_to", "reports to"
    HOLDS_TO_ACCOUNT = "holds_to_account", "holds to account"
    CHECKS_AND_CHALLENGES = "checks_and_challenges", "checks and challenges"
    SUB_COMMITTEE_OF = "sub_committee_of", "is a sub-committee of"
    ADVISES = "advises", "advises"


class VotingRight(models.TextChoices):
    VOTING = "voting", "Voting"
    NON_VOTING = "non_voting", "Non-voting"
    ASSOCIATE_NON_VOTING = "associate_non_voting", "Associate non-voting"
    NOT_RECORDED = "not_recorded", "Not recorded"


class HoldingRole(models.TextChoices):
    PRINCIPAL = "principal", "Member"
    DEPUTY = "deputy", "Deputy"
    SUBSTITUTE = "substitute", "Substitute"


class CompositionRuleKind(models.TextChoices):
    NOT_MAJORITY_FROM_BODY = "not_majority_from_body", "Members of another body must not form a majority"
    MIN_FROM_ORGANISATION_KIND = (
        "min_from_organisation_kind",
        "At least this many members from a kind of organisation",
    )
    MAX_FROM_ORGANISATION_KIND = (
        "max_from_organisation_kind",
        "At most this many members from a kind of organisation",
    )
