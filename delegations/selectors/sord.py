"""Reads for schemes of reservation and delegation (SoRD) spreadsheets: the rows of a scheme drawn
from the registry, the file they make, the names a spreadsheet uses for organisations, bodies and
posts, and how far an upload's import has got.

A scheme's rows, one per delegated or reserved function, in the columns of SORD_COLUMNS:

- a first-level delegation (no parent; its delegator, an organisation, holds the functions by
  statute) gives a row per function it covers: "delegated to" is its delegate, "limit" its own
  limit;
- a sub-delegation of it gives a row per function it covers, with "further delegated to" its
  delegate and "limit" the sub-delegation's limit; the first-level delegation's functions that
  no sub-delegation covers keep their own rows. "from", "to", "statutory basis" are the
  first-level delegation's, since one row carries one period and basis (a sub-delegation's
  narrower period, and the first-level limit of a function that is delegated further, do not
  fit in a row);
- a reserved matter gives a row with "reserved to" its holder, and its note as the statutory basis.

Parties are written by name; a post by its title, or as "Title (Organisation)" when another
record of the system shares its title, so that every name in an exported file identifies one
record when it is imported again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Prefetch, Q

from governance.models import Body
from organisations.models import Organisation, OrganisationArea, PartnershipMembership, Post

from ..choices import ImportState
from ..models import Delegation, DelegationFunction, Function, ReservedMatter, SordImport

__all__ = [
    "SORD_COLUMNS",
    "SORD_IMPORT_NOTE",
    "SORD_PROVENANCE_NOTE",
    "SordParties",
    "sord_export",
    "sord_import_progress",
    "sord_rows",
]

SORD_COLUMNS = (
    "policy area",
    "function",
    "reserved to",
    "delegated to",
    "further delegated to",
    "statutory basis",
    "limit",
    "from",
    "to",
    "source",
)

# The note of a source entry an import adds when a row names its own source ("Imported from …")
# and of the entry it adds when a row names none (the file itself is then the only source). An
# export leaves the latter out, so that a file exported, imported and exported again is unchanged.
SORD_IMPORT_NOTE = "Imported from the spreadsheet {file_name}."
SORD_PROVENANCE_NOTE = "The spreadsheet this was imported from; its row named no source."

_FINISHED = {ImportState.SUCCEEDED, ImportState.FAILED}


def name_key(name: str) -> str:
    """How names are matched: exactly, ignoring case and surrounding spaces."""
    return (name or "").strip().casefold()


def _kind(party) -> str:
    if isinstance(party, Organisation):
        return "organisation"
    if isinstance(party, Body):
        return "body"
    return "post"


def _post_owner(post: Post) -> str:
    if post.organisation_id is not None:
        return post.organisation.name
    return post.area.name if post.area_id is not None else ""


class SordParties:
    """The organisations, bodies and posts of some systems, by the names a spreadsheet gives them.

    An organisation belongs to a system when it serves one of the system's areas or is a partner
    in it; a body by its system; a post by its area's system or its organisation's. A post is
    known by its title and by "Title (Organisation)" (or "Title (Area)" for a post of an area).
    Loaded once, in a fixed number of queries, whatever the number of rows.
    """

    def __init__(self, system_ids: Iterable[int]):
        system_ids = sorted(set(system_ids))
        self._by_name: dict[tuple[int, str], list] = defaultdict(list)

        org_systems: dict[int, set[int]] = defaultdict(set)
        for org_id, system_id in OrganisationArea.objects.filter(area__system_id__in=system_ids).values_list(
            "organisation_id", "area__system_id"
        ):
            org_systems[org_id].add(system_id)
        for org_id, system_id in PartnershipMembership.objects.filter(system_id__in=system_ids).values_list(
            "organisation_id", "system_id"
        ):
            org_systems[org_id].add(system_id)

        for org in Organisation.objects.filter(pk__in=list(org_systems)).only("id", "name"):
            for system_id in org_systems[org.pk]:
                self._add(system_id, org.name, org)

        for body in Body.objects.filter(system_id__in=system_ids).only("id", "name", "system_id"):
            self._add(body.system_id, body.name, body)

        posts = Post.objects.filter(
            Q(area__system_id__in=system_ids) | Q(organisation_id__in=list(org_systems))
        ).select_related("organisation", "area")
        for post in posts:
            systems = set(org_systems.get(post.organisation_id, ())) if post.organisation_id else set()
            if post.area_id is not None and post.area.system_id in system_ids:
                systems.add(post.area.system_id)
            owner = _post_owner(post)
            for system_id in systems:
                self._add(system_id, post.title, post)
                if owner:
                    self._add(system_id, f"{post.title} ({owner})", post)

    def _add(self, system_id: int, name: str, party) -> None:
        key = (system_id, name_key(name))
        if not any(type(p) is type(party) and p.pk == party.pk for p in self._by_name[key]):
            self._by_name[key].append(party)

    def find(
        self, system_id: int, name: str, kinds: Iterable[str] = ("organisation", "body", "post")
    ) -> list:
        """Every record of these kinds in the system that the name could mean."""
        kinds = set(kinds)
        return [p for p in self._by_name.get((system_id, name_key(name)), []) if _kind(p) in kinds]

    def label(self, system_id: int, party) -> str:
        """The name to write for a party: its own, or a post's qualified title when the plain one
        would be ambiguous in the system."""
        plain = party.title if isinstance(party, Post) else party.name
        if not isinstance(party, Post):
            return plain
        if len(self._by_name.get((system_id, name_key(plain)), [])) <= 1:
            return plain
        owner = _post_owner(party)
        return f"{plain} ({owner})" if owner else plain

    @staticmethod
    def describe(party) -> str:
        """A party in words, for messages: "the body Stockport Locality Board"."""
        if isinstance(party, Post):
            owner = _post_owner(party)
            return f"the post {party.title} ({owner})" if owner else f"the post {party.title}"
        return f"the {_kind(party)} {party.name}"


# --- Rows -------------------------------------------------------------------------------------


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _money(value: Decimal | None) -> str:
    return f"£{value:,.2f}" if value is not None else ""


def _source_text(sources) -> str:
    parts = []
    for item in sources or []:
        if not isinstance(item, dict) or item.get("note") == SORD_PROVENANCE_NOTE:
            continue
        text = " ".join(str(item.get(key) or "").strip() for key in ("document", "section")).strip()
        if text and text not in parts:
            parts.append(text)
    return "; ".join(parts)


def _delegates_q() -> list[str]:
    return [
        "delegate_organisation",
        "delegate_body",
        "delegate_post__organisation",
        "delegate_post__area",
    ]


def sord_rows(*, area=None, system=None, on: dt.date | None = None) -> list[dict]:
    """The scheme of reservation and delegation of an area (or a system, or everywhere), as rows
    with the keys of SORD_COLUMNS in that order, all text; on a date, only what covered it.
    Sorted by policy area, function, then the other columns. A fixed number of queries."""
    delegations = Delegation.objects.filter(parent__isnull=True, delegator_organisation__isnull=False)
    reserved = ReservedMatter.objects.all()
    children = Delegation.objects.all()
    if area is not None:
        delegations = delegations.filter(area=area)
        reserved = reserved.filter(area=area)
    if system is not None:
        delegations = delegations.filter(area__system=system)
        reserved = reserved.filter(area__system=system)
    if on is not None:
        delegations = delegations.as_at(on)
        reserved = reserved.as_at(on)
        children = children.as_at(on)
    links = DelegationFunction.objects.only("delegation_id", "function_id").order_by("pk")
    children = children.select_related(*_delegates_q()).prefetch_related(
        Prefetch("function_links", queryset=links)
    )
    delegations = list(
        delegations.select_related("area", *_delegates_q()).prefetch_related(
            Prefetch("function_links", queryset=links),
            Prefetch("children", queryset=children.order_by("pk")),
        )
    )
    reserved = list(reserved.select_related("area", "reserved_to_organisation", "reserved_to_body"))

    functions = {f.pk: f for f in Function.objects.only("id", "name", "ancestor_ids")}

    def policy_area(function: Function) -> str:
        top = functions.get(function.ancestor_ids[0]) if function.ancestor_ids else function
        return top.name if top is not None else ""

    system_ids = {d.area.system_id for d in delegations} | {
        m.area.system_id for m in reserved if m.area_id is not None
    }
    parties = SordParties(system_ids)

    rows = []

    def add(
        function_id, *, reserved_to="", delegated_to="", further="", basis="", limit="", start, end, sources
    ):
        function = functions[function_id]
        rows.append(
            dict(
                zip(
                    SORD_COLUMNS,
                    (
                        policy_area(function),
                        function.name,
                        reserved_to,
                        delegated_to,
                        further,
                        basis,
                        limit,
                        _date(start),
                        _date(end),
                        _source_text(sources),
                    ),
                    strict=True,
                )
            )
        )

    for delegation in delegations:
        system_id = delegation.area.system_id
        delegate = parties.label(system_id, delegation.delegate)
        further_covered = set()
        for child in delegation.children.all():
            for link in child.function_links.all():
                further_covered.add(link.function_id)
                add(
                    link.function_id,
                    delegated_to=delegate,
                    further=parties.label(system_id, child.delegate),
                    basis=delegation.statutory_basis,
                    limit=_money(child.financial_limit),
                    start=delegation.start_date,
                    end=delegation.end_date,
                    sources=delegation.sources,
                )
        for link in delegation.function_links.all():
            if link.function_id in further_covered:
                continue
            add(
                link.function_id,
                delegated_to=delegate,
                basis=delegation.statutory_basis,
                limit=_money(delegation.financial_limit),
                start=delegation.start_date,
                end=delegation.end_date,
                sources=delegation.sources,
            )
    for matter in reserved:
        holder = matter.reserved_to_body or matter.reserved_to_organisation
        add(
            matter.function_id,
            reserved_to=holder.name,
            basis=matter.note,
            start=matter.start_date,
            end=matter.end_date,
            sources=matter.sources,
        )
    rows.sort(key=lambda row: tuple(row[column].casefold() for column in SORD_COLUMNS))
    return rows


# --- Files ------------------------------------------------------------------------------------

_FORMULA_STARTS = ("=", "+", "-", "@")


def _csv_cell(value: str) -> str:
    # A spreadsheet program would run a cell starting like a formula; a leading tab keeps it text,
    # and an import strips it again.
    return "\t" + value if value.startswith(_FORMULA_STARTS) else value


def sord_export(rows: list[dict], fmt: str) -> bytes:
    """The rows as a file: "csv" (UTF-8 with a byte-order mark, so spreadsheet programs read "£")
    or "xlsx" (one sheet, every cell text)."""
    if fmt == "csv":
        out = io.StringIO(newline="")
        writer = csv.writer(out)
        writer.writerow(SORD_COLUMNS)
        for row in rows:
            writer.writerow([_csv_cell(str(row.get(column) or "")) for column in SORD_COLUMNS])
        return out.getvalue().encode("utf-8-sig")
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Scheme of delegation"
        for col, column in enumerate(SORD_COLUMNS, start=1):
            cell = sheet.cell(row=1, column=col, value=column)
            cell.font = Font(bold=True)
        for r, row in enumerate(rows, start=2):
            for col, column in enumerate(SORD_COLUMNS, start=1):
                value = str(row.get(column) or "")
                if not value:
                    continue
                cell = sheet.cell(row=r, column=col)
                cell.value = value
                cell.data_type = "s"  # text, even when it starts like a formula
        for col, width in zip("ABCDEFGHIJ", (24, 36, 24, 30, 30, 30, 16, 12, 12, 30), strict=True):
            sheet.column_dimensions[col].width = width
        sheet.freeze_panes = "A2"
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
    raise ValueError(f"Unknown spreadsheet format {fmt!r}: use csv or xlsx.")


# --- Imports ----------------------------------------------------------------------------------


def sord_import_progress(sord_import: SordImport) -> dict:
    """How far an upload's import has got, read afresh: state, rows_total, rows_done, percent (0-100)
    and the report (empty until it finishes). Rows done are written while the import is still
    running, outside its transaction, so a poller sees them move."""
    row = (
        SordImport.objects.filter(pk=sord_import.pk)
        .values("state", "rows_total", "rows_done", "report")
        .first()
    )
    if row is None:
        row = {"state": sord_import.state, "rows_total": sord_import.rows_total, "rows_done": 0, "report": {}}
    total, done = row["rows_total"], min(row["rows_done"], row["rows_total"])
    finished = row["state"] in _FINISHED
    if finished:
        percent = 100
    else:
        percent = (done * 100) // total if total else 0
    report = row["report"] or {}
    return {
        "state": row["state"],
        "rows_total": total,
        "rows_done": total if finished and row["state"] == ImportState.SUCCEEDED else done,
        "percent": percent,
        "report": report if finished else {},
    }
