"""sord_import_start and sord_import_run: a scheme of delegation spreadsheet, checked as a file at
upload, then imported row by row through the delegation services, all or nothing.

The world here is built afresh (`scheme`): a system with the places Northtown and Southtown, its
ICB holding two policy areas by statute for the whole system from 1 Jul 2022, the ICB's board, the
Northtown Locality Board, Northtown Council with its place-based lead, and two posts sharing a
title. The other test modules of the SoRD import and export use it too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import zipfile
from decimal import Decimal
from unittest import mock

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from delegations.choices import DelegationStatus, ImportState, Vehicle
from delegations.models import Delegation, ReservedMatter, SordImport
from delegations.selectors import SORD_COLUMNS, sord_import_progress
from delegations.services import sord_import_run, sord_import_start
from governance.choices import BodyKind, Status
from organisations.choices import OrganisationKind, Tier
from tests.delegations.factories import FunctionFactory, StatutoryHoldingFactory
from tests.governance.factories import BodyFactory
from tests.organisations.factories import (
    LocalityFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    PostFactory,
    SystemAreaFactory,
    SystemFactory,
)
from tests.organisations.helpers import last_event, messages

pytestmark = pytest.mark.django_db

D = dt.date
GO_LIVE = D(2022, 7, 1)
BASIS = "NHS Act 2006 s65Z5"
COLUMNS_MESSAGE = (
    "The columns must be: policy area, function, reserved to, delegated to, further delegated to, "
    "statutory basis, limit, from, to, source; this file has: "
)


class Scheme:
    """A small world to import a scheme of delegation into (see the module docstring)."""

    def __init__(self, actor):
        self.actor = actor
        self.system = SystemFactory(name="SoRD test system", short_name="SRD")
        self.footprint = SystemAreaFactory(system=self.system)
        self.northtown = LocalityFactory(system=self.system, parent=self.footprint, name="Northtown")
        self.southtown = LocalityFactory(system=self.system, parent=self.footprint, name="Southtown")
        self.icb = OrganisationFactory(
            name="SoRD Test ICB", kind=OrganisationKind.ICB, start_date=GO_LIVE, areas=[self.footprint]
        )
        self.council = OrganisationFactory(
            name="Northtown Council", kind=OrganisationKind.LOCAL_AUTHORITY, areas=[self.northtown]
        )
        self.commissioning = FunctionFactory(name="SoRD commissioning")
        self.community = FunctionFactory(name="Community services", parent=self.commissioning)
        self.nursing = FunctionFactory(name="District nursing", parent=self.community)
        self.primary = FunctionFactory(name="Primary care", parent=self.commissioning)
        self.governance = FunctionFactory(name="SoRD governance")
        self.strategy = FunctionFactory(name="System strategy", parent=self.governance)
        for function in (self.commissioning, self.governance):
            StatutoryHoldingFactory(
                function=function, holder=self.icb, area=self.footprint, start_date=GO_LIVE
            )
        self.board = BodyFactory(
            name="Northtown Locality Board",
            kind=BodyKind.LOCALITY_BOARD,
            tier=Tier.LOCALITY,
            system=self.system,
            areas=[self.northtown],
            status=Status.ESTABLISHED,
            status__start_date=D(2022, 4, 1),
        )
        self.icb_board = BodyFactory(
            name="SoRD Test ICB Board",
            kind=BodyKind.ICB_BOARD,
            tier=Tier.SYSTEM,
            system=self.system,
            areas=[self.footprint],
            status=Status.ESTABLISHED,
            status__start_date=GO_LIVE,
        )
        self.lead = PostFactory(title="Place-based lead", organisation=self.council, area=self.northtown)
        self.council_finance = PostFactory(title="Director of finance", organisation=self.council)
        self.icb_finance = PostFactory(title="Director of finance", organisation=self.icb)


@pytest.fixture
def scheme(staff_user):
    return Scheme(staff_user)


def row(**cells) -> list[str]:
    """A data row from cells named like the columns, with underscores for spaces."""
    return [cells.pop(column.replace(" ", "_"), "") for column in SORD_COLUMNS]


def csv_file(rows, header=SORD_COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_file(rows, header=SORD_COLUMNS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def board_row(**cells):
    values = {
        "policy_area": "SoRD commissioning",
        "function": "Community services",
        "delegated_to": "Northtown Locality Board",
        "statutory_basis": BASIS,
        "limit": "£1,000,000",
        "from": "2022-07-01",
        "source": "Scheme 2022 §3",
    }
    values.update(cells)
    return row(**values)


def start(
    scheme, content, *, area=None, status=DelegationStatus.IN_FORCE, file_name="scheme.csv", actor=None
):
    with mock.patch("delegations.tasks.run_sord_import.delay"):
        return sord_import_start(
            content=content,
            file_name=file_name,
            area=area or scheme.northtown,
            status=status,
            actor=actor or scheme.actor,
        )


def imported(scheme, content, **kwargs) -> SordImport:
    """Upload and run the import, as the worker would."""
    return sord_import_run(start(scheme, content, **kwargs).pk)


def _counts():
    from pghistory.models import Context

    models = [
        m
        for label in ("organisations", "governance", "delegations")
        for m in apps.get_app_config(label).get_models()
    ]
    counts = {m._meta.label: m._base_manager.count() for m in models}
    counts["pghistory.Context"] = Context.objects.count()
    return counts


# --- Happy imports --------------------------------------------------------------------------


def test_a_csv_scheme_creates_its_delegation_sub_delegation_and_reserved_matter(scheme):
    content = csv_file(
        [
            board_row(),
            board_row(
                function="Primary care",
                further_delegated_to="Place-based lead",
                limit="250000",
                **{"from": "01/07/2022"},
            ),
            row(
                policy_area="SoRD governance",
                function="System strategy",
                reserved_to="SoRD Test ICB Board",
                statutory_basis="Reserved to the board",
                source="Scheme 2022 §2",
                **{"from": "2022-07-01"},
            ),
        ]
    )

    sord_import = imported(scheme, content)

    assert sord_import.state == ImportState.SUCCEEDED
    assert sord_import.report == {
        "status": "in_force",
        "created": {"delegations": 1, "sub_delegations": 1, "reserved_matters": 1},
        "errors": [],
    }
    assert sord_import.rows_done == sord_import.rows_total == 3
    assert sord_import.finished_at is not None

    delegation = Delegation.objects.get(area=scheme.northtown, parent__isnull=True)
    assert delegation.delegator == scheme.icb
    assert delegation.delegate == scheme.board
    assert set(delegation.functions.all()) == {scheme.community, scheme.primary}
    assert delegation.vehicle == Vehicle.SCHEME_OF_DELEGATION
    assert delegation.status == DelegationStatus.IN_FORCE
    assert (delegation.start_date, delegation.end_date) == (GO_LIVE, None)
    assert delegation.financial_limit == Decimal("1000000")
    assert delegation.statutory_basis == BASIS
    assert delegation.onward_delegation_permitted is True
    assert delegation.sources == [
        {"document": "Scheme 2022 §3", "note": "Imported from the spreadsheet scheme.csv."}
    ]

    sub = delegation.children.get()
    assert sub.delegator == scheme.board
    assert sub.delegate == scheme.lead
    assert list(sub.functions.all()) == [scheme.primary]
    assert sub.financial_limit == Decimal("250000")
    assert (sub.start_date, sub.end_date, sub.status) == (GO_LIVE, None, DelegationStatus.IN_FORCE)

    matter = ReservedMatter.objects.get(area=scheme.northtown)
    assert (matter.function, matter.reserved_to_body, matter.note) == (
        scheme.strategy,
        scheme.icb_board,
        "Reserved to the board",
    )

    event = last_event(delegation)
    assert event.pgh_context.metadata["user"] == scheme.actor.pk
    assert event.pgh_context.metadata["service"] == "delegation_create"
    assert event.pgh_context.metadata["sord_import"] == sord_import.pk


def test_an_xlsx_scheme_with_date_and_number_cells_is_imported_with_the_status_chosen(scheme):
    header = [f"  {column.upper()} " for column in SORD_COLUMNS]
    content = xlsx_file(
        [
            [
                "SoRD commissioning",
                "community services",
                None,
                "northtown locality board",
                None,
                BASIS,
                500000,
                dt.datetime(2022, 7, 1),
                dt.datetime(2023, 3, 31),
                "Scheme 2022",
            ],
            [None] * 10,
            [
                "SoRD commissioning",
                "District nursing",
                None,
                "Northtown Locality Board",
                None,
                BASIS,
                500000.0,
                D(2022, 7, 1),
                "31/03/2023",
                "Scheme 2022",
            ],
        ],
        header=header,
    )

    sord_import = imported(scheme, content, status=DelegationStatus.PROPOSED, file_name="scheme.xlsx")

    assert sord_import.state == ImportState.SUCCEEDED, sord_import.report
    assert sord_import.rows_total == 2
    delegation = Delegation.objects.get(area=scheme.northtown)
    assert set(delegation.functions.all()) == {scheme.community, scheme.nursing}
    assert delegation.status == DelegationStatus.PROPOSED
    assert (delegation.start_date, delegation.end_date) == (GO_LIVE, D(2023, 3, 31))
    assert delegation.financial_limit == Decimal("500000")
    assert delegation.onward_delegation_permitted is False


def test_rows_with_different_limits_or_dates_make_different_delegations(scheme):
    content = csv_file(
        [
            board_row(),
            board_row(function="Primary care", limit="£2,000,000"),
            board_row(function="District nursing", **{"from": "2022-08-01"}),
        ]
    )

    sord_import = imported(scheme, content)

    assert sord_import.report["created"] == {"delegations": 3, "sub_delegations": 0, "reserved_matters": 0}
    assert sorted(
        (d.start_date, d.financial_limit) for d in Delegation.objects.filter(area=scheme.northtown)
    ) == [(GO_LIVE, Decimal("1000000")), (GO_LIVE, Decimal("2000000")), (D(2022, 8, 1), Decimal("1000000"))]


def test_a_utf8_csv_with_a_byte_order_mark_and_a_qualified_post_title(scheme):
    content = csv_file(
        [board_row(delegated_to="Director of finance (Northtown Council)", limit="1000000.00", source="")]
    )
    content = "\ufeff".encode() + content

    sord_import = imported(scheme, content, file_name="C:\\fakepath\\my scheme.csv")

    assert sord_import.file_name == "my scheme.csv"
    assert sord_import.state == ImportState.SUCCEEDED, sord_import.report
    delegation = Delegation.objects.get(area=scheme.northtown)
    assert delegation.delegate == scheme.council_finance
    assert delegation.sources == [
        {
            "document": "my scheme.csv",
            "note": "The spreadsheet this was imported from; its row named no source.",
        }
    ]


def test_a_row_repeating_an_earlier_one_adds_nothing(scheme):
    sord_import = imported(scheme, csv_file([board_row(), board_row()]))

    assert sord_import.state == ImportState.SUCCEEDED
    assert sord_import.report["created"]["delegations"] == 1
    assert list(Delegation.objects.get(area=scheme.northtown).functions.all()) == [scheme.community]


def test_a_system_footprint_can_be_the_area(scheme):
    sord_import = imported(scheme, csv_file([board_row()]), area=scheme.footprint)

    assert sord_import.state == ImportState.SUCCEEDED, sord_import.report
    assert Delegation.objects.get(area=scheme.footprint).delegate == scheme.board


# --- Bad rows: nothing imported, every bad row named -----------------------------------------


def test_a_bad_row_imports_nothing_and_the_report_names_every_bad_row_and_column(scheme):
    content = csv_file(
        [
            board_row(),
            board_row(function="Primary care", delegated_to="Nobody Board"),
            board_row(function="District nursing", limit="a lot"),
            row(
                policy_area="SoRD governance",
                function="System strategy",
                reserved_to="SoRD Test ICB Board",
                **{"from": "2022-07-01"},
            ),
        ]
    )
    sord_import = start(scheme, content)
    before = _counts()

    sord_import = sord_import_run(sord_import.pk)

    assert _counts() == before
    assert sord_import.state == ImportState.FAILED
    assert sord_import.report == {
        "status": "in_force",
        "created": {"delegations": 0, "sub_delegations": 0, "reserved_matters": 0},
        "errors": [
            {
                "row": 3,
                "column": "delegated to",
                "message": "There is no organisation, body or post called “Nobody Board” in SoRD test system.",
            },
            {
                "row": 4,
                "column": "limit",
                "message": 'Write the limit in pounds, e.g. "£1,000,000" or "1000000.00".',
            },
        ],
    }
    assert sord_import.rows_done == 4
    assert sord_import.finished_at is not None


def test_the_services_refusals_are_reported_against_their_rows(scheme):
    content = csv_file(
        [
            row(
                policy_area="SoRD governance",
                function="System strategy",
                reserved_to="SoRD Test ICB Board",
                **{"from": "2022-07-01"},
            ),
            board_row(),
            # the same delegation as the row above, but this function is reserved (row 2)
            board_row(policy_area="SoRD governance", function="System strategy"),
            # a sub-delegation with a larger limit than its first-level delegation (row 3)
            board_row(function="Primary care", further_delegated_to="Place-based lead", limit="£5,000,000"),
            # before the ICB held anything
            board_row(function="Primary care", delegated_to="Northtown Council", **{"from": "2022-06-01"}),
            # ending before it starts
            board_row(function="Primary care", **{"from": "2022-07-01", "to": "2021-01-01"}),
        ]
    )

    sord_import = imported(scheme, content)

    assert sord_import.state == ImportState.FAILED
    assert sord_import.report["errors"] == [
        {
            "row": 4,
            "column": "function",
            "message": "System strategy is reserved to SoRD Test ICB Board: it cannot be delegated.",
        },
        {
            "row": 5,
            "column": "limit",
            "message": "The financial limit cannot exceed the parent delegation's limit of £1,000,000.00.",
        },
        {
            "row": 6,
            "column": "function",
            "message": "Nobody holds Primary care by statute for Northtown on 1 Jun 2022: "
            "its statutory holder must be recorded before it can be delegated.",
        },
        {"row": 7, "column": "to", "message": "The end date must be on or after the start date."},
    ]
    assert not Delegation.objects.filter(area=scheme.northtown).exists()
    assert not ReservedMatter.objects.filter(area=scheme.northtown).exists()


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"policy_area": ""}, "policy area", "Give the policy area (a top-level function)."),
        ({"policy_area": "Housing"}, "policy area", "There is no policy area called “Housing”."),
        ({"function": ""}, "function", "Give the function."),
        (
            {"function": "Dentistry"},
            "function",
            "There is no function called “Dentistry” in SoRD commissioning.",
        ),
        (
            {"delegated_to": "Director of finance"},
            "delegated to",
            "“Director of finance” could be any of: the post Director of finance (Northtown Council); "
            "the post Director of finance (SoRD Test ICB). Give a name that identifies one.",
        ),
        (
            {"further_delegated_to": "Nobody"},
            "further delegated to",
            "There is no organisation, body or post called “Nobody” in SoRD test system.",
        ),
        (
            {"reserved_to": "SoRD Test ICB Board"},
            "delegated to",
            "A reserved function cannot be delegated: fill in “reserved to” or “delegated to”, not both.",
        ),
        (
            {"delegated_to": ""},
            "delegated to",
            "Give who the function is delegated to, or who it is reserved to.",
        ),
        (
            {"delegated_to": "", "further_delegated_to": "Place-based lead"},
            "delegated to",
            "Give who the function is delegated to before who it is delegated further to.",
        ),
        (
            {"delegated_to": "", "reserved_to": "Place-based lead", "limit": ""},
            "reserved to",
            "There is no organisation or body called “Place-based lead” in SoRD test system.",
        ),
        (
            {"delegated_to": "", "reserved_to": "SoRD Test ICB Board"},
            "limit",
            "A reserved matter has no financial limit.",
        ),
        ({"limit": "-5"}, "limit", 'Write the limit in pounds, e.g. "£1,000,000" or "1000000.00".'),
        ({"limit": "1,00,000"}, "limit", 'Write the limit in pounds, e.g. "£1,000,000" or "1000000.00".'),
        ({"limit": "£1000.005"}, "limit", 'Write the limit in pounds, e.g. "£1,000,000" or "1000000.00".'),
        ({"limit": "1" * 15}, "limit", "The limit is too large (at most £99,999,999,999,999.99)."),
        (
            # No start recorded: the ICB's holding starts on 1 Jul 2022, so it cannot have made it.
            {"from": ""},
            "function",
            "Nobody holds Community services by statute for Northtown from a date not recorded: "
            "its statutory holder must be recorded before it can be delegated.",
        ),
        (
            {"from": "1 July 2022"},
            "from",
            "“1 July 2022” is not a date: write it as YYYY-MM-DD or DD/MM/YYYY (e.g. 2022-07-01).",
        ),
        (
            {"to": "31/02/2023"},
            "to",
            "“31/02/2023” is not a date: write it as YYYY-MM-DD or DD/MM/YYYY (e.g. 2022-07-01).",
        ),
    ],
)
def test_a_row_is_refused_with_the_column_and_reason(scheme, cells, column, message):
    sord_import = imported(scheme, csv_file([board_row(function="Primary care"), board_row(**cells)]))

    assert sord_import.state == ImportState.FAILED
    assert sord_import.report["errors"] == [{"row": 3, "column": column, "message": message}]
    assert not Delegation.objects.filter(area=scheme.northtown).exists()


def test_values_beyond_the_last_column_are_refused(scheme):
    sord_import = imported(scheme, csv_file([[*board_row(), "", "stray"]]))

    assert sord_import.report["errors"] == [
        {"row": 2, "column": "", "message": "This row has values beyond the last column (source)."}
    ]


def test_an_ambiguous_function_name_is_refused(scheme):
    FunctionFactory(name="Primary care", parent=scheme.community)

    sord_import = imported(scheme, csv_file([board_row(function="Primary care")]))

    assert sord_import.report["errors"] == [
        {
            "row": 2,
            "column": "function",
            "message": "“Primary care” could be any of: SoRD commissioning → Community services → Primary care; "
            "SoRD commissioning → Primary care.",
        }
    ]


# --- Bad files: refused at upload, nothing stored ---------------------------------------------


def _refused_upload(scheme, content, **kwargs) -> dict[str, list[str]]:
    before = SordImport.objects.count()
    with (
        mock.patch("delegations.tasks.run_sord_import.delay") as delay,
        pytest.raises(ValidationError) as info,
    ):
        sord_import_start(
            content=content,
            file_name=kwargs.pop("file_name", "scheme.csv"),
            area=kwargs.pop("area", scheme.northtown),
            status=kwargs.pop("status", DelegationStatus.IN_FORCE),
            actor=kwargs.pop("actor", scheme.actor),
        )
    assert SordImport.objects.count() == before
    delay.assert_not_called()
    return messages(info.value)


def _png() -> bytes:
    return bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 64


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "policy area,function")
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (random.Random(10).randbytes(10 * 1024 * 1024), "The file is larger than 5 MB."),
        (csv_file([board_row()]) + b" " * (5 * 1024 * 1024), "The file is larger than 5 MB."),
        (random.Random(1).randbytes(1024 * 1024), "This is not a CSV or XLSX spreadsheet."),
        (_png(), "This is not a CSV or XLSX spreadsheet."),
        (
            b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n",
            "This is not a CSV or XLSX spreadsheet.",
        ),
        (_zip_without_workbook(), "This is not a CSV or XLSX spreadsheet."),
        (xlsx_file([board_row()])[:3000], "This is not a CSV or XLSX spreadsheet."),
        ("policy area,function\n£".encode("latin-1"), "This is not a CSV or XLSX spreadsheet."),
        (b"x" * (4 * 1024 * 1024), "This is not a CSV or XLSX spreadsheet."),
        (b"policy area,function\x00\n", "This is not a CSV or XLSX spreadsheet."),
        (b"", "The file is empty."),
        (b" \r\n\r\n ", "The file is empty."),
        (b",,,\n,,\n", "The file is empty."),
        (csv_file([]), "The file has column names but no rows below them."),
        (xlsx_file([]), "The file has column names but no rows below them."),
        (
            csv_file([board_row()[:9]], header=SORD_COLUMNS[:9]),
            COLUMNS_MESSAGE + "policy area, function, reserved to, delegated to, further delegated to, "
            "statutory basis, limit, from, to.",
        ),
        (
            xlsx_file([board_row()], header=["Function", "Policy area", *SORD_COLUMNS[2:]]),
            COLUMNS_MESSAGE + "Function, Policy area, reserved to, delegated to, further delegated to, "
            "statutory basis, limit, from, to, source.",
        ),
        (
            b"a;b;c\n1;2;3\n",
            COLUMNS_MESSAGE + "a;b;c.",
        ),
        (
            ("y" * 100 + ",") * 20 + "\n",
            COLUMNS_MESSAGE + ", ".join(["y" * 39 + "…"] * 12) + ", ….",
        ),
    ],
    ids=[
        "10 MB of junk",
        "just over 5 MB",
        "1 MB of junk",
        "PNG",
        "PDF",
        "zip without a workbook",
        "damaged XLSX",
        "not UTF-8",
        "one huge field",
        "NUL byte",
        "empty",
        "blank",
        "only commas",
        "CSV header only",
        "XLSX header only",
        "a column missing",
        "columns out of order",
        "semicolons",
        "long junk header",
    ],
)
def test_a_file_that_is_not_a_scheme_is_refused_at_upload(scheme, content, message):
    if isinstance(content, str):
        content = content.encode()

    assert _refused_upload(scheme, content) == {"file": [message]}


def test_the_area_must_be_a_locality_or_system_footprint_the_uploader_edits(scheme, reader, stockport_editor):
    content = csv_file([board_row()])
    neighbourhood = NeighbourhoodFactory(parent=scheme.northtown, name="Northtown North")

    assert _refused_upload(scheme, content, area=neighbourhood) == {
        "area": ["Choose a locality or a system footprint: Northtown North is neither."]
    }
    assert _refused_upload(scheme, content, area=None) == {
        "area": ["Choose the locality or system footprint the scheme applies to."]
    }
    assert _refused_upload(scheme, content, actor=reader) == {
        "area": ["You do not edit the delegations of Northtown."]
    }
    assert _refused_upload(scheme, content, actor=stockport_editor) == {
        "area": ["You do not edit the delegations of Northtown."]
    }


def test_every_problem_of_an_upload_is_told_at_once(scheme):
    assert _refused_upload(scheme, b"", status=DelegationStatus.REVOKED, area=None) == {
        "area": ["Choose the locality or system footprint the scheme applies to."],
        "status": ["Choose proposed, agreed or in force."],
        "file": ["The file is empty."],
    }


# --- Queueing and progress ----------------------------------------------------------------------


def test_an_upload_is_stored_and_queued_once_its_transaction_commits(
    scheme, django_capture_on_commit_callbacks
):
    content = csv_file([board_row(), board_row(function="Primary care")])

    with mock.patch("delegations.tasks.run_sord_import.delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            sord_import = sord_import_start(
                content=content, file_name="scheme.csv", area=scheme.northtown, actor=scheme.actor
            )
        delay.assert_not_called()
        for callback in callbacks:
            callback()

    delay.assert_called_once_with(sord_import.pk)
    sord_import.refresh_from_db()
    assert (sord_import.state, sord_import.rows_total, sord_import.rows_done) == (ImportState.QUEUED, 2, 0)
    assert bytes(sord_import.content) == content
    assert (sord_import.uploaded_by, sord_import.area) == (scheme.actor, scheme.northtown)
    assert sord_import.report == {"status": "in_force"}
    assert not Delegation.objects.filter(area=scheme.northtown).exists()


def test_progress_reads_the_state_rows_and_report(scheme):
    sord_import = start(
        scheme,
        csv_file([board_row(), board_row(function="Primary care"), board_row(function="District nursing")]),
    )

    assert sord_import_progress(sord_import) == {
        "state": "queued",
        "rows_total": 3,
        "rows_done": 0,
        "percent": 0,
        "report": {},
    }
    SordImport.objects.filter(pk=sord_import.pk).update(state=ImportState.RUNNING, rows_done=2)
    assert sord_import_progress(sord_import) == {
        "state": "running",
        "rows_total": 3,
        "rows_done": 2,
        "percent": 66,
        "report": {},
    }

    sord_import_run(sord_import.pk)

    assert sord_import_progress(sord_import) == {
        "state": "succeeded",
        "rows_total": 3,
        "rows_done": 3,
        "percent": 100,
        "report": {
            "status": "in_force",
            "created": {"delegations": 1, "sub_delegations": 0, "reserved_matters": 0},
            "errors": [],
        },
    }


def test_rows_done_move_as_the_import_goes(scheme):
    rows = [
        board_row(delegated_to=name)
        for name in ("Northtown Locality Board", "Northtown Council", "Place-based lead")
    ]
    sord_import = start(scheme, csv_file(rows))
    seen = []
    from delegations.services import core

    real = core.delegation_create

    def watching(**kwargs):
        seen.append(SordImport.objects.get(pk=sord_import.pk).rows_done)
        return real(**kwargs)

    with mock.patch.object(core, "delegation_create", watching):
        sord_import_run(sord_import.pk)

    assert seen == [0, 1, 2]
