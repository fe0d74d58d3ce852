from django.db import models


class Tier(models.TextChoices):
    SYSTEM = "system", "System"
    LOCALITY = "locality", "Locality / place"
    NEIGHBOURHOOD = "neighbourhood", "Neighbourhood"


class AreaKind(models.TextChoices):
    SYSTEM = "system", "Integrated care system footprint"
    LOCAL_AUTHORITY_PLACE = "local_authority_place", "Local-authority place"
    PCN = "pcn", "Primary care network"
    CARE_COMMUNITY = "care_community", "Care community"
    INTEGRATED_NEIGHBOURHOOD_TEAM = "integrated_neighbourhood_team", "Integrated neighbourhood team"
    OTHER = "other", "Other footprint"


class OrganisationKind(models.TextChoices):
    ICB = "icb", "Integrated care board"
    CCG = "ccg", "Clinical commissioning group"
    NHS_TRUST = "nhs_trust", "NHS trust"
    NHS_FOUNDATION_TRUST = "nhs_foundation_trust", "NHS foundation trust"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    COMBINED_AUTHORITY = "combined_authority", "Combined authority"
    PCN = "pcn", "Primary care network"
    GP_PRACTICE = "gp_practice", "GP practice"
    GP_FEDERATION = "gp_federation", "GP federation"
    SOCIAL_ENTERPRISE = "social_enterprise", "Social enterprise"
    HEALTHWATCH = "healthwatch", "Healthwatch"
    VCFSE = "vcfse", "Voluntary, community, faith or social enterprise organisation"
    NHS_ENGLAND = "nhs_england", "NHS England / Improvement"
    REGULATOR = "regulator", "Regulator"
    NATIONAL_BODY = "national_body", "Other national body"
    POLICE = "police", "Police"
    FIRE = "fire", "Fire and rescue service"
    PROBATION = "probation", "Probation service"
    UNIVERSITY = "university", "University"
    HOUSING_PROVIDER = "housing_provider", "Housing provider"
    AHSN = "ahsn", "Academic health science network"
    OTHER = "other", "Other"


class MembershipCategory(models.TextChoices):
    LOCAL_AUTHORITIES = "local_authorities", "Local Authorities"
    NHS_COMMISSIONERS = "nhs_commissioners", "NHS Commissioners"
    NHS_SERVICE_PROVIDERS = "nhs_service_providers", "NHS Service Providers"
    OTHER_PARTNERS = "other_partners", "Other Partners"
    NONMEMBER_REGULATOR = "nonmember_regulator", "Non-member partner: regulator and oversight body"
    NONMEMBER_NATIONAL = "nonmember_national", "Non-member partner: other national body"
    NONMEMBER_LOCAL = "nonmember_local", "Non-member partner: other local body"

    @classmethod
    def member_categories(cls):
        return [cls.LOCAL_AUTHORITIES, cls.NHS_COMMISSIONERS, cls.NHS_SERVICE_PROVIDERS, cls.OTHER_PARTNERS]
