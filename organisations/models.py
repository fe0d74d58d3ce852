"""The registry: systems, their areas (places and neighbourhoods), organisations and their
successions, partnership memberships, people and the posts they hold — each over time."""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from ics_registry.history import track
from ics_registry.models import DateRange, PeriodModel, Same, SourcedModel, period_check

from . import querysets
from .choices import AreaKind, MembershipCategory, OrganisationKind, Tier


@track()
class System(SourcedModel):
    """An integrated care system (ICS): the partnership of NHS bodies, councils and others in one footprint."""

    name = models.CharField(max_length=200, unique=True, help_text="Full name, e.g. Greater Manchester.")
    short_name = models.CharField(max_length=20, unique=True, help_text='Short name, e.g. "GM" or "C&M".')
    ods_code = models.CharField(
        "ODS code",
        max_length=10,
        blank=True,
        help_text="NHS ODS code of the system, where known; empty when not known.",
    )
    population_estimate = models.PositiveIntegerField(
        null=True, blank=True, help_text="Approximate population served, as a source states it."
    )
    icb_statutory_from = models.DateField(
        null=True,
        blank=True,
        help_text="The date the system's integrated care board became a statutory body.",
    )

    objects = querysets.SystemQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ods_code"],
                condition=~Q(ods_code=""),
                name="organisations_system_unique_ods_code",
                violation_error_message="Another system already has this ODS code.",
                violation_error_code="duplicate_ods_code",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("organisations:system_detail", kwargs={"pk": self.pk})

    def __str__(self) -> str:
        return f"{self.name} ({self.short_name})"


@track()
class Area(SourcedModel, PeriodModel):
    """A footprint: the system itself, a locality (place) or a neighbourhood, or a set of other areas."""

    name = models.CharField(max_length=200, help_text="Name of the footprint, e.g. Stockport.")
    system = models.ForeignKey(
        System, on_delete=models.PROTECT, related_name="areas", help_text="The system this footprint lies in."
    )
    tier = models.CharField(
        max_length=20, choices=Tier.choices, help_text="Which of the three tiers this is."
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The footprint this one nests in (a place's system; a neighbourhood's place).",
    )
    kind = models.CharField(
        max_length=40, choices=AreaKind.choices, help_text="What sort of footprint this is."
    )
    population_estimate = models.PositiveIntegerField(
        null=True, blank=True, help_text="Approximate population, as a source states it."
    )
    ons_code = models.CharField(
        "ONS code",
        max_length=12,
        blank=True,
        help_text="ONS geography code (local authorities), where known.",
    )
    members = models.ManyToManyField(
        "self",
        through="AreaMember",
        through_fields=("footprint", "member"),
        symmetrical=False,
        related_name="footprints",
        blank=True,
        help_text="For a footprint defined as a set of other areas: the areas it is made of.",
    )

    objects = querysets.AreaQuerySet.as_manager()

    # Changes to a footprint's members appear in its history (ics_registry.history.events_for).
    HISTORY_LINKS = (
        ("organisations.AreaMemberEvent", "footprint_id", "member_id", "organisations.Area", "members"),
    )

    class Meta:
        ordering = ["system__name", "tier", "name"]
        permissions = [("edit_area", "Can edit the records of this area and the areas within it")]
        constraints = [
            period_check("organisations_area_period_ordered"),
            models.UniqueConstraint(
                fields=["ons_code"],
                condition=~Q(ons_code=""),
                name="organisations_area_unique_ons_code",
                violation_error_message="Another area already has this ONS code.",
                violation_error_code="duplicate_ons_code",
            ),
            models.UniqueConstraint(
                fields=["system", "parent", "name"],
                name="organisations_area_unique_name_in_parent",
                violation_error_message="An area with this name already exists here.",
                violation_error_code="duplicate_area_name",
                nulls_distinct=False,
            ),
        ]
        indexes = [models.Index(fields=["tier", "kind"])]

    def get_absolute_url(self) -> str:
        return reverse("organisations:area_detail", kwargs={"pk": self.pk})

    def __str__(self) -> str:
        return self.name


