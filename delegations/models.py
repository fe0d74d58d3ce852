"""Functions, who holds them by statute, who they are delegated to, what is reserved, and the
place-based lead arrangement of each locality."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeOperators
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.urls import reverse

from governance.models import Body
from ics_registry.history import track
from ics_registry.models import DateRange, PeriodModel, Same, SourcedModel, period_check
from organisations.choices import Tier
from organisations.models import Area, Organisation, Post, System

from . import querysets
from .choices import (
    ArrangementStatus,
    DelegationStatus,
    ImportState,
    PlaceLeadModel,
    PlaceLeadRole,
    SpatialLevel,
    TierColumn,
    Vehicle,
)


def _exactly_one(prefix: str, name: str, message: str) -> models.CheckConstraint:
    fields = [f"{prefix}_organisation", f"{prefix}_body", f"{prefix}_post"]
    options = []
    for chosen in fields:
        options.append(
            Q(
                **{f"{chosen}__isnull": False},
                **{f"{other}__isnull": True for other in fields if other != chosen},
            )
        )
    condition = options[0] | options[1] | options[2]
    return models.CheckConstraint(
        condition=condition, name=name, violation_error_message=message, violation_error_code=f"one_{prefix}"
    )


@track()
class Function(SourcedModel):
    """Something a statutory body is responsible for, e.g. commissioning district nursing. A function
    covers its children: whoever may decide "Community services" may decide "District nursing"."""

    name = models.CharField(max_length=255, help_text='Name of the function, e.g. "District nursing".')
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The wider function this one is part of; empty for a top-level policy area.",
    )
    ancestor_ids = ArrayField(
        models.BigIntegerField(),
        default=list,
        blank=True,
        editable=False,
        help_text="Ids of the wider functions this one is part of, outermost first (kept by the services).",
    )
    description = models.TextField(blank=True, help_text="What the function involves, in the source's terms.")
    spatial_level = models.CharField(
        max_length=20,
        choices=SpatialLevel.choices,
        blank=True,
        help_text="The footprint at which it is best planned and decided; empty when no source says.",
    )
    level_rationale = models.TextField(
        blank=True,
        help_text="Why that level (subsidiarity: the system only where a larger footprint is needed).",
    )

    objects = querysets.FunctionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="delegations_function_unique_name_in_parent",
                nulls_distinct=False,
                violation_error_message="A function with this name already exists here.",
                violation_error_code="duplicate_function",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="delegations_function_not_own_parent",
                violation_error_message="A function cannot be part of itself.",
                violation_error_code="own_parent",
            ),
        ]
        indexes = [models.Index(fields=["parent"]), models.Index(fields=["spatial_level"])]

    def get_absolute_url(self) -> str:
        return reverse("delegations:function_detail", kwargs={"pk": self.pk})

    def __str__(self) -> str:
        return self.name


@track()
class StatutoryHolding(SourcedModel, PeriodModel):
    """That an organisation holds a function for an area by statute over a period, e.g. NHS
    Stockport CCG commissioning for Stockport until 30 June 2022, the GM ICB from 1 July 2022."""

    function = models.ForeignKey(
        Function, on_delete=models.PROTECT, related_name="statutory_holdings", help_text="The function held."
    )
    holder = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="statutory_holdings",
        help_text="The organisation that holds it by statute.",
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statutory_holdings",
        help_text="The area it is held for; empty for all of England (NHS England's national functions).",
    )
    basis = models.CharField(
        max_length=500,
        blank=True,
        help_text="The statute or instrument it is held under, where a source says.",
    )

    objects = querysets.StatutoryHoldingQuerySet.as_manager()

    class Meta:
        ordering = ["function__name", "start_date"]
        constraints = [
            period_check("delegations_statutoryholding_period_ordered"),
            ExclusionConstraint(
                name="delegations_statutoryholding_no_overlap",
                expressions=[
                    (Same("function"), RangeOperators.OVERLAPS),
                    (Same("area"), RangeOperators.OVERLAPS),
                    (Same("holder"), RangeOperators.OVERLAPS),
                    (DateRange("start_date", "end_date"), RangeOperators.OVERLAPS),
                ],
                # Two organisations may hold a function for one area at once (Sefton's two CCGs each
                # commissioned for part of the borough); one organisation holds it there once a day.
                violation_error_message="This organisation already holds this function for this area on some of these dates.",
                violation_error_code="holding_overlap",
            ),
        ]
        indexes = [models.Index(fields=["function", "area"])]

    def get_absolute_url(self) -> str:
        return reverse("delegations:function_detail", kwargs={"pk": self.function_id})

    def __str__(self) -> str:
        return f"{self.holder_id} holds {self.function_id} ({self.period_display})"


@track()
class ReservedMatter(SourcedModel, PeriodModel):
    """A function reserved to a holder (for example to an ICB's board): it may never be delegated."""

    function = models.ForeignKey(
        Function, on_delete=models.PROTECT, related_name="reservations", help_text="The function reserved."
    )
    reserved_to_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reserved_matters",
        help_text="The organisation it is reserved to (or give a body).",
    )
    reserved_to_body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reserved_matters",
        help_text="The body it is reserved to, e.g. the ICB's board (or give an organisation).",
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reserved_matters",
        help_text="The area the reservation applies to; empty for everywhere.",
    )
    note = models.TextField(blank=True, help_text="The reservation as the source puts it.")

    objects = querysets.ReservedMatterQuerySet.as_manager()

    class Meta:
        ordering = ["function__name", "start_date"]
        constraints = [
            period_check("delegations_reservedmatter_period_ordered"),
            models.CheckConstraint(
                condition=(Q(reserved_to_organisation__isnull=False) & Q(reserved_to_body__isnull=True))
                | (Q(reserved_to_organisation__isnull=True) & Q(reserved_to_body__isnull=False)),
                name="delegations_reservedmatter_one_holder",
                violation_error_message="Give the organisation or the body the matter is reserved to (one of them).",
                violation_error_code="one_holder",
            ),
        ]

    @property
    def holder(self):
        return self.reserved_to_body or self.reserved_to_organisation

    def get_absolute_url(self) -> str:
        return reverse("delegations:function_detail", kwargs={"pk": self.function_id})

    def __str__(self) -> str:
        return f"{self.function_id} reserved ({self.period_display})"


