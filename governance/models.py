"""Governance bodies: boards, committees and partnerships, their status over time, how they are
accountable to one another, their terms of reference, and their membership as seats and holders."""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from ics_registry.history import track
from ics_registry.models import DateRange, PeriodModel, Same, SourcedModel, period_check
from organisations.choices import OrganisationKind, Tier
from organisations.models import Area, Organisation, Person, Post, System

from . import querysets
from .choices import BodyKind, CompositionRuleKind, HoldingRole, RelationKind, Status, VotingRight


@track()
class Body(SourcedModel):
    """A board, committee or partnership that meets and decides or advises, e.g. a Locality Board."""

    name = models.CharField(max_length=255, help_text="Name as the source gives it.")
    short_name = models.CharField(
        max_length=60, blank=True, help_text='A short name used in drawings, e.g. "Assembly".'
    )
    kind = models.CharField(max_length=40, choices=BodyKind.choices, help_text="What kind of body.")
    tier = models.CharField(
        max_length=20,
        choices=Tier.choices,
        help_text="The tier it works at: system, locality or neighbourhood.",
    )
    system = models.ForeignKey(
        System, on_delete=models.PROTECT, related_name="bodies", help_text="The system it belongs to."
    )
    areas = models.ManyToManyField(
        Area,
        through="BodyArea",
        related_name="bodies",
        blank=True,
        help_text="The area(s) it covers.",
    )
    hosts = models.ManyToManyField(
        Organisation,
        through="BodyHost",
        related_name="hosted_bodies",
        blank=True,
        help_text="The organisation(s) hosting it: several for a joint committee.",
    )
    is_statutory = models.BooleanField(
        null=True, blank=True, help_text="Whether it is a statutory body; empty when no source says."
    )
    purpose = models.TextField(blank=True, help_text="What it is for.")
    meeting_frequency = models.CharField(
        max_length=200,
        blank=True,
        help_text='How often it meets, e.g. "About three times a year"; empty when not known.',
    )
    meetings_per_year = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Meetings a year, where known (e.g. 12).",
    )
    chair_post = models.ForeignKey(
        Post,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chaired_bodies",
        help_text='The post that chairs it, e.g. "Partnership Chair".',
    )
    vice_chair_post = models.ForeignKey(
        Post,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vice_chaired_bodies",
        help_text="The post that is its vice-chair, if any.",
    )

    objects = querysets.BodyQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "bodies"
        permissions = [
            ("maintain_body", "Can maintain this body's seats, holdings, status and terms of reference")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(meetings_per_year__isnull=True) | Q(meetings_per_year__gt=0),
                name="governance_body_meetings_positive",
                violation_error_message="Meetings a year must be more than zero (leave it empty when not known).",
                violation_error_code="meetings_positive",
            ),
            models.CheckConstraint(
                condition=Q(chair_post__isnull=True)
                | Q(vice_chair_post__isnull=True)
                | ~Q(chair_post=F("vice_chair_post")),
                name="governance_body_chair_not_vice_chair",
                violation_error_message="The chair and the vice-chair are different posts.",
                violation_error_code="chair_is_vice_chair",
            ),
        ]
        indexes = [models.Index(fields=["name", "id"], name="governance_body_name_order")]

    def get_absolute_url(self) -> str:
        return reverse("governance:body_detail", kwargs={"pk": self.pk})

    def __str__(self) -> str:
        return self.name


@track()
class BodyArea(SourcedModel):
    """That a body covers an area."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="area_links", help_text="The body.")
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="body_links", help_text="An area it covers."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["body", "area"],
                name="governance_bodyarea_unique",
                violation_error_message="This body already covers this area.",
                violation_error_code="duplicate_area",
            )
        ]

    def get_absolute_url(self) -> str:
        return reverse("governance:body_detail", kwargs={"pk": self.body_id})

    def __str__(self) -> str:
        return f"{self.body_id} covers {self.area_id}"


@track()
class BodyHost(SourcedModel):
    """That an organisation hosts a body."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="host_links", help_text="The body.")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="body_host_links", help_text="A host."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["body", "organisation"],
                name="governance_bodyhost_unique",
                violation_error_message="This organisation already hosts this body.",
                violation_error_code="duplicate_host",
            )
        ]

    def get_absolute_url(self) -> str:
        return reverse("governance:body_detail", kwargs={"pk": self.body_id})

    def __str__(self) -> str:
        return f"{self.organisation_id} hosts {self.body_id}"


