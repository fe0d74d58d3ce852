"""Assertions and a small world shared by the delegation service tests.

`refused()` and `nothing_changes()` also watch the delegations tables. `Stockport` builds, in a new
system of its own, the case the registry exists to answer: NHS Stockport CCG commissioning for
Stockport until 30 June 2022, the GM ICB for the whole system from 1 July 2022, and a locality
board and a place-based lead to delegate to.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict

from delegations.choices import DelegationStatus, Vehicle
from delegations.services import delegation_create
from governance.choices import BodyKind, Status
from organisations.choices import OrganisationKind, Tier
from tests.governance.factories import BodyFactory
from tests.organisations.factories import (
    LocalityFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    PostFactory,
    SystemAreaFactory,
    SystemFactory,
)
from tests.organisations.helpers import assert_recorded, last_event, messages

from .factories import FunctionFactory, StatutoryHoldingFactory

__all__ = [
    "D",
    "Stockport",
    "assert_recorded",
    "last_event",
    "messages",
    "nothing_changes",
    "refused",
]

D = dt.date
CLOSURE = D(2022, 6, 30)
GO_LIVE = D(2022, 7, 1)


def _snapshot(objs):
    from pghistory.models import Context

    models = [
        model
        for label in ("organisations", "governance", "delegations")
        for model in apps.get_app_config(label).get_models()
    ]
    counts = {model._meta.label: model._base_manager.count() for model in models}
    counts["pghistory.Context"] = Context.objects.count()
    rows = []
    for obj in objs:
        fresh = type(obj)._base_manager.filter(pk=obj.pk).first()
        rows.append(model_to_dict(fresh) if fresh is not None else None)
    return counts, rows


@contextlib.contextmanager
def nothing_changes(*objs):
    """No row added or removed in any organisations, governance or delegations table (history
    events included), no history context written, and the given records are as they were."""
    before_counts, before_rows = _snapshot(objs)
    yield
    after_counts, after_rows = _snapshot(objs)
    changed = {
        k: (before_counts[k], after_counts[k]) for k in before_counts if before_counts[k] != after_counts[k]
    }
    assert not changed, f"row counts changed (before, after): {changed}"
    assert after_rows == before_rows, "a record was changed by a refused write"


def refused(call, *objs) -> dict[str, list[str]]:
    """Run a write that must be refused; check nothing changed; return the messages by field."""
    with nothing_changes(*objs), pytest.raises(ValidationError) as info:
        call()
    return messages(info.value)


class Stockport:
    """A system with its footprint, the places Stockport and Bury, a Stockport neighbourhood;
    the CCG (closed 30 Jun 2022) and the ICB (from 1 Jul 2022); the functions Test commissioning →
    Community services → District nursing, and Test commissioning → Primary care; the CCG holding
    Test commissioning for Stockport until its closure and the ICB for the whole system from the
    next day; the Stockport Locality Board (established from 1 Apr 2022), Stockport Council and its
    place-based lead post."""

    def __init__(self, actor):
        self.actor = actor
        self.system = SystemFactory(name="Greater Manchester (test)", short_name="GMT")
        self.footprint = SystemAreaFactory(system=self.system)
        self.stockport = LocalityFactory(system=self.system, parent=self.footprint, name="Stockport")
        self.bury = LocalityFactory(system=self.system, parent=self.footprint, name="Bury")
        self.heatons = NeighbourhoodFactory(parent=self.stockport, name="Heatons PCN")
        self.ccg = OrganisationFactory(name="NHS Stockport CCG", kind=OrganisationKind.CCG, end_date=CLOSURE)
        self.icb = OrganisationFactory(
            name="NHS Greater Manchester Integrated Care", kind=OrganisationKind.ICB, start_date=GO_LIVE
        )
        self.council = OrganisationFactory(name="Stockport Council", kind=OrganisationKind.LOCAL_AUTHORITY)
        self.commissioning = FunctionFactory(name="Test commissioning")
        self.community = FunctionFactory(name="Community services", parent=self.commissioning)
        self.nursing = FunctionFactory(name="District nursing", parent=self.community)
        self.primary = FunctionFactory(name="Primary care", parent=self.commissioning)
        self.ccg_holding = StatutoryHoldingFactory(
            function=self.commissioning, holder=self.ccg, area=self.stockport, end_date=CLOSURE
        )
        self.icb_holding = StatutoryHoldingFactory(
            function=self.commissioning, holder=self.icb, area=self.footprint, start_date=GO_LIVE
        )
        self.board = BodyFactory(
            name="Stockport Locality Board",
            kind=BodyKind.LOCALITY_BOARD,
            tier=Tier.LOCALITY,
            system=self.system,
            areas=[self.stockport],
            status=Status.ESTABLISHED,
            status__start_date=D(2022, 4, 1),
        )
        self.lead = PostFactory(title="Place-based lead", organisation=self.council, area=self.stockport)

    def delegate(self, **given):
        """delegation_create with, unless given: the ICB delegating community services for Stockport
        to the locality board, in force from 1 Jul 2022, limit £1,000,000, onward delegation permitted."""
        values = {
            "functions": [self.community],
            "area": self.stockport,
            "vehicle": Vehicle.SCHEME_OF_DELEGATION,
            "status": DelegationStatus.IN_FORCE,
            "start_date": GO_LIVE,
            "financial_limit": Decimal("1000000"),
            "onward_delegation_permitted": True,
            "sources": [{"document": "001", "section": "§6.5"}],
            "actor": self.actor,
        }
        if not any(key.startswith("delegator_") for key in given):
            values["delegator_organisation"] = self.icb
        if not any(key.startswith("delegate_") for key in given):
            values["delegate_body"] = self.board
        values.update(given)
        return delegation_create(**values)

    def to_lead(self, parent, **given):
        """A sub-delegation from the locality board to the place-based lead under `parent`."""
        values = {"delegator_body": self.board, "delegate_post": self.lead, "parent": parent}
        values.update(given)
        values.setdefault("financial_limit", Decimal("250000"))
        values.setdefault("onward_delegation_permitted", False)
        return self.delegate(**values)