@track()
class AreaMember(SourcedModel):
    """One area counted in a footprint that is defined as a set of areas (e.g. the NCA footprint)."""

    footprint = models.ForeignKey(
        Area,
        on_delete=models.CASCADE,
        related_name="member_links",
        help_text="The footprint defined as a set.",
    )
    member = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="footprint_links",
        help_text="An area within that footprint.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["footprint", "member"],
                name="organisations_areamember_unique",
                violation_error_message="This area is already part of the footprint.",
                violation_error_code="duplicate_member",
            ),
            models.CheckConstraint(
                condition=~Q(footprint=F("member")),
                name="organisations_areamember_not_self",
                violation_error_message="A footprint cannot contain itself.",
                violation_error_code="footprint_self",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("organisations:area_detail", kwargs={"pk": self.footprint_id})

    def __str__(self) -> str:
        return f"{self.member_id} in {self.footprint_id}"


@track()
class Organisation(SourcedModel, PeriodModel):
    """An organisation in a system: an NHS body, council, provider, partner or national body."""

    name = models.CharField(max_length=255, help_text="Name as the source gives it.")
    kind = models.CharField(
        max_length=40, choices=OrganisationKind.choices, help_text="What kind of organisation."
    )
    ods_code = models.CharField(
        "ODS code",
        max_length=10,
        blank=True,
        help_text="NHS Organisation Data Service code, unique when present.",
    )
    areas = models.ManyToManyField(
        Area,
        through="OrganisationArea",
        related_name="organisations",
        blank=True,
        help_text="The areas this organisation serves.",
    )

    objects = querysets.OrganisationQuerySet.as_manager()

    # Changes to the areas it serves appear in its history (ics_registry.history.events_for).
    HISTORY_LINKS = (
        ("organisations.OrganisationAreaEvent", "organisation_id", "area_id", "organisations.Area", "areas"),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            period_check("organisations_organisation_period_ordered"),
            models.UniqueConstraint(
                fields=["ods_code"],
                condition=~Q(ods_code=""),
                name="organisations_organisation_unique_ods_code",
                violation_error_message="Another organisation already has this ODS code.",
                violation_error_code="duplicate_ods_code",
            ),
        ]
        indexes = [
            models.Index(fields=["name", "id"], name="organisation_name_order"),  # the list order
            models.Index(fields=["kind"]),
            models.Index(fields=["start_date", "end_date"]),
        ]

    def get_absolute_url(self) -> str:
        return reverse("organisations:organisation_detail", kwargs={"pk": self.pk})

    def __str__(self) -> str:
        return self.name


@track()
class OrganisationArea(SourcedModel):
    """That an organisation serves an area."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="area_links", help_text="The organisation."
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="organisation_links", help_text="An area it serves."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "area"],
                name="organisations_organisationarea_unique",
                violation_error_message="This organisation already serves this area.",
                violation_error_code="duplicate_area",
            )
        ]

    def get_absolute_url(self) -> str:
        return reverse("organisations:organisation_detail", kwargs={"pk": self.organisation_id})

    def __str__(self) -> str:
        return f"{self.organisation_id} serves {self.area_id}"


@track()
class Succession(SourcedModel):
    """One organisation taking over another's functions from a date (a merger or a replacement)."""

    predecessor = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="successions_out",
        help_text="The organisation whose functions passed on.",
    )
    successor = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="successions_in",
        help_text="The organisation that took them over.",
    )
    effective_date = models.DateField(help_text="The first day the successor held the functions.")
    note = models.CharField(max_length=500, blank=True, help_text="What passed on, in a few words.")

    objects = querysets.SuccessionQuerySet.as_manager()

    class Meta:
        ordering = ["effective_date", "predecessor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                name="organisations_succession_unique_pair",
                violation_error_message="This succession is already recorded.",
                violation_error_code="duplicate_succession",
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")),
                name="organisations_succession_not_self",
                violation_error_message="An organisation cannot succeed itself.",
                violation_error_code="succession_self",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("organisations:organisation_detail", kwargs={"pk": self.predecessor_id})

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} from {self.effective_date:%-d %b %Y}"


