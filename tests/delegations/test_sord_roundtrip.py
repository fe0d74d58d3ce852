"""A scheme of delegation round-trips: exported from one area, imported into an area without
delegations, and exported again, it gives the same rows (and the same file)."""

from __future__ import annotations

import pytest

from delegations.choices import ImportState
from delegations.models import Delegation
from delegations.selectors import sord_export, sord_rows

from .test_sord_export import NORTHTOWN_ROWS, build_northtown
from .test_sord_import import Scheme, imported

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme(staff_user):
    return Scheme(staff_user)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_import_export_gives_the_same_rows(scheme, fmt):
    build_northtown(scheme)
    exported = sord_export(sord_rows(area=scheme.northtown), fmt)
    assert not Delegation.objects.filter(area=scheme.southtown).exists()

    sord_import = imported(scheme, exported, area=scheme.southtown, file_name=f"northtown.{fmt}")

    assert sord_import.state == ImportState.SUCCEEDED, sord_import.report["errors"]
    assert sord_import.report["created"] == {"delegations": 3, "sub_delegations": 1, "reserved_matters": 1}
    assert sord_rows(area=scheme.southtown) == sord_rows(area=scheme.northtown) == NORTHTOWN_ROWS
    if fmt == "csv":
        assert sord_export(sord_rows(area=scheme.southtown), fmt) == exported


def test_the_imported_chain_is_the_chain_exported(scheme):
    """The same links, functions, limits, periods and bases (a sub-delegation takes its row's basis)."""
    build_northtown(scheme)

    imported(scheme, sord_export(sord_rows(area=scheme.northtown), "csv"), area=scheme.southtown)

    def chains(area):
        return sorted(
            (
                str(d.delegator),
                str(d.delegate),
                sorted(f.name for f in d.functions.all()),
                d.financial_limit,
                d.start_date,
                d.end_date,
                d.statutory_basis,
                d.onward_delegation_permitted,
                d.parent.delegate.name if d.parent else None,
            )
            for d in Delegation.objects.filter(area=area)
        )

    assert chains(scheme.southtown) == chains(scheme.northtown)


def test_a_second_round_trip_changes_nothing_more(scheme):
    build_northtown(scheme)
    first = sord_export(sord_rows(area=scheme.northtown), "xlsx")
    imported(scheme, first, area=scheme.southtown, file_name="first.xlsx")
    second = sord_export(sord_rows(area=scheme.southtown), "csv")

    imported(scheme, second, area=scheme.footprint, file_name="second.csv")

    assert sord_rows(area=scheme.footprint) == NORTHTOWN_ROWS


def test_stockports_reference_scheme_round_trips_including_a_start_not_recorded(reference, staff_user):
    """Stockport's reference delegations, one of them (the section 75 pooled budget) with no
    recorded start: exported, removed, imported back and exported again, the rows are the same."""
    from unittest import mock

    from delegations.services import delegation_delete, sord_import_run, sord_import_start

    stockport = reference.area("Stockport")
    rows = sord_rows(area=stockport)
    assert any(row["from"] == "" for row in rows), "the section 75 row has no start"
    exported = sord_export(rows, "csv")
    for delegation in Delegation.objects.filter(area=stockport):
        delegation_delete(delegation, actor=staff_user)

    with mock.patch("delegations.tasks.run_sord_import.delay"):
        started = sord_import_start(
            content=exported, file_name="stockport.csv", area=stockport, status="in_force", actor=staff_user
        )
    sord_import = sord_import_run(started.pk)

    assert sord_import.state == ImportState.SUCCEEDED, sord_import.report["errors"]
    assert sord_rows(area=stockport) == rows
