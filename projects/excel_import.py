"""The all-or-nothing import: the whole file is checked first, through the services' own validators, and
nothing is written unless every row is valid; then it writes through the services in one transaction."""

import contextlib
import datetime
import io
import itertools
import logging
import re
import uuid
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from khuyencong import cachekeys, numbers
from khuyencong.text import fold, nfc
from projects import ceilings, rules, services, tax_codes
from projects import money as money_vocabulary
from projects.excel_common import (
    ACTIVITY_SHEET,
    BACKGROUND_MAX_BYTES,
    BACKGROUND_MAX_ROWS,
    BACKGROUND_MAX_UNPACKED_BYTES,
    BENEFICIARY_KINDS,
    BENEFICIARY_KINDS_BY_TEXT,
    FUNDS_BY_TEXT,
    GROUPED,
    KIND_ORDER,
    MAX_AMOUNT,
    MAX_BLANK_RUN,
    MAX_BYTES,
    MAX_REPORTED_ERRORS,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MONEY_COLUMNS,
    MONEY_KINDS_BY_TEXT,
    MONEY_SHEET,
    PROJECT_COLUMNS,
    PROJECT_SHEET,
    PROVINCE_SHEET,
    TAX_CODE,
    Column,
    unpacked_bytes,
)
from projects.models import Beneficiary, MoneyEntry, Project
from provinces import selectors as province_selectors
from provinces.models import ActivityContent, CodeSet, Province, Unit, User

logger = logging.getLogger(__name__)


class ImportErrors(Exception):
    """The file was refused; nothing was imported. `errors`: dicts of sheet, row, column and message."""

    def __init__(self, errors: list[dict]):
        if len(errors) > MAX_REPORTED_ERRORS:
            hidden = len(errors) - MAX_REPORTED_ERRORS
            errors = errors[:MAX_REPORTED_ERRORS] + [
                _error("", 0, "", _("… and %(count)s more errors not shown.") % {"count": hidden})
            ]
        self.errors = errors
        super().__init__("; ".join(_describe(error) for error in errors[:5]))


def _error(sheet: str, row: int, column: str, message: str) -> dict:
    return {"sheet": sheet, "row": row, "column": column, "message": str(message)}


def _describe(error: dict) -> str:
    where = " ".join(str(part) for part in (error["sheet"], error["row"] or "", error["column"]) if part)
    return f"{where}: {error['message']}" if where else error["message"]


class _Invalid(Exception):
    """A cell's value cannot be read as what its column holds; the message says what to enter."""


@dataclass
class _ProjectRow:
    row: int
    code: str
    data: dict
    beneficiary: dict | None
    existing: Project | None


@dataclass
class _MoneyRow:
    row: int
    project: Project
    kind: str
    amount: Decimal
    date: datetime.date
    note: str
    skip: bool = field(default=False)


@dataclass(frozen=True)
class _Limits:
    bytes: int
    unpacked_bytes: int
    rows: int


IN_REQUEST = _Limits(MAX_BYTES, MAX_UNPACKED_BYTES, MAX_ROWS)
IN_BACKGROUND = _Limits(BACKGROUND_MAX_BYTES, BACKGROUND_MAX_UNPACKED_BYTES, BACKGROUND_MAX_ROWS)


def import_workbook(
    uploaded_file,
    *,
    by: User,
    on_progress: Callable[[str, int, int], None] | None = None,
    background: bool = False,
) -> dict:
    """Import projects (as drafts) and money entries (on approved projects) from the template.

    All or nothing: every row is checked first and ImportErrors lists every problem; a service refusing
    a row while writing rolls the whole file back. Idempotent: existing codes and identical money entries
    are left alone. Returns the counts of created projects, already present projects and money entries.
    on_progress(stage, rows done, rows in all): "checking" every PROGRESS_EVERY rows checked, then "saving"
    from 0 every PROGRESS_EVERY rows written (those calls come inside the import's transaction).
    background: the Celery task's larger limits of size and rows (BACKGROUND_MAX_*), not the request's.
    """
    if not rules.is_editor(by):
        raise PermissionDenied(_("Only provincial officers import projects."))
    limits = IN_BACKGROUND if background else IN_REQUEST
    # provinces' families and the ceilings in force do not change during one import: read each once, not
    # per row (50,000 rows made 200,000 queries of them)
    with province_selectors.families_remembered(), ceilings.rows_remembered():
        return _import(uploaded_file, by=by, report=on_progress or (lambda _stage, _done, _total: None), limits=limits)