@track()
class BodyStatus(SourcedModel, PeriodModel):
    """A stage of a body's life over a period: proposed, shadow, established or stood down."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="statuses", help_text="The body.")
    status = models.CharField(max_length=20, choices=Status.choices, help_text="Its status in this period.")
    note = models.CharField(max_length=500, blank=True, help_text="What the source says about this stage.")
    conflicting_status = models.CharField(
        max_length=20,
        choices=Status.choices,
        blank=True,
        help_text="Where another source gives a different status for this period, that status.",
    )
    conflicting_note = models.CharField(
        max_length=500, blank=True, help_text="Which source disagrees, and what it says."
    )

    objects = querysets.BodyStatusQuerySet.as_manager()

    class Meta:
        ordering = ["body__name", F("start_date").asc(nulls_first=True)]
        verbose_name_plural = "body statuses"
        constraints = [
            period_check("governance_bodystatus_period_ordered"),
            models.CheckConstraint(
                condition=~Q(conflicting_status=F("status")),
                name="governance_bodystatus_conflict_differs",
                violation_error_message="A conflicting status differs from the status recorded.",
                violation_error_code="conflict_same",
            ),
            ExclusionConstraint(
                name="governance_bodystatus_no_overlap",
                expressions=[
                    (Same("body"), RangeOperators.OVERLAPS),
                    (DateRange("start_date", "end_date"), RangeOperators.OVERLAPS),
                ],
                violation_error_message="This body already has a status on some of these dates.",
                violation_error_code="status_overlap",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("governance:body_detail", kwargs={"pk": self.body_id})

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.period_display})"


@track()
class AccountabilityRelation(SourcedModel, PeriodModel):
    """How one body stands to another over a period: "the Executive is accountable to the Board"."""

    from_body = models.ForeignKey(
        Body,
        on_delete=models.CASCADE,
        related_name="relations_out",
        help_text="The body the relation is from.",
    )
    to_body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="relations_in", help_text="The body the relation is to."
    )
    kind = models.CharField(
        max_length=30, choices=RelationKind.choices, help_text="How the first body stands to the second."
    )
    note = models.CharField(max_length=500, blank=True, help_text="What the source says about it.")

    objects = querysets.RelationQuerySet.as_manager()

    class Meta:
        ordering = ["from_body__name", "kind", "to_body__name"]
        constraints = [
            period_check("governance_relation_period_ordered"),
            models.CheckConstraint(
                condition=~Q(from_body=F("to_body")),
                name="governance_relation_not_self",
                violation_error_message="A body cannot stand in a relation to itself.",
                violation_error_code="relation_self",
            ),
            models.UniqueConstraint(
                fields=["from_body", "to_body", "kind", "start_date"],
                name="governance_relation_unique",
                nulls_distinct=False,
                violation_error_message="This relation is already recorded from this date.",
                violation_error_code="relation_duplicate",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("governance:body_detail", kwargs={"pk": self.from_body_id})

    def __str__(self) -> str:
        return f"{self.from_body} {self.get_kind_display()} {self.to_body}"


@track()
class TermsOfReference(SourcedModel):
    """One version of a body's terms of reference: when and by whom it was approved, when due for review."""

    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="terms_of_reference", help_text="The body they govern."
    )
    version = models.CharField(max_length=50, help_text='The version, e.g. "1.0" or "Draft, November 2020".')
    approved_on = models.DateField(
        null=True, blank=True, help_text="When this version was approved; empty while it is a draft."
    )
    approved_by = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_terms_of_reference",
        help_text="The body that approved it (itself or another).",
    )
    review_due = models.DateField(null=True, blank=True, help_text="When this version is due for review.")
    text = models.TextField(blank=True, help_text="The text, or a summary of it.")
    document_url = models.URLField(blank=True, max_length=500, help_text="Where the document is published.")

    objects = querysets.TermsOfReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["body__name", F("approved_on").desc(nulls_first=True), "-id"]
        verbose_name = "terms of reference"
        verbose_name_plural = "terms of reference"
        constraints = [
            models.UniqueConstraint(
                fields=["body", "version"],
                name="governance_tor_unique_version",
                violation_error_message="This body already has a version with this name.",
                violation_error_code="duplicate_version",
            ),
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True) | Q(approved_by__isnull=False),
                name="governance_tor_approved_by_someone",
                violation_error_message="Say which body approved this version.",
                violation_error_code="approver_missing",
            ),
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True)
                | Q(review_due__isnull=True)
                | Q(review_due__gte=F("approved_on")),
                name="governance_tor_review_after_approval",
                violation_error_message="The review date must be on or after the approval date.",
                violation_error_code="review_before_approval",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("governance:body_detail", kwargs={"pk": self.body_id}) + "#terms-of-reference"

    def __str__(self) -> str:
        return f"Terms of reference {self.version}"