@track()
class PartnershipMembership(SourcedModel, PeriodModel):
    """An organisation's place in a system's partnership, in one of the partnership's categories."""

    system = models.ForeignKey(
        System, on_delete=models.PROTECT, related_name="memberships", help_text="The system's partnership."
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text="The partner organisation.",
    )
    category = models.CharField(
        max_length=40,
        choices=MembershipCategory.choices,
        help_text="The partnership category (C&M MoU Annex A).",
    )
    note = models.CharField(
        max_length=500, blank=True, help_text="Anything the source says about this membership."
    )

    objects = querysets.MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["system__name", "category", "organisation__name"]
        constraints = [
            period_check("organisations_partnershipmembership_period_ordered"),
            ExclusionConstraint(
                name="organisations_membership_no_overlap",
                expressions=[
                    (Same("system"), RangeOperators.OVERLAPS),
                    (Same("organisation"), RangeOperators.OVERLAPS),
                    (DateRange("start_date", "end_date"), RangeOperators.OVERLAPS),
                ],
                violation_error_message="This organisation is already a partner of this system in that period.",
                violation_error_code="membership_overlap",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("organisations:organisation_detail", kwargs={"pk": self.organisation_id})

    def __str__(self) -> str:
        return f"{self.organisation} in {self.system.short_name} ({self.get_category_display()})"


@track()
class Person(SourcedModel):
    """A person who holds, or held, a post named in a source."""

    name = models.CharField(
        max_length=200, help_text="Name as the source gives it, with any title (e.g. Cllr)."
    )

    objects = querysets.PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def get_absolute_url(self) -> str:
        return reverse("organisations:person_detail", kwargs={"pk": self.pk})

    def __str__(self) -> str:
        return self.name


@track()
class Post(SourcedModel, PeriodModel):
    """A named role in an organisation or for an area, e.g. "Chief Executive, Bury Council"."""

    title = models.CharField(max_length=255, help_text='The role, e.g. "Place-based lead".')
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="posts",
        help_text="The organisation the post is in, if any.",
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="posts",
        help_text="The area the post is for, if any.",
    )
    capacity = models.PositiveSmallIntegerField(
        default=1, help_text="How many people may hold the post on the same day (1 for a single-holder post)."
    )

    objects = querysets.PostQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            period_check("organisations_post_period_ordered"),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(area__isnull=False),
                name="organisations_post_has_organisation_or_area",
                violation_error_message="A post belongs to an organisation or an area (or both).",
                violation_error_code="post_without_owner",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="organisations_post_capacity_positive",
                violation_error_message="A post has at least one place.",
                violation_error_code="capacity_positive",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("organisations:post_detail", kwargs={"pk": self.pk})

    def __str__(self) -> str:
        return self.title


@track()
class PostHolding(SourcedModel, PeriodModel):
    """A person holding a post over a period, in one of the post's places."""

    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="holdings", help_text="The post held."
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="holdings", help_text="Who held it."
    )
    position = models.PositiveSmallIntegerField(
        default=1,
        help_text="Which of the post's places this holding fills (always 1 for a single-holder post).",
    )
    is_acting = models.BooleanField(default=False, help_text="True for an acting or interim holder.")

    objects = querysets.PostHoldingQuerySet.as_manager()

    class Meta:
        ordering = ["post__title", "start_date"]
        constraints = [
            period_check("organisations_postholding_period_ordered"),
            models.CheckConstraint(
                condition=Q(position__gte=1),
                name="organisations_postholding_position_positive",
                violation_error_message="The position is at least 1.",
                violation_error_code="position_positive",
            ),
            ExclusionConstraint(
                name="organisations_postholding_no_overlap",
                expressions=[
                    (Same("post"), RangeOperators.OVERLAPS),
                    (Same("position"), RangeOperators.OVERLAPS),
                    (DateRange("start_date", "end_date"), RangeOperators.OVERLAPS),
                ],
                violation_error_message="Someone else holds this post on some of these dates.",
                violation_error_code="holding_overlap",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("organisations:post_detail", kwargs={"pk": self.post_id})

    def __str__(self) -> str:
        return f"{self.person} as {self.post} ({self.period_display})"