@track()
class Delegation(SourcedModel, PeriodModel):
    """A grant of a function, for an area, from its holder to a body, post or organisation; it may
    sub-delegate a parent delegation, and never grants more than that parent holds."""

    delegator_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations_made",
        help_text="The organisation delegating (give one of organisation, body or post).",
    )
    delegator_body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations_made",
        help_text="The body delegating (give one of organisation, body or post).",
    )
    delegator_post = models.ForeignKey(
        Post,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations_made",
        help_text="The post delegating (give one of organisation, body or post).",
    )
    delegate_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations_received",
        help_text="The organisation delegated to (give one of organisation, body or post).",
    )
    delegate_body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations_received",
        help_text="The body delegated to (give one of organisation, body or post).",
    )
    delegate_post = models.ForeignKey(
        Post,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations_received",
        help_text="The post delegated to (give one of organisation, body or post).",
    )
    functions = models.ManyToManyField(
        Function,
        through="DelegationFunction",
        related_name="delegations",
        help_text="The function(s) delegated; each covers its children.",
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="delegations",
        help_text="The area the delegation applies to.",
    )
    financial_limit = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The most the delegate may commit, in GBP; empty when this link sets no limit of its own.",
    )
    conditions = models.TextField(blank=True, help_text="Conditions attached to the delegation.")
    vehicle = models.CharField(
        max_length=30, choices=Vehicle.choices, help_text="The legal vehicle it is made under."
    )
    statutory_basis = models.CharField(
        max_length=500, blank=True, help_text="The statute or instrument relied on, as the scheme states it."
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The delegation this one sub-delegates; empty when the delegator holds the function by statute.",
    )
    onward_delegation_permitted = models.BooleanField(
        default=False, help_text="Whether the delegate may delegate this further."
    )
    status = models.CharField(
        max_length=20,
        choices=DelegationStatus.choices,
        default=DelegationStatus.PROPOSED,
        help_text="Proposed, agreed, in force, or revoked (a revoked delegation was in force until its end date).",
    )

    objects = querysets.DelegationQuerySet.as_manager()

    class Meta:
        ordering = ["area__name", "start_date", "id"]
        constraints = [
            period_check("delegations_delegation_period_ordered"),
            _exactly_one(
                "delegator",
                "delegations_delegation_one_delegator",
                "Give who delegates: one organisation, body or post.",
            ),
            _exactly_one(
                "delegate",
                "delegations_delegation_one_delegate",
                "Give who is delegated to: one organisation, body or post.",
            ),
            models.CheckConstraint(
                condition=Q(financial_limit__isnull=True) | Q(financial_limit__gte=0),
                name="delegations_delegation_limit_not_negative",
                violation_error_message="A financial limit cannot be negative.",
                violation_error_code="negative_limit",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="delegations_delegation_not_own_parent",
                violation_error_message="A delegation cannot sub-delegate itself.",
                violation_error_code="own_parent",
            ),
            models.CheckConstraint(
                condition=~Q(delegator_organisation=F("delegate_organisation"))
                & ~Q(delegator_body=F("delegate_body"))
                & ~Q(delegator_post=F("delegate_post")),
                name="delegations_delegation_not_to_self",
                violation_error_message="A holder cannot delegate to itself.",
                violation_error_code="to_self",
            ),
        ]
        indexes = [
            models.Index(fields=["area", "status"]),
            models.Index(fields=["parent"]),
            models.Index(fields=["delegator_organisation"]),
            models.Index(fields=["delegate_body"]),
        ]

    @property
    def delegator(self):
        return self.delegator_organisation or self.delegator_body or self.delegator_post

    @property
    def delegate(self):
        return self.delegate_organisation or self.delegate_body or self.delegate_post

    def in_force_on(self, on) -> bool:
        """In force on a day: in force and covering it, or revoked after being in force up to its end date."""
        if self.status == DelegationStatus.IN_FORCE:
            return super().in_force_on(on)
        if self.status == DelegationStatus.REVOKED and self.end_date is not None:
            return super().in_force_on(on)
        return False

    def get_absolute_url(self) -> str:
        return reverse("delegations:delegation_detail", kwargs={"pk": self.pk})

    def __str__(self) -> str:
        return f"Delegation {self.pk} ({self.period_display})"