@track()
class Seat(SourcedModel, PeriodModel):
    """A place on a body for a constituency, e.g. "Local authority — elected member (Merseyside)"."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="seats", help_text="The body.")
    label = models.CharField(max_length=255, help_text="The constituency the seat is for.")
    group = models.CharField(
        max_length=100, blank=True, help_text='The group of seats it belongs to, e.g. "Local authority".'
    )
    voting = models.CharField(
        max_length=30, choices=VotingRight.choices, default=VotingRight.VOTING, help_text="Its voting right."
    )
    represents_kind = models.CharField(
        max_length=40,
        choices=OrganisationKind.choices,
        blank=True,
        help_text="The kind of organisation its holders come from, if the seat is for one kind.",
    )
    represents_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seats",
        help_text="The organisation its holders come from, if the seat is for one organisation.",
    )
    capacity = models.PositiveSmallIntegerField(default=1, help_text="How many members the seat takes.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Where the seat is listed on the body.")

    objects = querysets.SeatQuerySet.as_manager()

    class Meta:
        ordering = ["body__name", "order", "id"]
        constraints = [
            period_check("governance_seat_period_ordered"),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="governance_seat_capacity_positive",
                violation_error_message="A seat takes at least one member.",
                violation_error_code="capacity_positive",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("governance:seat_detail", kwargs={"pk": self.pk})

    def __str__(self) -> str:
        return self.label


@track()
class SeatHolding(SourcedModel, PeriodModel):
    """A person in a seat over a period, as its member or as a deputy or substitute."""

    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="holdings", help_text="The seat.")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="seat_holdings", help_text="Who holds it."
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seat_holdings",
        help_text="The organisation the holder comes from.",
    )
    role = models.CharField(
        max_length=20,
        choices=HoldingRole.choices,
        default=HoldingRole.PRINCIPAL,
        help_text="Member, or deputy or substitute for the member.",
    )
    position = models.PositiveSmallIntegerField(
        default=1, help_text="Which of the seat's places this fills (1 for a single-member seat)."
    )

    objects = querysets.SeatHoldingQuerySet.as_manager()

    class Meta:
        ordering = ["seat__order", "seat_id", "position", "role", F("start_date").asc(nulls_first=True)]
        constraints = [
            period_check("governance_seatholding_period_ordered"),
            models.CheckConstraint(
                condition=Q(position__gte=1),
                name="governance_seatholding_position_positive",
                violation_error_message="The place is at least 1.",
                violation_error_code="position_positive",
            ),
            ExclusionConstraint(
                name="governance_seatholding_one_member",
                expressions=[
                    (Same("seat"), RangeOperators.OVERLAPS),
                    (Same("position"), RangeOperators.OVERLAPS),
                    (DateRange("start_date", "end_date"), RangeOperators.OVERLAPS),
                ],
                condition=Q(role=HoldingRole.PRINCIPAL),
                violation_error_message="Someone else is the member in this place of the seat on some of these dates.",
                violation_error_code="holding_overlap",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("governance:seat_detail", kwargs={"pk": self.seat_id})

    def __str__(self) -> str:
        return f"{self.person} in {self.seat} ({self.period_display})"


@track()
class CompositionRule(SourcedModel):
    """A rule about who may make up a body, checked whenever its membership changes."""

    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="composition_rules", help_text="The body."
    )
    kind = models.CharField(
        max_length=40, choices=CompositionRuleKind.choices, help_text="What the rule says."
    )
    other_body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="composition_rules_about",
        help_text="For a majority rule: the body whose members must not form a majority.",
    )
    organisation_kind = models.CharField(
        max_length=40,
        choices=OrganisationKind.choices,
        blank=True,
        help_text="For a count rule: the kind of organisation counted.",
    )
    count = models.PositiveSmallIntegerField(null=True, blank=True, help_text="For a count rule: how many.")
    voting_only = models.BooleanField(default=False, help_text="Count voting members only.")
    description = models.CharField(max_length=500, blank=True, help_text="The rule in words.")

    objects = querysets.CompositionRuleQuerySet.as_manager()

    class Meta:
        ordering = ["body__name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=CompositionRuleKind.NOT_MAJORITY_FROM_BODY, other_body__isnull=False)
                    | (
                        ~Q(kind=CompositionRuleKind.NOT_MAJORITY_FROM_BODY)
                        & ~Q(organisation_kind="")
                        & Q(count__isnull=False)
                    )
                ),
                name="governance_rule_complete",
                violation_error_message=(
                    "A majority rule names the other body; a count rule names the kind of organisation and the count."
                ),
                violation_error_code="rule_incomplete",
            ),
            models.CheckConstraint(
                condition=Q(other_body__isnull=True) | ~Q(other_body=F("body")),
                name="governance_rule_other_body_differs",
                violation_error_message="The other body must be a different body.",
                violation_error_code="rule_self",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("governance:body_detail", kwargs={"pk": self.body_id})

    def __str__(self) -> str:
        return self.description or self.get_kind_display()


@track()
class ConstituencyMember(SourcedModel, PeriodModel):
    """An organisation in a body's wider constituency (e.g. the C&M Assembly, MoU Annex 5)."""

    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="constituency", help_text="The body."
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="constituencies",
        help_text="The organisation, where the registry has it.",
    )
    label = models.CharField(
        max_length=255,
        blank=True,
        help_text="The constituency as the source names it (when no organisation is recorded).",
    )
    decided_on = models.DateField(
        null=True, blank=True, help_text="When a recorded decision added it (empty for the founding list)."
    )
    decided_by = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="constituency_decisions",
        help_text="The body whose decision added it.",
    )

    objects = querysets.ConstituencyQuerySet.as_manager()

    class Meta:
        ordering = ["body__name", "label", "organisation__name"]
        constraints = [
            period_check("governance_constituency_period_ordered"),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(label=""),
                name="governance_constituency_named",
                violation_error_message="Choose an organisation or give the constituency's name.",
                violation_error_code="constituency_unnamed",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_by__isnull=False),
                name="governance_constituency_decision_has_body",
                violation_error_message="Say which body's decision added it.",
                violation_error_code="decision_without_body",
            ),
            models.UniqueConstraint(
                fields=["body", "organisation"],
                condition=Q(organisation__isnull=False),
                name="governance_constituency_unique_organisation",
                violation_error_message="This organisation is already in the constituency.",
                violation_error_code="duplicate_constituency",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("governance:body_detail", kwargs={"pk": self.body_id}) + "#constituency"

    def __str__(self) -> str:
        return str(self.organisation) if self.organisation_id else self.label