def _import(uploaded_file, *, by: User, report: Callable[[str, int, int], None], limits: _Limits) -> dict:
    content = _read_upload(uploaded_file, limits)
    project_rows, money_rows = _read_workbook(content, limits)
    total = len(project_rows) + len(money_rows)
    report("checking", 0, total)
    errors: list[dict] = []
    projects = _check_projects(project_rows, by=by, errors=errors, tick=lambda n: report("checking", n, total))
    file_codes = {_text(values.get("code")) for _number, values in project_rows}
    first = len(project_rows)
    money = _check_money(
        money_rows, file_codes=file_codes, by=by, errors=errors, tick=lambda n: report("checking", first + n, total)
    )
    if errors:
        errors.sort(key=lambda error: (error["sheet"] != PROJECT_SHEET, error["row"]))
        raise ImportErrors(errors)
    report("saving", 0, total)
    return _apply(projects, money, by=by, tick=lambda n: report("saving", n, total))


# ---- large workbooks: read by a Celery task, progress and result on projects.models.ProjectImport ----------

SYNC_MAX_ROWS = 200  # up to this many data rows (both sheets) the workbook is imported while the officer waits
PROGRESS_EVERY = 100


def import_row_count(upload) -> int:
    """Data rows of the two sheets as the file declares them (cheap: no cell is read); 0 when unreadable
    (the import itself then refuses the file with its own message). A sheet that declares no size (streaming
    writers, openpyxl's write_only among them, leave the dimension out) is counted by reading its rows, as
    far as SYNC_MAX_ROWS + 1: enough to send it to the task, not a read of the whole file in the request."""
    unpacked = unpacked_bytes(upload)
    if unpacked is None or unpacked > MAX_UNPACKED_BYTES:  # not opened here: the reader refuses it with its message
        return 0
    try:
        workbook = load_workbook(upload, read_only=True)
        try:
            wanted = {fold(PROJECT_SHEET), fold(MONEY_SHEET)}
            count = sum(_declared_rows(workbook[name]) for name in workbook.sheetnames if fold(name) in wanted)
        finally:
            workbook.close()
    except Exception:  # noqa: BLE001 - unreadable files are refused by the reader with a clear message
        count = 0
    upload.seek(0)
    return count


def _declared_rows(sheet) -> int:
    if sheet.max_row is not None:
        return max(sheet.max_row - 1, 0)
    rows = sheet.iter_rows(values_only=True)
    return sum(1 for _row in itertools.islice(rows, 1, SYNC_MAX_ROWS + 2))  # after the header row


def runs_in_background(upload) -> bool:
    """Large workbooks go to the task (by rows declared, or by size); a file over the task's size limit is
    refused at once, in the request. The task counts the rows it reads against BACKGROUND_MAX_ROWS itself:
    the declared count includes formatted but empty rows."""
    size = upload.size or 0
    if size > BACKGROUND_MAX_BYTES:
        return False
    return size > MAX_BYTES or import_row_count(upload) > SYNC_MAX_ROWS


def project_import_start(*, upload, by: User):
    """Keep the uploaded workbook and queue its import once the row is committed."""
    from projects import tasks
    from projects.models import ProjectImport

    if not rules.is_editor(by):
        raise PermissionDenied(_("Only provincial officers import projects."))
    job = ProjectImport(
        province=province_selectors.user_province(user=by), original_name=(upload.name or "")[:255], created_by=by
    )
    job.file.save(f"{uuid.uuid4().hex}.xlsx", upload, save=False)
    job.save()
    transaction.on_commit(lambda: tasks.project_import_run.delay(job.pk))
    return job