@track()
class DelegationFunction(SourcedModel):
    """That a delegation covers a function."""

    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="function_links", help_text="The delegation."
    )
    function = models.ForeignKey(
        Function, on_delete=models.PROTECT, related_name="delegation_links", help_text="A function it covers."
    )

    objects = querysets.DelegationFunctionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["delegation", "function"],
                name="delegations_delegationfunction_unique",
                violation_error_message="This delegation already covers this function.",
                violation_error_code="duplicate_function",
            )
        ]
        indexes = [models.Index(fields=["function", "delegation"])]

    def get_absolute_url(self) -> str:
        return reverse("delegations:delegation_detail", kwargs={"pk": self.delegation_id})

    def __str__(self) -> str:
        return f"{self.delegation_id} covers {self.function_id}"


@track()
class PlaceLeadArrangement(SourcedModel, PeriodModel):
    """How a locality's place-based lead is arranged over a period: its model, the post(s) holding it
    and their relationship to the ICB. A locality has one arrangement on any day."""

    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="place_lead_arrangements", help_text="The locality."
    )
    model = models.CharField(
        max_length=40, choices=PlaceLeadModel.choices, help_text="How the role is arranged."
    )
    models_considered = ArrayField(
        models.CharField(max_length=40, choices=PlaceLeadModel.choices),
        default=list,
        blank=True,
        help_text="The models under consideration, while the decision is not yet made.",
    )
    host_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="place_lead_arrangements",
        help_text="The organisation the lead sits within (e.g. the council), where known.",
    )
    relationship_to_icb = models.CharField(
        max_length=500,
        blank=True,
        help_text='The lead\'s relationship to the ICB, e.g. "mutual accountability"; empty when not recorded.',
    )
    status = models.CharField(
        max_length=20,
        choices=ArrangementStatus.choices,
        default=ArrangementStatus.PROPOSED,
        help_text="Proposed, agreed or in force.",
    )
    note = models.TextField(blank=True, help_text="The arrangement as the source describes it.")
    posts = models.ManyToManyField(
        Post,
        through="PlaceLeadPost",
        related_name="place_lead_arrangements",
        blank=True,
        help_text="The post(s) holding the role.",
    )

    objects = querysets.PlaceLeadArrangementQuerySet.as_manager()

    class Meta:
        ordering = ["area__name", "start_date"]
        constraints = [
            period_check("delegations_placeleadarrangement_period_ordered"),
            ExclusionConstraint(
                name="delegations_placeleadarrangement_one_per_day",
                expressions=[
                    (Same("area"), RangeOperators.OVERLAPS),
                    (DateRange("start_date", "end_date"), RangeOperators.OVERLAPS),
                ],
                violation_error_message="This locality already has a place-based lead arrangement on some of these dates.",
                violation_error_code="arrangement_overlap",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("delegations:place_lead_detail", kwargs={"pk": self.pk})

    def __str__(self) -> str:
        return f"Place-based lead arrangement {self.pk} ({self.period_display})"


@track()
class PlaceLeadPost(SourcedModel):
    """That a post holds (part of) a place-based lead arrangement, and which of the four roles it carries."""

    arrangement = models.ForeignKey(
        PlaceLeadArrangement,
        on_delete=models.CASCADE,
        related_name="post_links",
        help_text="The arrangement.",
    )
    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="place_lead_links", help_text="The post."
    )
    roles = ArrayField(
        models.CharField(max_length=40, choices=PlaceLeadRole.choices),
        default=list,
        blank=True,
        help_text="Which of the place leader's four roles this post carries.",
    )

    objects = querysets.PlaceLeadPostQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "post"],
                name="delegations_placeleadpost_unique",
                violation_error_message="This post is already part of this arrangement.",
                violation_error_code="duplicate_post",
            )
        ]

    def get_absolute_url(self) -> str:
        return reverse("delegations:place_lead_detail", kwargs={"pk": self.arrangement_id})

    def __str__(self) -> str:
        return f"{self.post_id} in arrangement {self.arrangement_id}"


