"""sord_rows and sord_export: a scheme of reservation and delegation drawn from the registry, one
row per delegated or reserved function, as CSV or XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from delegations.choices import DelegationStatus, Vehicle
from delegations.selectors import SORD_COLUMNS, sord_export, sord_rows
from delegations.services import delegation_create, reserved_matter_create

from .test_sord_import import BASIS, GO_LIVE, Scheme

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def scheme(staff_user):
    return Scheme(staff_user)


def build_northtown(world: Scheme) -> dict:
    """Northtown's scheme, made through the services: the ICB delegates community services and
    primary care to the locality board (limit £1m, onward delegation permitted), which passes primary
    care to the place-based lead (limit £250k); district nursing to the council's director of finance
    (a title the ICB has too) for 2022-23; community services to the council until the end of 2022;
    and system strategy reserved to the ICB board."""
    common = {
        "area": world.northtown,
        "vehicle": Vehicle.SCHEME_OF_DELEGATION,
        "status": DelegationStatus.IN_FORCE,
        "start_date": GO_LIVE,
        "actor": world.actor,
    }
    to_board = delegation_create(
        functions=[world.community, world.primary],
        delegator_organisation=world.icb,
        delegate_body=world.board,
        financial_limit=Decimal("1000000"),
        statutory_basis=BASIS,
        onward_delegation_permitted=True,
        sources=[{"document": "001", "section": "§6.5"}],
        **common,
    )
    to_lead = delegation_create(
        functions=[world.primary],
        delegator_body=world.board,
        delegate_post=world.lead,
        parent=to_board,
        financial_limit=Decimal("250000"),
        statutory_basis=BASIS,
        sources=[{"document": "001", "section": "§8.5", "note": "The lead's share."}],
        **common,
    )
    to_finance = delegation_create(
        functions=[world.nursing],
        delegator_organisation=world.icb,
        delegate_post=world.council_finance,
        end_date=D(2023, 3, 31),
        sources=[{"document": "Board minutes 12 Jan 2022"}, {"document": "001", "section": "§10.2"}],
        **common,
    )
    to_council = delegation_create(
        functions=[world.community],
        delegator_organisation=world.icb,
        delegate_organisation=world.council,
        end_date=D(2022, 12, 31),
        **common,
    )
    reserved = reserved_matter_create(
        function=world.strategy,
        reserved_to_body=world.icb_board,
        area=world.northtown,
        start_date=GO_LIVE,
        note="Reserved to the board",
        sources=[{"document": "001", "section": "Appendix 2"}],
        actor=world.actor,
    )
    return {
        "to_board": to_board,
        "to_lead": to_lead,
        "to_finance": to_finance,
        "to_council": to_council,
        "reserved": reserved,
    }


def sord_row(**cells) -> dict:
    return {column: cells.get(column.replace(" ", "_"), "") for column in SORD_COLUMNS}


NORTHTOWN_ROWS = [
    sord_row(
        policy_area="SoRD commissioning",
        function="Community services",
        delegated_to="Northtown Council",
        **{"from": "2022-07-01", "to": "2022-12-31"},
    ),
    sord_row(
        policy_area="SoRD commissioning",
        function="Community services",
        delegated_to="Northtown Locality Board",
        statutory_basis=BASIS,
        limit="£1,000,000.00",
        source="001 §6.5",
        **{"from": "2022-07-01"},
    ),
    sord_row(
        policy_area="SoRD commissioning",
        function="District nursing",
        delegated_to="Director of finance (Northtown Council)",
        source="Board minutes 12 Jan 2022; 001 §10.2",
        **{"from": "2022-07-01", "to": "2023-03-31"},
    ),
    sord_row(
        policy_area="SoRD commissioning",
        function="Primary care",
        delegated_to="Northtown Locality Board",
        further_delegated_to="Place-based lead",
        statutory_basis=BASIS,
        limit="£250,000.00",
        source="001 §6.5",
        **{"from": "2022-07-01"},
    ),
    sord_row(
        policy_area="SoRD governance",
        function="System strategy",
        reserved_to="SoRD Test ICB Board",
        statutory_basis="Reserved to the board",
        source="001 Appendix 2",
        **{"from": "2022-07-01"},
    ),
]


# --- sord_rows --------------------------------------------------------------------------------


def test_the_rows_of_an_area_one_per_delegated_or_reserved_function(scheme):
    build_northtown(scheme)

    rows = sord_rows(area=scheme.northtown)

    assert rows == NORTHTOWN_ROWS
    assert all(list(row) == list(SORD_COLUMNS) for row in rows)


def test_an_area_without_delegations_has_no_rows(scheme):
    build_northtown(scheme)

    assert sord_rows(area=scheme.southtown) == []


def test_the_rows_of_a_system_cover_its_areas(scheme):
    build_northtown(scheme)
    delegation_create(
        functions=[scheme.primary],
        area=scheme.southtown,
        vehicle=Vehicle.SCHEME_OF_DELEGATION,
        delegator_organisation=scheme.icb,
        delegate_body=scheme.board,
        start_date=GO_LIVE,
        actor=scheme.actor,
    )

    rows = sord_rows(system=scheme.system)

    assert len(rows) == len(NORTHTOWN_ROWS) + 1
    assert (
        sord_row(
            policy_area="SoRD commissioning",
            function="Primary care",
            delegated_to="Northtown Locality Board",
            **{"from": "2022-07-01"},
        )
        in rows
    )


def test_on_a_date_only_what_covered_it(scheme):
    build_northtown(scheme)

    rows = sord_rows(area=scheme.northtown, on=D(2023, 6, 1))

    assert [(row["function"], row["delegated to"] or row["reserved to"]) for row in rows] == [
        ("Community services", "Northtown Locality Board"),
        ("Primary care", "Northtown Locality Board"),
        ("System strategy", "SoRD Test ICB Board"),
    ]
    assert sord_rows(area=scheme.northtown, on=D(2022, 6, 30)) == []


def test_a_sub_delegation_no_longer_covering_the_date_leaves_its_function_on_the_first_level_row(scheme):
    made = build_northtown(scheme)
    made["to_lead"].end_date = D(2022, 12, 31)
    made["to_lead"].save()

    rows = sord_rows(area=scheme.northtown, on=D(2023, 1, 1))

    primary = [row for row in rows if row["function"] == "Primary care"]
    assert primary == [
        sord_row(
            policy_area="SoRD commissioning",
            function="Primary care",
            delegated_to="Northtown Locality Board",
            statutory_basis=BASIS,
            limit="£1,000,000.00",
            source="001 §6.5",
            **{"from": "2022-07-01"},
        )
    ]


def test_the_rows_are_read_in_a_fixed_number_of_queries(scheme, django_assert_max_num_queries):
    build_northtown(scheme)
    with django_assert_max_num_queries(11):
        sord_rows(area=scheme.northtown)

    for _ in range(5):
        build_northtown_again = delegation_create(
            functions=[scheme.primary],
            area=scheme.northtown,
            vehicle=Vehicle.SCHEME_OF_DELEGATION,
            delegator_organisation=scheme.icb,
            delegate_post=scheme.icb_finance,
            start_date=GO_LIVE,
            actor=scheme.actor,
        )
        assert build_northtown_again.pk
    with django_assert_max_num_queries(11):
        assert len(sord_rows(area=scheme.northtown)) == len(NORTHTOWN_ROWS) + 5


# --- sord_export ------------------------------------------------------------------------------


def test_a_csv_file_has_the_column_names_then_the_rows(scheme):
    build_northtown(scheme)

    content = sord_export(sord_rows(area=scheme.northtown), "csv")

    assert content.startswith(b"\xef\xbb\xbf")  # so that spreadsheet programs read "£" as UTF-8
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert table[0] == list(SORD_COLUMNS)
    assert table[1:] == [list(row.values()) for row in NORTHTOWN_ROWS]


def test_an_xlsx_file_has_the_column_names_then_the_rows(scheme):
    build_northtown(scheme)

    content = sord_export(sord_rows(area=scheme.northtown), "xlsx")

    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    table = [[value or "" for value in values] for values in sheet.iter_rows(values_only=True)]
    assert table[0] == list(SORD_COLUMNS)
    assert table[1:] == [list(row.values()) for row in NORTHTOWN_ROWS]


def test_a_cell_that_looks_like_a_formula_stays_text():
    rows = [sord_row(policy_area='=HYPERLINK("http://example.invalid")', function="+1", source="@x")]

    csv_table = list(csv.reader(io.StringIO(sord_export(rows, "csv").decode("utf-8-sig"), newline="")))
    assert csv_table[1][:2] == ['\t=HYPERLINK("http://example.invalid")', "\t+1"]
    assert csv_table[1][-1] == "\t@x"

    sheet = load_workbook(io.BytesIO(sord_export(rows, "xlsx"))).worksheets[0]
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == '=HYPERLINK("http://example.invalid")'


def test_an_empty_scheme_is_a_file_of_column_names():
    table = list(csv.reader(io.StringIO(sord_export([], "csv").decode("utf-8-sig"), newline="")))
    assert table == [list(SORD_COLUMNS)]


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="Unknown spreadsheet format 'pdf': use csv or xlsx."):
        sord_export([], "pdf")