def project_import_run(*, import_id: int) -> bool:
    """Check every row (progress visible to the job's page), then write all in one transaction, or nothing;
    the errors by sheet, row and column are kept for the page. Claimed by a conditional update, so a task
    delivered twice runs once. The stored file is deleted when the import has finished with it."""
    from projects.models import ProjectImport

    S = ProjectImport.Status
    if ProjectImport.objects.filter(pk=import_id, status=S.QUEUED).update(status=S.CHECKING) != 1:
        return False
    job = ProjectImport.objects.select_related("created_by").get(pk=import_id)

    aside = _ProgressAside(ProjectImport._meta.db_table, import_id)

    def progress(stage: str, done: int, total: int) -> None:
        status = S.SAVING if stage == "saving" else S.CHECKING
        if stage == "saving" and connection.in_atomic_block:
            aside.update(status, min(done, total), total)
        else:
            ProjectImport.objects.filter(pk=import_id).update(
                status=status, rows_done=min(done, total), rows_total=total
            )

    def finish(**fields) -> None:
        if job.file:
            job.file.delete(save=False)
        ProjectImport.objects.filter(pk=import_id).update(file="", finished_at=timezone.now(), **fields)

    try:
        with job.file.open("rb") as handle:
            result = import_workbook(handle, by=job.created_by, on_progress=progress, background=True)
    except ImportErrors as failure:
        finish(status=S.REFUSED, errors=failure.errors)
        return True
    except PermissionDenied as refusal:  # the importer's role changed since the upload
        finish(status=S.REFUSED, errors=[_error("", 0, "", str(refusal))])
        return True
    except Exception as error:
        finish(status=S.FAILED, errors=[_error("", 0, "", type(error).__name__)])
        raise
    finally:
        aside.close()
    job.refresh_from_db(fields=["rows_total"])
    finish(status=S.DONE, result=result, rows_done=job.rows_total)
    return True