@track()
class TierAssignment(SourcedModel):
    """One entry of a system's tier table (001 Appendix 2): at a tier, an accountability or delivery
    function, a governing body, or a team."""

    system = models.ForeignKey(
        System, on_delete=models.PROTECT, related_name="tier_assignments", help_text="The system."
    )
    tier = models.CharField(max_length=20, choices=Tier.choices, help_text="The tier.")
    column = models.CharField(
        max_length=20, choices=TierColumn.choices, help_text="Which column of the table."
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Position within the cell.")
    function = models.ForeignKey(
        Function,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tier_assignments",
        help_text="The function (accountabilities and delivery functions).",
    )
    body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tier_assignments",
        help_text="The governing body (governance).",
    )
    label = models.CharField(
        max_length=500,
        blank=True,
        help_text="The entry in words, when it is not a recorded function or body.",
    )

    objects = querysets.TierAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["system", "tier", "column", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(function__isnull=False) | Q(body__isnull=False) | ~Q(label=""),
                name="delegations_tierassignment_says_something",
                violation_error_message="Give a function, a body or a label.",
                violation_error_code="empty_entry",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("delegations:tier_table", kwargs={"system": self.system_id})

    def __str__(self) -> str:
        return f"{self.tier} {self.column} {self.order}"


class SordImport(models.Model):
    """One upload of a scheme of reservation and delegation spreadsheet, and how its import went."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sord_imports",
        help_text="Who uploaded it.",
    )
    file_name = models.CharField(max_length=255, help_text="The uploaded file's name.")
    content = models.BinaryField(help_text="The uploaded file.")
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The area the scheme's delegations apply to.",
    )
    state = models.CharField(
        max_length=20,
        choices=ImportState.choices,
        default=ImportState.QUEUED,
        help_text="How far it has got.",
    )
    rows_total = models.PositiveIntegerField(default=0, help_text="Rows in the file.")
    rows_done = models.PositiveIntegerField(default=0, help_text="Rows checked so far.")
    report = models.JSONField(
        default=dict, blank=True, help_text="What was imported, or each refused row and why."
    )
    created_at = models.DateTimeField(db_default=Now(), help_text="When it was uploaded.")
    finished_at = models.DateTimeField(null=True, blank=True, help_text="When it finished.")

    objects = querysets.SordImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("delegations:sord_import_detail", kwargs={"pk": self.pk})
