"""Importing a scheme of reservation and delegation (SoRD) spreadsheet.

The file
    CSV (UTF-8, a byte-order mark allowed) or XLSX (the first sheet), at most 5 MB, whose first row
    names exactly these columns, in this order (matched ignoring case and surrounding spaces):
    policy area, function, reserved to, delegated to, further delegated to, statutory basis, limit,
    from, to, source. Every later row that is not blank is one delegated or reserved function.

What an upload says
    It is imported into one area chosen at upload (a locality or a system footprint), and the
    delegations it creates take the status chosen at upload (in force unless said otherwise).

    - "policy area" names a top-level function and "function" a function within it (or the policy
      area itself); a name that matches none, or more than one, is refused.
    - "reserved to" names an organisation or body of the area's system: the function is reserved to
      it for the area (a reserved matter; "delegated to" and "further delegated to" stay empty).
    - "delegated to" names a body, post or organisation of the area's system (exact name, any case;
      a post may be written "Title (Organisation)"). It receives a first-level delegation from the
      function's statutory holder for the area on the "from" date (the holding of the function, or
      of a wider function covering it, for the area or an area containing it, or for England).
      Rows with the same holder, delegate, dates and statutory basis form one delegation covering
      all their functions, made under the scheme of delegation; their "limit" is its limit, so
      rows with different limits make different delegations. It permits onward delegation when one
      of its rows has a further delegate.
    - "further delegated to" names who that first-level delegate passes the row's function on to: a
      sub-delegation under it, for the row's period and on its statutory basis (rows with the same
      further delegate and limit under one first-level delegation form one sub-delegation). A row with a further delegate belongs to the first-level
      delegation of the rows without one that share its delegate, dates and basis, when exactly one
      such delegation exists; otherwise to one with no limit of its own.
    - "limit" is in pounds ("£1,000,000", "1000000.00"; empty for none) and applies to the deepest
      link of the row: the sub-delegation when there is a further delegate, else the delegation.
    - "from" and "to" are dates, YYYY-MM-DD or DD/MM/YYYY. An empty "to" leaves the period open; an
      empty "from" is a start the scheme does not record, which only a holder whose own start is
      not recorded can have made (as the export writes such a delegation).
    - "statutory basis" is the delegation's statutory basis (a reserved matter's note).
    - "source" is recorded as the source of what the row creates ({"document": <text>} with a note
      naming the file; several sources may be separated by "; "); a row naming none cites the file.

All or nothing
    Every row is checked by creating what it says through the same services as every other write
    (reserved_matter_create, delegation_create), in one transaction, under the uploader's name. If
    any row is refused, the whole transaction is rolled back and the report lists every refused row
    with the column and the reason: {"row": 7, "column": "delegated to", "message": "..."} (rows are
    numbered as a spreadsheet program numbers them: the column names are row 1). Nothing is saved
    when any row is bad.

Running
    sord_import_start checks the file at once (size, kind, columns, rows) and queues the import;
    the Celery task run_sord_import calls sord_import_run, which may be run any number of times: an
    import that has finished, or is being run elsewhere, is not run again. Rows done are written
    on a second database connection as the import goes, so that whoever polls
    sord_import_progress sees them while the import's own transaction is still open.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone

from governance.models import Body
from ics_registry.history import actor_context
from ics_registry.permissions import ADD, can_write_in_areas
from ics_registry.services import save
from organisations.choices import Tier
from organisations.models import Area, AreaMember, Organisation, Post

from ..choices import DelegationStatus, ImportState, Vehicle
from ..models import Delegation, Function, SordImport, StatutoryHolding
from ..selectors.sord import SORD_COLUMNS, SORD_IMPORT_NOTE, SORD_PROVENANCE_NOTE, SordParties, name_key
from . import core

__all__ = [
    "SORD_MAX_BYTES",
    "SORD_MAX_ROWS",
    "SordFile",
    "sord_import_run",
    "sord_import_start",
    "sord_read",
]

logger = logging.getLogger(__name__)

SORD_MAX_BYTES = 5 * 1024 * 1024
SORD_MAX_ROWS = 20_000
# An XLSX file is a zip: its unpacked parts may be far larger than the file. Beyond this, refuse
# rather than unpack (a small zip can unpack to gigabytes).
_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
IMPORT_STATUSES = (DelegationStatus.PROPOSED, DelegationStatus.AGREED, DelegationStatus.IN_FORCE)

TOO_LARGE = "The file is larger than 5 MB."
NOT_A_SPREADSHEET = "This is not a CSV or XLSX spreadsheet."
EMPTY = "The file is empty."
NO_ROWS = "The file has column names but no rows below them."
TOO_MANY_ROWS = f"The file has more than {SORD_MAX_ROWS:,} rows; split it into smaller files."
UNPACKS_TOO_LARGE = "The spreadsheet is too large once unpacked; split it into smaller files."

# Files that are plainly something else, recognised by their first bytes.
_OTHER_SIGNATURES = (
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"\xd0\xcf\x11\xe0",  # an old binary Office file (XLS, DOC)
    b"\x1f\x8b",  # gzip
    b"BM",
    b"II*\x00",
    b"MM\x00*",
    b"Rar!",
    b"7z\xbc\xaf",
    b"\x7fELF",
    b"MZ",
)


# --- Reading the file -------------------------------------------------------------------------


@dataclass
class SordFile:
    """A spreadsheet read and checked: its data rows, each with its row number in the file."""

    kind: str  # "csv" | "xlsx"
    rows: list[tuple[int, list[str]]]


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _read_xlsx(content: bytes) -> list[list[str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                raise _refuse(NOT_A_SPREADSHEET)
            if sum(info.file_size for info in archive.infolist()) > _MAX_UNPACKED_BYTES:
                raise _refuse(UNPACKS_TOO_LARGE)
    except zipfile.BadZipFile as exc:
        raise _refuse(NOT_A_SPREADSHEET) from exc
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            if not workbook.worksheets:
                raise _refuse(NOT_A_SPREADSHEET)
            sheet = workbook.worksheets[0]
            table = []
            for values in sheet.iter_rows(values_only=True):
                table.append([_xlsx_text(v) for v in values])
                if len(table) > SORD_MAX_ROWS + 1:
                    raise _refuse(TOO_MANY_ROWS)
            return table
        finally:
            workbook.close()
    except ValidationError:
        raise
    except Exception as exc:  # a damaged workbook fails in many ways inside openpyxl and its XML parser
        raise _refuse(NOT_A_SPREADSHEET) from exc


def _read_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refuse(NOT_A_SPREADSHEET) from exc
    if "\x00" in text:
        raise _refuse(NOT_A_SPREADSHEET)
    try:
        table = []
        for values in csv.reader(io.StringIO(text, newline="")):
            table.append(values)
            if len(table) > SORD_MAX_ROWS + 1:
                raise _refuse(TOO_MANY_ROWS)
        return table
    except csv.Error as exc:
        raise _refuse(NOT_A_SPREADSHEET) from exc


def _shown(cells: list[str]) -> str:
    shown = [c if len(c) <= 40 else c[:39] + "…" for c in cells[:12]]
    if len(cells) > 12:
        shown.append("…")
    return ", ".join(shown) if any(shown) else "no column names"


def sord_read(content: bytes) -> SordFile:
    """Read a SoRD spreadsheet, or refuse it (ValidationError keyed "file") when it is too large,
    not a CSV or XLSX file, has other columns, or has no rows."""
    if len(content) > SORD_MAX_BYTES:
        raise _refuse(TOO_LARGE)
    if not content.strip():
        raise _refuse(EMPTY)
    if content.startswith(b"PK\x03\x04"):
        kind, table = "xlsx", _read_xlsx(content)
    elif content.startswith(_OTHER_SIGNATURES):
        raise _refuse(NOT_A_SPREADSHEET)
    else:
        kind, table = "csv", _read_csv(content)

    numbered = [(number, [str(c).strip() for c in cells]) for number, cells in enumerate(table, start=1)]
    numbered = [(number, cells) for number, cells in numbered if any(cells)]
    if not numbered:
        raise _refuse(EMPTY)
    header = numbered[0][1]
    while header and not header[-1]:
        header.pop()
    if [name_key(c) for c in header] != list(SORD_COLUMNS):
        raise _refuse(f"The columns must be: {', '.join(SORD_COLUMNS)}; this file has: {_shown(header)}.")
    rows = numbered[1:]
    if not rows:
        raise _refuse(NO_ROWS)
    return SordFile(kind=kind, rows=rows)


# --- Starting an import -----------------------------------------------------------------------


def _clean_file_name(file_name: str) -> str:
    name = PurePath((file_name or "").replace("\\", "/")).name.strip()
    return (name or "spreadsheet")[:255]


@transaction.atomic
def sord_import_start(
    *, content: bytes, file_name: str, area: Area | None, status: str = DelegationStatus.IN_FORCE, actor
) -> SordImport:
    """Check an uploaded scheme (its size, kind, columns and rows; the area and status), store it
    and queue its import (after this transaction commits). Refused with ValidationError keyed
    "file", "area" or "status"; nothing is stored then."""
    errors: dict[str, str] = {}
    if area is None:
        errors["area"] = "Choose the locality or system footprint the scheme applies to."
    elif area.tier not in (Tier.LOCALITY, Tier.SYSTEM):
        errors["area"] = f"Choose a locality or a system footprint: {area} is neither."
    elif not can_write_in_areas(actor, Delegation, ADD, [area.pk]):
        errors["area"] = f"You do not edit the delegations of {area}."
    if status not in IMPORT_STATUSES:
        errors["status"] = "Choose proposed, agreed or in force."
    sheet = None
    try:
        sheet = sord_read(bytes(content or b""))
    except ValidationError as exc:
        errors.update({key: messages[0] for key, messages in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)

    sord_import = SordImport(
        uploaded_by=actor,
        file_name=_clean_file_name(file_name),
        content=bytes(content),
        area=area,
        state=ImportState.QUEUED,
        rows_total=len(sheet.rows),
        rows_done=0,
        report={"status": str(status)},
    )
    save(sord_import, actor=actor, service="sord_import_start")

    from ..tasks import run_sord_import

    import_id = sord_import.pk
    transaction.on_commit(lambda: run_sord_import.delay(import_id))
    return sord_import


# --- Running an import ------------------------------------------------------------------------

_LOCK_NAMESPACE = 4_172_001  # pg_try_advisory_lock(namespace, import id): one run of an import at a time


def _try_lock(import_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_NAMESPACE, import_id])
        return bool(cursor.fetchone()[0])


def _unlock(import_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_NAMESPACE, import_id])


def _second_connection():
    """A new database session beside Django's own, in autocommit: what it writes is committed at
    once, whatever transaction the main connection has open."""
    main = connections["default"]
    raw = main.Database.connect(**main.get_connection_params())
    raw.autocommit = True
    return raw


class _Progress:
    """Writes rows done as the import goes, on a connection of its own, so that a poller sees them
    while the import's transaction is still open. Called inside an outer transaction (where the
    import row itself may not be committed yet), it writes on the main connection."""

    def __init__(self, import_id: int, total: int):
        self.import_id, self.total = import_id, total
        self.step = max(1, total // 100)
        self.done = self.written = 0
        self.conn = None if connection.in_atomic_block else _second_connection()
        self.sql = (
            f"UPDATE {connection.ops.quote_name(SordImport._meta.db_table)} SET rows_done = %s WHERE id = %s"
        )

    def add(self, rows: int) -> None:
        self.done = min(self.total, self.done + rows)
        if self.done - self.written >= self.step or (self.done == self.total and self.done > self.written):
            self._write()

    def _write(self) -> None:
        self.written = self.done
        if self.conn is None:
            SordImport.objects.filter(pk=self.import_id).update(rows_done=self.done)
            return
        try:
            with self.conn.cursor() as cursor:
                # Never wait long for a lock: progress is worth less than the import.
                cursor.execute("SET lock_timeout = '1s'")
                cursor.execute(self.sql, [self.done, self.import_id])
        except Exception:
            logger.warning("Could not record the progress of SoRD import %s", self.import_id, exc_info=True)
            self.close()

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            finally:
                self.conn = None


def sord_import_run(import_id: int) -> SordImport:
    """Import a queued upload: every row through the services, all or nothing. Sets the state
    (running, then succeeded or failed), rows done as it goes, the report and when it finished.
    Safe to run twice: a finished import, or one running elsewhere, is returned as it is."""
    if not _try_lock(import_id):
        return SordImport.objects.get(pk=import_id)
    try:
        sord_import = SordImport.objects.select_related("area__system", "uploaded_by").get(pk=import_id)
        if sord_import.state in (ImportState.SUCCEEDED, ImportState.FAILED):
            return sord_import
        # Running but not locked: a worker died during an earlier run, whose work was rolled back.
        SordImport.objects.filter(pk=import_id).update(state=ImportState.RUNNING, rows_done=0)
        status = (sord_import.report or {}).get("status") or DelegationStatus.IN_FORCE
        try:
            report = _run(sord_import, status)
        except BaseException:  # the task's time limit, the database going away: record it, then stop
            logger.exception("SoRD import %s stopped", import_id)
            message = "The import stopped before it finished; nothing was imported. Upload the file again."
            try:
                SordImport.objects.filter(pk=import_id).update(
                    state=ImportState.FAILED,
                    finished_at=timezone.now(),
                    report={"status": status, "created": _counts(), "errors": [_error(None, "", message)]},
                )
            except Exception:
                logger.exception("Could not record that SoRD import %s stopped", import_id)
            raise
        failed = bool(report["errors"])
        SordImport.objects.filter(pk=import_id).update(
            state=ImportState.FAILED if failed else ImportState.SUCCEEDED,
            rows_done=sord_import.rows_total,
            report={"status": status, **report},
            finished_at=timezone.now(),
        )
        return SordImport.objects.select_related("area").defer("content").get(pk=import_id)
    finally:
        try:
            _unlock(import_id)
        except Exception:  # the connection is gone, and its session's lock with it
            logger.warning("Could not release the lock of SoRD import %s", import_id, exc_info=True)


def _counts(**counts) -> dict:
    return {"delegations": 0, "sub_delegations": 0, "reserved_matters": 0, **counts}


def _error(row: int | None, column: str, message: str) -> dict:
    return {"row": row, "column": column, "message": message}


class _Rollback(Exception):
    pass


def _run(sord_import: SordImport, status: str) -> dict:
    try:
        sheet = sord_read(bytes(sord_import.content))
    except ValidationError as exc:
        return {
            "created": _counts(),
            "errors": [_error(None, "", m) for ms in exc.message_dict.values() for m in ms],
        }
    if sord_import.area is None:
        message = "The import has no area to apply the scheme to; upload the file again, choosing one."
        return {"created": _counts(), "errors": [_error(None, "", message)]}
    progress = _Progress(sord_import.pk, len(sheet.rows))
    importer = _Importer(sord_import, status, progress)
    try:
        with actor_context(sord_import.uploaded_by, sord_import=sord_import.pk), transaction.atomic():
            importer.run(sheet.rows)
            if importer.errors:
                raise _Rollback
    except _Rollback:
        pass
    finally:
        progress.close()
    errors = sorted(
        importer.errors,
        key=lambda e: (e["row"] or 0, SORD_COLUMNS.index(e["column"]) if e["column"] in SORD_COLUMNS else -1),
    )
    return {"created": _counts() if errors else _counts(**importer.created), "errors": errors}


# --- Reading a row --------------------------------------------------------------------------

_MONEY = re.compile(r"^£?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _limit(text: str) -> Decimal | None:
    if not text:
        return None
    if not _MONEY.match(text):
        raise ValueError('Write the limit in pounds, e.g. "£1,000,000" or "1000000.00".')
    value = Decimal(text.replace("£", "").replace(",", "").strip())
    if value >= Decimal("1e14"):
        raise ValueError("The limit is too large (at most £99,999,999,999,999.99).")
    return value


def _date(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        if m := _DMY.match(text):
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if _ISO.match(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError(f"“{text}” is not a date: write it as YYYY-MM-DD or DD/MM/YYYY (e.g. 2022-07-01).")


def _day(value: dt.date) -> str:
    return value.strftime("%-d %b %Y")


@dataclass
class _Row:
    number: int
    cells: dict[str, str]
    function: Function | None = None
    reserved_to: object = None
    delegate: object = None
    further: object = None
    holder: Organisation | None = None
    limit: Decimal | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    sources: list = field(default_factory=list)
    bad: bool = False


def _party_kwargs(prefix: str, party) -> dict:
    """delegate=<a body> → {"delegate_body": <the body>}."""
    kind = {Organisation: "organisation", Body: "body", Post: "post"}[type(party)]
    return {f"{prefix}_{kind}": party}


def _party_key(party) -> tuple[str, int]:
    return (type(party).__name__, party.pk)


# Which column a service's message is about, for a first-level delegation / a sub-delegation.
_FIRST_LEVEL_COLUMNS = {
    "functions": "function",
    "function": "function",
    "delegator_organisation": "function",
    "delegator_body": "function",
    "delegator_post": "function",
    "delegate_organisation": "delegated to",
    "delegate_body": "delegated to",
    "delegate_post": "delegated to",
    "parent": "delegated to",
    "financial_limit": "limit",
    "start_date": "from",
    "end_date": "to",
    "statutory_basis": "statutory basis",
    "sources": "source",
    "reserved_to_organisation": "reserved to",
    "reserved_to_body": "reserved to",
    "note": "statutory basis",
}
_SUB_COLUMNS = {
    **_FIRST_LEVEL_COLUMNS,
    "delegator_organisation": "delegated to",
    "delegator_body": "delegated to",
    "delegator_post": "delegated to",
    "delegate_organisation": "further delegated to",
    "delegate_body": "further delegated to",
    "delegate_post": "further delegated to",
    "parent": "further delegated to",
}


class _Importer:
    """Checks and creates the rows of one upload (inside the caller's transaction)."""

    def __init__(self, sord_import: SordImport, status: str, progress: _Progress):
        self.sord_import = sord_import
        self.area = sord_import.area
        self.system_id = self.area.system_id
        self.status = status
        self.actor = sord_import.uploaded_by
        self.progress = progress
        self.errors: list[dict] = []
        self.created = defaultdict(int)
        self.file_name = sord_import.file_name

    # -- errors

    def fail(self, row: _Row, column: str, message: str) -> None:
        row.bad = True
        self.errors.append(_error(row.number, column, message))

    def fail_with(self, rows: list[_Row], exc: ValidationError, columns: dict[str, str]) -> None:
        items = (
            [(key, m) for key, ms in exc.message_dict.items() for m in ms]
            if hasattr(exc, "error_dict")
            else [(NON_FIELD_ERRORS, m) for m in exc.messages]
        )
        for row in rows:
            for key, message in items:
                self.fail(row, columns.get(key, ""), message)

    # -- the whole file

    def run(self, numbered_rows: list[tuple[int, list[str]]]) -> None:
        self._load_functions()
        self.parties = SordParties([self.system_id])
        rows, seen = [], set()
        for number, cells in numbered_rows:
            key = tuple(name_key(c) for c in cells)
            while key and not key[-1]:
                key = key[:-1]
            if key in seen:  # a row repeating an earlier one adds nothing
                self.progress.add(1)
                continue
            seen.add(key)
            rows.append(self._read(number, cells))
        self._find_holders([r for r in rows if not r.bad and r.delegate is not None])
        self.progress.add(sum(1 for r in rows if r.bad))

        for row in rows:
            if not row.bad and row.reserved_to is not None:
                self._reserve(row)
                self.progress.add(1)
        for group in self._first_level_groups([r for r in rows if not r.bad and r.delegate is not None]):
            self._delegate(group)
            self.progress.add(len(group))

    # -- one row

    def _load_functions(self) -> None:
        self.functions = {f.pk: f for f in Function.objects.only("id", "name", "parent_id", "ancestor_ids")}
        self.tops: dict[str, list[Function]] = defaultdict(list)
        self.within: dict[int, dict[str, list[Function]]] = defaultdict(lambda: defaultdict(list))
        for function in self.functions.values():
            if function.parent_id is None:
                self.tops[name_key(function.name)].append(function)
            top = function.ancestor_ids[0] if function.ancestor_ids else function.pk
            self.within[top][name_key(function.name)].append(function)

    def _function(self, row: _Row) -> Function | None:
        area_name, name = row.cells["policy area"], row.cells["function"]
        if not area_name:
            self.fail(row, "policy area", "Give the policy area (a top-level function).")
            return None
        tops = self.tops.get(name_key(area_name), [])
        if not tops:
            self.fail(row, "policy area", f"There is no policy area called “{area_name}”.")
            return None
        if not name:
            self.fail(row, "function", "Give the function.")
            return None
        found = self.within[tops[0].pk].get(name_key(name), [])
        if not found:
            self.fail(row, "function", f"There is no function called “{name}” in {tops[0].name}.")
            return None
        if len(found) > 1:
            paths = sorted(self._path(f) for f in found)
            self.fail(row, "function", f"“{name}” could be any of: {'; '.join(paths)}.")
            return None
        return found[0]

    def _path(self, function: Function) -> str:
        names = [self.functions[i].name for i in function.ancestor_ids if i in self.functions]
        return " → ".join([*names, function.name])

    def _party(self, row: _Row, column: str, kinds: tuple[str, ...]):
        name = row.cells[column]
        found = self.parties.find(self.system_id, name, kinds)
        if not found:
            what = "organisation or body" if len(kinds) == 2 else "organisation, body or post"
            self.fail(row, column, f"There is no {what} called “{name}” in {self.area.system.name}.")
            return None
        if len(found) > 1:
            described = "; ".join(sorted(SordParties.describe(p) for p in found))
            self.fail(row, column, f"“{name}” could be any of: {described}. Give a name that identifies one.")
            return None
        return found[0]

    def _read(self, number: int, values: list[str]) -> _Row:
        extra = [v for v in values[len(SORD_COLUMNS) :] if v]
        cells = dict(zip(SORD_COLUMNS, [*values, *[""] * len(SORD_COLUMNS)], strict=False))
        row = _Row(number=number, cells=cells)
        if extra:
            self.fail(row, "", "This row has values beyond the last column (source).")
        row.function = self._function(row)

        reserved, delegated, further = (
            cells["reserved to"],
            cells["delegated to"],
            cells["further delegated to"],
        )
        if reserved and (delegated or further):
            self.fail(
                row,
                "delegated to" if delegated else "further delegated to",
                "A reserved function cannot be delegated: fill in “reserved to” or “delegated to”, not both.",
            )
        elif reserved:
            row.reserved_to = self._party(row, "reserved to", ("organisation", "body"))
            if cells["limit"]:
                self.fail(row, "limit", "A reserved matter has no financial limit.")
        elif delegated:
            row.delegate = self._party(row, "delegated to", ("organisation", "body", "post"))
            if further:
                row.further = self._party(row, "further delegated to", ("organisation", "body", "post"))
        elif further:
            self.fail(
                row,
                "delegated to",
                "Give who the function is delegated to before who it is delegated further to.",
            )
        else:
            self.fail(row, "delegated to", "Give who the function is delegated to, or who it is reserved to.")

        for column, parse, attr in (
            ("limit", _limit, "limit"),
            ("from", _date, "start"),
            ("to", _date, "end"),
        ):
            try:
                setattr(row, attr, parse(cells[column]))
            except ValueError as exc:
                self.fail(row, column, str(exc))
        # An empty "from" is a start the scheme does not record (as the export writes it), not an error.

        texts = [t.strip() for t in cells["source"].split(";") if t.strip()]
        note = SORD_IMPORT_NOTE.format(file_name=self.file_name)
        row.sources = [{"document": t, "note": note} for t in texts] or [
            {"document": self.file_name, "note": SORD_PROVENANCE_NOTE}
        ]
        return row

    # -- statutory holders

    def _area_chain(self) -> list[int]:
        """The import's area, then the areas containing it, nearest first."""
        chain, seen, frontier = [], set(), [self.area.pk]
        while frontier:
            chain.extend(a for a in frontier if a not in seen)
            seen.update(frontier)
            parents = set(
                Area.objects.filter(pk__in=frontier, parent__isnull=False).values_list("parent_id", flat=True)
            )
            footprints = set(
                AreaMember.objects.filter(member_id__in=frontier).values_list("footprint_id", flat=True)
            )
            frontier = sorted((parents | footprints) - seen)
        return chain

    def _find_holders(self, rows: list[_Row]) -> None:
        if not rows:
            return
        chain = self._area_chain()
        wanted = set()
        for row in rows:
            wanted.add(row.function.pk)
            wanted.update(row.function.ancestor_ids)
        holdings = StatutoryHolding.objects.filter(function_id__in=wanted).select_related("holder")
        holdings = [h for h in holdings if h.area_id is None or h.area_id in chain]
        rank_area = {area_id: i for i, area_id in enumerate(chain)}
        for row in rows:
            lineage = [row.function.pk, *reversed(row.function.ancestor_ids)]
            rank_function = {fid: i for i, fid in enumerate(lineage)}

            def holds(holding, row=row):
                if row.start is not None:
                    return holding.in_force_on(row.start)
                # No start recorded: only a holder whose own start is not recorded either can have
                # made it, and it must still hold the function on the row's last day.
                return holding.start_date is None and (row.end is None or holding.in_force_on(row.end))

            candidates = [h for h in holdings if h.function_id in rank_function and holds(h)]
            if not candidates:
                when = f"on {_day(row.start)}" if row.start else "from a date not recorded"
                self.fail(
                    row,
                    "function",
                    f"Nobody holds {row.function.name} by statute for {self.area} {when}: "
                    "its statutory holder must be recorded before it can be delegated.",
                )
                continue
            best = min(
                candidates,
                key=lambda h: (rank_function[h.function_id], rank_area.get(h.area_id, len(chain))),
            )
            row.holder = best.holder

    # -- reserved matters

    def _reserve(self, row: _Row) -> None:
        try:
            core.reserved_matter_create(
                function=row.function,
                area=self.area,
                start_date=row.start,
                end_date=row.end,
                note=row.cells["statutory basis"],
                sources=row.sources,
                actor=self.actor,
                **_party_kwargs("reserved_to", row.reserved_to),
            )
        except ValidationError as exc:
            self.fail_with([row], exc, _FIRST_LEVEL_COLUMNS)
            return
        self.created["reserved_matters"] += 1

    # -- delegations

    def _first_level_groups(self, rows: list[_Row]) -> list[list[_Row]]:
        def base(row: _Row) -> tuple:
            return (row.holder.pk, _party_key(row.delegate), row.start, row.end, row.cells["statutory basis"])

        groups: dict[tuple, list[_Row]] = {}
        for row in rows:
            if row.further is None:
                groups.setdefault((*base(row), row.limit), []).append(row)
        limits_by_base = defaultdict(list)
        for key in groups:
            limits_by_base[key[:-1]].append(key[-1])
        for row in rows:
            if row.further is not None:
                limits = limits_by_base.get(base(row), [])
                limit = limits[0] if len(limits) == 1 else None
                groups.setdefault((*base(row), limit), []).append(row)
        return sorted(groups.values(), key=lambda g: g[0].number)

    def _create(self, rows: list[_Row], make, columns: dict[str, str]):
        """Create one delegation for these rows' functions; when refused, find which rows' functions
        are refused (trying each alone, undone at once), report those, and create it for the rest."""

        def functions_of(some: list[_Row]) -> list[Function]:
            seen: dict[int, Function] = {}
            for row in some:
                seen.setdefault(row.function.pk, row.function)
            return list(seen.values())

        try:
            return make(functions_of(rows))
        except ValidationError as exc:
            first_error = exc
        functions = functions_of(rows)
        if len(functions) == 1:
            self.fail_with(rows, first_error, columns)
            return None
        good: list[_Row] = []
        for function in functions:
            its_rows = [r for r in rows if r.function.pk == function.pk]
            try:
                with transaction.atomic():
                    make([function])
                    raise _Rollback
            except _Rollback:
                good.extend(its_rows)
            except ValidationError as exc:
                self.fail_with(its_rows, exc, columns)
        if len(good) == len(rows):
            self.fail_with(rows, first_error, columns)  # refused together, though each alone is not
            return None
        if not good:
            return None
        try:
            return make(functions_of(good))
        except ValidationError as exc:
            self.fail_with(good, exc, columns)
            return None

    @staticmethod
    def _sources(rows: list[_Row]) -> list[dict]:
        sources = []
        for row in rows:
            for source in row.sources:
                if source not in sources:
                    sources.append(source)
        return sources

    def _delegate(self, rows: list[_Row]) -> None:
        head = rows[0]
        plain = [r for r in rows if r.further is None]
        limit = plain[0].limit if plain else None

        def make(functions):
            return core.delegation_create(
                functions=functions,
                area=self.area,
                vehicle=Vehicle.SCHEME_OF_DELEGATION,
                delegator_organisation=head.holder,
                status=self.status,
                start_date=head.start,
                end_date=head.end,
                financial_limit=limit,
                statutory_basis=head.cells["statutory basis"],
                onward_delegation_permitted=any(r.further is not None for r in rows),
                sources=self._sources(rows),
                actor=self.actor,
                **_party_kwargs("delegate", head.delegate),
            )

        delegation = self._create(rows, make, _FIRST_LEVEL_COLUMNS)
        if delegation is None:
            return
        self.created["delegations"] += 1

        subgroups: dict[tuple, list[_Row]] = {}
        for row in rows:
            if row.further is not None and not row.bad:
                subgroups.setdefault((_party_key(row.further), row.limit), []).append(row)
        for subrows in subgroups.values():
            self._sub_delegate(delegation, head, subrows)

    def _sub_delegate(self, parent: Delegation, head: _Row, rows: list[_Row]) -> None:
        def make(functions):
            return core.delegation_create(
                functions=functions,
                area=self.area,
                vehicle=Vehicle.SCHEME_OF_DELEGATION,
                status=self.status,
                start_date=head.start,
                end_date=head.end,
                financial_limit=rows[0].limit,
                statutory_basis=head.cells["statutory basis"],
                parent=parent,
                onward_delegation_permitted=False,
                sources=self._sources(rows),
                actor=self.actor,
                **_party_kwargs("delegator", head.delegate),
                **_party_kwargs("delegate", rows[0].further),
            )

        if self._create(rows, make, _SUB_COLUMNS) is not None:
            self.created["sub_delegations"] += 1