class _ProgressAside:
    """Rows saved, written on a second connection of its own: the import's transaction holds the rows
    written so far and would hold this update too, unseen by the job's page until the very end.

    PostgreSQL only: SQLite has one writer, the import, so there the page shows "saving" without a count.
    """

    def __init__(self, table: str, import_id: int):
        self.table, self.import_id, self.connection = table, import_id, None

    def update(self, status: str, done: int, total: int) -> None:
        if connection.vendor != "postgresql":
            return
        if self.connection is None:
            main = connections[DEFAULT_DB_ALIAS]
            self.connection = type(main)(dict(main.settings_dict), alias=DEFAULT_DB_ALIAS)
        with self.connection.cursor() as cursor:  # autocommit: seen by the page at once
            cursor.execute(
                f'UPDATE "{self.table}" SET status = %s, rows_done = %s, rows_total = %s WHERE id = %s',  # noqa: S608
                [status, done, total, self.import_id],
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def _read_upload(uploaded_file, limits: _Limits) -> bytes:
    if isinstance(uploaded_file, bytes | bytearray):
        content = bytes(uploaded_file[: limits.bytes + 1])
    else:
        if hasattr(uploaded_file, "seek"):
            uploaded_file.seek(0)
        content = uploaded_file.read(limits.bytes + 1)
    # the page sends files over MAX_BYTES to the task, so one refused in the request is over the task's limit
    size = max(len(content), getattr(uploaded_file, "size", 0) or 0)
    shown = BACKGROUND_MAX_BYTES if size > BACKGROUND_MAX_BYTES else limits.bytes
    too_big = _("The file is larger than %(mb)s MB; split it into several files.") % {"mb": shown // (1024 * 1024)}
    if len(content) > limits.bytes:
        raise ImportErrors([_error("", 0, "", too_big)])
    if not content:
        raise ImportErrors([_error("", 0, "", _("The file is empty."))])
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportErrors(
            [_error("", 0, "", _("This is an old-format Excel file (.xls): save it as .xlsx and try again."))]
        )
    not_xlsx = _("This file is not an Excel workbook (.xlsx). Download the template and fill it in.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            unpacked = sum(member.file_size for member in members)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportErrors([_error("", 0, "", not_xlsx)]) from None
    if "xl/workbook.xml" not in names:
        raise ImportErrors([_error("", 0, "", not_xlsx)])
    if unpacked > limits.unpacked_bytes:
        raise ImportErrors([_error("", 0, "", too_big)])
    return content


def _read_workbook(content: bytes, limits: _Limits) -> tuple[list[tuple[int, dict]], list[tuple[int, dict]]]:
    """The data rows of both sheets as (row number, {column key: raw value}); structural problems raise."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl fails in many ways (KeyError, XML errors…) on damaged files: a refusal, not a 500
        logger.info("Unreadable workbook uploaded", exc_info=True)
        raise ImportErrors([_error("", 0, "", _("The workbook cannot be read: it may be damaged."))]) from None
    try:
        by_name = {fold(name): name for name in workbook.sheetnames}
        errors, sheets = [], []
        for name, columns in ((PROJECT_SHEET, PROJECT_COLUMNS), (MONEY_SHEET, MONEY_COLUMNS)):
            actual = by_name.get(fold(name))
            if actual is None:
                errors.append(
                    _error(
                        name, 0, "", _("The sheet “%(sheet)s” is missing: use the import template.") % {"sheet": name}
                    )
                )
                continue
            sheets.append((name, workbook[actual], columns))
        if errors:
            raise ImportErrors(errors)
        read, total = [], 0
        for name, sheet, columns in sheets:
            rows = _sheet_rows(name, sheet, columns, errors, already=total, max_rows=limits.rows)
            total += len(rows)
            read.append(rows)
        if errors:
            raise ImportErrors(errors)
        return read[0], read[1]
    except ImportErrors:
        raise
    except Exception:
        logger.info("Unreadable workbook uploaded", exc_info=True)
        raise ImportErrors([_error("", 0, "", _("The workbook cannot be read: it may be damaged."))]) from None
    finally:
        workbook.close()


def _header_key(text) -> str:
    """`Nguồn (KCQG/KCĐP)` and `nguon` name the same column: folded, without the bracketed hint."""
    return fold(str(text or "")).split("(")[0].strip()


def _sheet_rows(
    name: str, sheet, columns: tuple[Column, ...], errors: list, *, already: int, max_rows: int
) -> list[tuple[int, dict]]:
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    positions = {}
    for index, text in enumerate(header):
        key = _header_key(text)
        if key and key not in positions:
            positions[key] = index
    found = {}
    for column in columns:
        index = positions.get(_header_key(column.header))
        if index is not None:
            found[column.key] = index
        elif column.required:
            errors.append(
                _error(
                    name,
                    1,
                    column.header,
                    _("The column “%(column)s” is missing from the header row.") % {"column": column.header},
                )
            )
    if any(error["sheet"] == name for error in errors):
        return []
    read = set(found.values())
    stray: dict[int, list[int]] = defaultdict(list)  # column index → rows with a value under no usable header
    data, blank_run = [], 0
    for number, values in enumerate(rows, start=2):
        for index, value in enumerate(values):
            if index not in read and not _blank(value):
                stray[index].append(number)
        row = {key: values[index] if index < len(values) else None for key, index in found.items()}
        if all(_blank(value) for value in row.values()):
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        if already + len(data) >= max_rows:
            errors.append(
                _error(
                    name,
                    number,
                    "",
                    _("The file has more than %(max)s rows of data; split it into several files.")
                    % {"max": numbers.group_digits(max_rows)},
                )
            )
            break
        data.append((number, row))
    for index, numbers_ in sorted(stray.items()):
        errors.append(_stray_error(name, index, header[index] if index < len(header) else None, numbers_, columns))
    return [] if stray else data


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _stray_error(name: str, index: int, header_text, rows: list[int], columns: tuple[Column, ...]) -> dict:
    """A column whose cells hold values that no header claims (blank, merged into its neighbour, unknown or
    repeated): refused rather than dropped, naming the cells."""
    letter = get_column_letter(index + 1)
    shown = ", ".join(f"{letter}{row}" for row in rows[:10])
    if len(rows) > 10:
        shown += " " + _("and %(count)s more") % {"count": len(rows) - 10}
    known = {_header_key(column.header) for column in columns}
    if _blank(header_text):
        message = _(
            "Cells %(cells)s hold values, but the header cell %(letter)s1 above them is blank or merged with its "
            "neighbour: nothing in them would be imported. Write the template's column name in %(letter)s1 "
            "(unmerge it first) or empty those cells."
        )
    elif _header_key(header_text) in known:
        message = _(
            "Cells %(cells)s hold values under “%(header)s”, a column name already used by an earlier column: "
            "keep one column of each name."
        )
    else:
        message = _(
            "Cells %(cells)s hold values under “%(header)s”, which is not a column of the template: nothing in "
            "them would be imported. Use the template's column names or empty those cells."
        )
    return _error(name, rows[0], letter, message % {"cells": shown, "letter": letter, "header": header_text})


# Cell readers: each returns the value or raises _Invalid with what to enter instead.


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        value = value.strftime("%d/%m/%Y")
    return re.sub(r"\s+", " ", nfc(str(value))).strip()


def _integer(value) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise _Invalid(_("Enter a whole number."))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise _Invalid(_("Enter a whole number."))


def _money(value) -> Decimal | None:
    """Whole đồng from a number cell or from text such as `100000000` or `100.000.000 đ`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise _Invalid(_("Enter a whole amount in đồng."))
    if isinstance(value, float):
        if not value.is_integer():
            raise _Invalid(_("Amounts are whole đồng, without decimals."))
        value = int(value)
    if isinstance(value, str):
        text = re.sub(r"\s|đ$|₫$|vnd$", "", value.strip().lower())
        if GROUPED.match(text):
            text = text.replace(".", "")
        sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
        if not digits.isdigit():
            if re.fullmatch(r"\d+([.,]\d+)?", digits):
                raise _Invalid(_("Amounts are whole đồng, without decimals."))
            raise _Invalid(_("Enter a whole amount in đồng."))
        value = int(sign + digits)
    if not isinstance(value, int | Decimal):
        raise _Invalid(_("Enter a whole amount in đồng."))
    amount = Decimal(value)
    if amount != amount.to_integral_value():
        raise _Invalid(_("Amounts are whole đồng, without decimals."))
    if amount < 0:
        raise _Invalid(_("The amount cannot be negative."))
    if amount > MAX_AMOUNT:
        raise _Invalid(_("The amount is too large."))
    return amount


def _date(value) -> datetime.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool) and 36526 <= value <= 73415:
        day = from_excel(value).date()  # a date typed into a cell formatted as a number: 36526 is 1/1/2000
    elif isinstance(value, str):
        day = None
        for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                day = datetime.datetime.strptime(value.strip(), pattern).date()  # noqa: DTZ007 (a calendar day)
                break
            except ValueError:
                continue
        if day is None:
            raise _Invalid(_("Enter a date as dd/mm/yyyy, for example 31/10/2026."))
    else:
        raise _Invalid(_("Enter a date as dd/mm/yyyy, for example 31/10/2026."))
    if not 2000 <= day.year <= 2100:
        raise _Invalid(_("The date %(date)s is out of range.") % {"date": day.strftime("%d/%m/%Y")})
    return day


class _RowErrors:
    """Collects one row's errors under the column headers of its sheet."""

    def __init__(self, errors: list, sheet: str, row: int, columns: tuple[Column, ...]):
        self.errors, self.sheet, self.row = errors, sheet, row
        self.headers = {column.key: column.header for column in columns}
        self.count = 0

    def add(self, key: str, message) -> None:
        self.errors.append(_error(self.sheet, self.row, self.headers.get(key, ""), message))
        self.count += 1

    def read(self, values: dict, key: str, reader, *, required: bool = False):
        try:
            value = reader(values.get(key))
        except _Invalid as error:
            self.add(key, error.args[0])
            return None
        if required and value in (None, ""):
            self.add(key, _("This column is required."))
        return value


# validate_project_data and project_create speak of model fields; the file speaks of its columns
PROJECT_FIELD_COLUMNS = {
    "title": "title",
    "province": "province_code",
    "implementing_unit": "province_code",
    "plan_year": "plan_year",
    "fund": "fund",
    "activity": "activity",
    "location": "location",
    "start_date": "start_date",
    "end_date": "end_date",
    "approved_support": "approved_support",
    "counterpart": "counterpart",
    "other_sources": "other_sources",
    "code": "code",
}
MONEY_FIELD_COLUMNS = {"kind": "kind", "amount": "amount", "date": "date", "note": "note"}


def _add_validation_errors(row_errors: _RowErrors, error: ValidationError, mapping: dict[str, str]) -> None:
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            for message in messages:
                row_errors.add(mapping.get(name, ""), message)
    else:
        for message in error.messages:
            row_errors.add("", message)


def _current_centre(province: Province, centres: dict[int, Unit]) -> Unit | None:
    """The extension centre that implements a province's projects today: that of the province it is today
    (the merger door), else its own."""
    return centres.get(province_selectors.province_on(province).pk) or centres.get(province.pk)


def _check_projects(
    rows: list[tuple[int, dict]], *, by: User, errors: list, tick: Callable[[int], None]
) -> list[_ProjectRow]:
    provinces = {(p.code, p.code_set): p for p in Province.objects.select_related("successor")}
    activities = {a.code.upper(): a for a in ActivityContent.objects.all()}
    centres = {u.province_id: u for u in Unit.objects.filter(kind=Unit.Kind.EXTENSION_CENTRE)}
    scope = province_selectors.province_ids_in_scope(user=by)
    codes = {_text(values.get("code")) for _number, values in rows} - {""}
    existing = {p.code: p for p in Project.objects.filter(code__in=codes).select_related("province")}
    first_row_of: dict[str, int] = {}
    checked = []
    for index, (number, values) in enumerate(rows):
        if index and index % PROGRESS_EVERY == 0:
            tick(index)
        row = _RowErrors(errors, PROJECT_SHEET, number, PROJECT_COLUMNS)
        code = row.read(values, "code", _text, required=True)
        if code in first_row_of:
            row.add(
                "code",
                _("The code %(code)s is already on row %(row)s of this sheet.")
                % {"code": code, "row": first_row_of[code]},
            )
        elif code:
            first_row_of[code] = number
        title = row.read(values, "title", _text, required=True)
        data: dict = {"code": code, "title": title}  # lengths and the rest: services.validate_project_data
        province_code = row.read(values, "province_code", _integer, required=True)
        code_set = row.read(values, "code_set", _integer) or CodeSet.CODES_2025
        if code_set not in CodeSet.values:
            row.add("code_set", _("The code set is 2004 or 2025."))
        elif province_code is not None:
            province = provinces.get((province_code, code_set))
            if province is None:
                row.add(
                    "province_code",
                    _("No province has code %(code)s in the %(set)s code set (see the sheet “%(sheet)s”).")
                    % {"code": province_code, "set": code_set, "sheet": PROVINCE_SHEET},
                )
            elif not province_selectors.scope_allows(scope, province.pk):
                row.add(
                    "province_code",
                    _("%(province)s is outside your province: you can import only your own province's projects.")
                    % {"province": province.name},
                )
            else:
                data["province"] = province
                unit = _current_centre(province, centres)
                if unit is None:
                    row.add(
                        "province_code",
                        _("%(province)s has no extension centre to implement the project.")
                        % {"province": province.name},
                    )
                else:
                    data["implementing_unit"] = unit
        year = row.read(values, "plan_year", _integer, required=True)
        if year is not None:
            if 2000 <= year <= 2100:
                data["plan_year"] = year
            else:
                row.add("plan_year", _("Plan year %(year)s is outside every extension programme.") % {"year": year})
        fund_text = row.read(values, "fund", _text, required=True)
        if fund_text:
            fund = FUNDS_BY_TEXT.get(fold(fund_text))
            if fund is None:
                row.add(
                    "fund", _("The fund is KCQG (national) or KCĐP (local), not “%(value)s”.") % {"value": fund_text}
                )
            else:
                data["fund"] = fund
        activity_code = row.read(values, "activity", _text, required=True)
        if activity_code:
            activity = activities.get(activity_code.upper())
            if activity is None:
                row.add(
                    "activity",
                    _("Unknown activity content code “%(code)s” (see the sheet “%(sheet)s”).")
                    % {"code": activity_code, "sheet": ACTIVITY_SHEET},
                )
            else:
                data["activity"] = activity
        for key in ("start_date", "end_date"):
            day = row.read(values, key, _date, required=True)
            if day is not None:
                data[key] = day
        for key in ("approved_support", "counterpart", "other_sources"):
            amount = row.read(values, key, _money, required=key == "approved_support")
            if amount is not None:
                data[key] = amount
            elif key != "approved_support":
                data[key] = Decimal(0)
        data["location"] = row.read(values, "location", _text)
        beneficiary = _check_beneficiary(row, values)
        try:
            services.validate_project_data(data)
        except ValidationError as error:
            _add_validation_errors(row, error, PROJECT_FIELD_COLUMNS)
        present = existing.get(code)
        if present is not None and not province_selectors.scope_allows(scope, present.province_id):
            row.add("code", _("The code %(code)s belongs to a project of another province.") % {"code": code})
        if row.count == 0:
            checked.append(_ProjectRow(number, code, data, beneficiary, present))
    return checked


def _check_beneficiary(row: _RowErrors, values: dict) -> dict | None:
    name = row.read(values, "beneficiary_name", _text)
    tax_code = row.read(values, "tax_code", _text).replace(" ", "")
    kind_text = row.read(values, "beneficiary_kind", _text)
    if not name:
        if tax_code or kind_text:
            row.add("beneficiary_name", _("Enter the beneficiary's name with its tax code or kind."))
        return None
    if len(name) > 255:
        row.add("beneficiary_name", _("The name is longer than 255 characters."))
    if tax_code and not TAX_CODE.match(tax_code):
        row.add(
            "tax_code",
            _(
                "A tax code has 10 digits, or 13 for a branch (0312345678-001); format the column as text so "
                "leading zeros are kept."
            ),
        )
    elif tax_code:
        try:
            tax_code = tax_codes.normalise(tax_code)  # the check digit, as on the form
        except ValidationError as error:
            row.add("tax_code", error.messages[0])
    kind = BENEFICIARY_KINDS_BY_TEXT.get(fold(kind_text))
    if kind is None:
        row.add(
            "beneficiary_kind",
            _("Enter the kind of establishment: %(kinds)s.") % {"kinds": ", ".join(BENEFICIARY_KINDS.values())},
        )
    return {"name": name, "tax_code": tax_code, "kind": kind}


def _check_money(
    rows: list[tuple[int, dict]], *, file_codes: set[str], by: User, errors: list, tick: Callable[[int], None]
) -> list[_MoneyRow]:
    """Money rows for approved projects in the importer's scope, within the approved support.

    A code of the file's project sheet that is not stored yet is a draft to be: not approved.
    """
    codes = {_text(values.get("code")) for _number, values in rows} - {""}
    known = {
        p.code: p
        for p in province_selectors.scope_for_user(Project.objects.filter(code__in=codes), user=by).select_related(
            "province"
        )
    }
    checked: list[_MoneyRow] = []
    today = timezone.localdate()
    for index, (number, values) in enumerate(rows):
        if index and index % PROGRESS_EVERY == 0:
            tick(index)
        row = _RowErrors(errors, MONEY_SHEET, number, MONEY_COLUMNS)
        code = row.read(values, "code", _text, required=True)
        project = known.get(code)
        if code and project is None:
            if code in file_codes:
                row.add(
                    "code",
                    _("Project %(code)s has not been approved yet: money can be recorded only on an approved project.")
                    % {"code": code},
                )
            else:
                row.add(
                    "code",
                    _("No project with code %(code)s in this file or among your province's projects.") % {"code": code},
                )
        elif project is not None and project.status not in rules.MONEY_STATUSES:
            if project.status in rules.NOT_YET_APPROVED:
                row.add(
                    "code",
                    _("Project %(code)s has not been approved yet: money can be recorded only on an approved project.")
                    % {"code": code},
                )
            else:
                row.add(
                    "code",
                    _("Project %(code)s is %(status)s: money can no longer be recorded on it.")
                    % {"code": code, "status": project.get_status_display()},
                )
        kind_text = row.read(values, "kind", _text, required=True)
        kind = MONEY_KINDS_BY_TEXT.get(fold(kind_text)) if kind_text else None
        if kind_text and kind is None:
            row.add(
                "kind", _("The kind is “tạm ứng”, “giải ngân” or “quyết toán”, not “%(value)s”.") % {"value": kind_text}
            )
        amount = row.read(values, "amount", _money, required=True)
        if amount is not None and amount == 0:
            row.add("amount", _("The amount must be greater than zero."))
        day = row.read(values, "date", _date, required=True)
        if day is not None and day > today:
            row.add("date", _("The date cannot be in the future."))
        note = row.read(values, "note", _text)
        if len(note) > 255:
            row.add("note", _("The note is longer than 255 characters."))
        if row.count == 0:
            checked.append(_MoneyRow(number, project, kind, amount, day, note))
    _check_totals(checked, errors)
    return checked


def _check_totals(rows: list[_MoneyRow], errors: list) -> None:
    """Mark rows identical to stored entries as skipped, then check each kind's total stays within support.

    Rows are checked (and later written) advances first, then disbursements, then settlements, so a
    settlement in the file can rely on a disbursement of the same file.
    """
    project_ids = {row.project.pk for row in rows}
    stored = Counter()
    totals: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for entry in MoneyEntry.objects.filter(project_id__in=project_ids).values("project_id", "kind", "amount", "date"):
        stored[(entry["project_id"], entry["kind"], entry["amount"], entry["date"])] += 1
        totals[(entry["project_id"], entry["kind"])] += entry["amount"]
    rows.sort(key=lambda row: (KIND_ORDER.index(row.kind), row.row))
    for row in rows:
        key = (row.project.pk, row.kind, row.amount, row.date)
        if stored[key] > 0:  # already recorded, by an earlier import of this file or by hand
            stored[key] -= 1
            row.skip = True
            continue
        total = totals[(row.project.pk, row.kind)] + row.amount
        header = MONEY_COLUMNS[2].header
        if total > row.project.approved_support:
            errors.append(
                _error(
                    MONEY_SHEET,
                    row.row,
                    header,
                    money_vocabulary.ceiling_message(kind=row.kind, total=total, support=row.project.approved_support),
                )
            )
        elif row.kind == MoneyEntry.Kind.SETTLEMENT and total > totals[(row.project.pk, MoneyEntry.Kind.DISBURSEMENT)]:
            errors.append(
                _error(MONEY_SHEET, row.row, header, _("The settlement cannot exceed what has been disbursed."))
            )
        else:
            totals[(row.project.pk, row.kind)] = total  # a refused row does not count against the next ones


def _apply(projects: list[_ProjectRow], money: list[_MoneyRow], *, by: User, tick: Callable[[int], None]) -> dict:
    created = present = recorded = 0
    written = 0

    def one_more() -> None:
        nonlocal written
        written += 1
        if written % PROGRESS_EVERY == 0:
            tick(written)

    matched: dict[tuple, Beneficiary] = {}
    try:
        with transaction.atomic():
            cachekeys.bump()  # once for the whole workbook: the services' bumps join this one
            for row in projects:
                one_more()
                if row.existing is not None:
                    present += 1
                    continue
                with _refusal(PROJECT_SHEET, row.row, PROJECT_COLUMNS, PROJECT_FIELD_COLUMNS):
                    beneficiaries = None
                    if row.beneficiary:
                        beneficiaries = [_beneficiary(row.beneficiary, matched)]
                    services.project_create(by=by, data=row.data, beneficiaries=beneficiaries, code=row.code)
                created += 1
            for row in money:
                one_more()
                if row.skip:
                    continue
                with _refusal(MONEY_SHEET, row.row, MONEY_COLUMNS, MONEY_FIELD_COLUMNS):
                    services.money_entry_add(
                        project=row.project, by=by, kind=row.kind, amount=row.amount, date=row.date, note=row.note
                    )
                recorded += 1
    except IntegrityError:
        # two people importing the same codes at the same moment: the second one retries and finds them
        raise ImportErrors(
            [_error("", 0, "", _("Someone saved the same records at the same time; nothing was imported. Try again."))]
        ) from None
    return {"created": created, "updated": present, "money": recorded}


def _beneficiary(fields: dict, matched: dict) -> Beneficiary:
    """One service call per establishment of the file: the same one often benefits from several projects."""
    key = (fields["tax_code"],) if fields["tax_code"] else ("", fold(fields["name"]), fields["kind"])
    if key not in matched:
        matched[key] = services.beneficiary_match_or_create(**fields)
    return matched[key]


@contextlib.contextmanager
def _refusal(sheet: str, row: int, columns: tuple[Column, ...], mapping: dict[str, str]):
    """A service refusing one row becomes ImportErrors for that row; the transaction then rolls back."""
    try:
        yield
    except (ValidationError, PermissionDenied) as error:
        errors: list = []
        row_errors = _RowErrors(errors, sheet, row, columns)
        if isinstance(error, ValidationError):
            _add_validation_errors(row_errors, error, mapping)
        else:
            row_errors.add("", str(error) or _("You may not import this row."))
        raise ImportErrors(errors) from error
