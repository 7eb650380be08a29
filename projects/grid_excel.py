"""The period's grid as a spreadsheet: downloaded prefilled, filled offline, uploaded back.

The upload reads each row with the grid's own reader and saves it through the grid's own save
(projects.grid), so it accepts and refuses exactly what the page does. All or nothing: every row is tried
inside one transaction and, if any row is refused, none is kept; the errors name the row and the column.
User text is always written as text, never as a formula.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from khuyencong import cachekeys, numbers, spreadsheets
from khuyencong.text import nfc
from projects import entry_periods, grid
from projects.excel_common import MAX_UNPACKED_BYTES, unpacked_bytes
from provinces.models import User

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = gettext_lazy("This period")
INFO_SHEET = "info"  # machine-read: which period the sheet belongs to
READ_ONLY_FILL = PatternFill("solid", fgColor="E5E7EB")
HEADER_FILL = PatternFill("solid", fgColor="D9E2EC")
HEADER_FONT = Font(bold=True)
MONEY_FORMAT = "#,##0"
TEXT_FORMAT = "@"  # typed dates stay "10/11/2026", never the spreadsheet's own reading of them
MAX_ROWS = 20000


@dataclass(frozen=True)
class Column:
    key: str
    header: object
    width: int
    editable: bool = False


COLUMNS = (
    Column("code", gettext_lazy("Project code"), 20),
    Column("title", gettext_lazy("Project title"), 40),
    Column("support", gettext_lazy("Approved support (VND)"), 18),
    Column("disbursed", gettext_lazy("Disbursed to the cut-off (VND)"), 18),
    Column("last", gettext_lazy("Last period's completion (%)"), 14),
    Column("percent", grid.LABELS["percent"], 14, True),
    Column("narrative", grid.LABELS["narrative"], 40, True),
    Column("difficulties", grid.LABELS["difficulties"], 40, True),
    Column("amount", grid.LABELS["amount"], 18, True),
    Column("date", gettext_lazy("Disbursement date (dd/mm/yyyy)"), 16, True),
    Column("version", gettext_lazy("Version (do not change)"), 10),
)


def _text(sheet, value) -> WriteOnlyCell:
    # "=…" typed by someone stays text: a spreadsheet never runs what a user wrote (the shared rule)
    return spreadsheets.text_cell(sheet, value or "")


def _styled(sheet, value, *, fill=None, number_format=None, text=False) -> WriteOnlyCell:
    cell = _text(sheet, value) if text else WriteOnlyCell(sheet, value=value)
    if fill is not None:
        cell.fill = fill
    if number_format:
        cell.number_format = number_format
    return cell


def period_to_xlsx(rows: list[grid.Row], period) -> bytes:
    """The grid's rows, prefilled with this period's entries; the cells to fill are white, the rest grey."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(SHEET)[:31])
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "C2"
    headers = []
    for column in COLUMNS:
        cell = spreadsheets.text_cell(sheet, str(column.header))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        headers.append(cell)
    sheet.append(headers)
    grey = READ_ONLY_FILL
    for row in rows:
        project, progress = row.project, row.progress
        sheet.append(
            [
                _styled(sheet, project.code, fill=grey, text=True),
                _styled(sheet, project.title, fill=grey, text=True),
                _styled(sheet, int(project.approved_support), fill=grey, number_format=MONEY_FORMAT),
                _styled(sheet, int(project.disbursed), fill=grey, number_format=MONEY_FORMAT),
                _styled(sheet, row.last_percent, fill=grey, text=True),
                _styled(
                    sheet, numbers.format_percent_input(progress.completion_percent) if progress else "", text=True
                ),
                _styled(sheet, progress.narrative if progress else "", text=True),
                _styled(sheet, progress.difficulties if progress else "", text=True),
                _styled(sheet, None, number_format=MONEY_FORMAT),
                _styled(sheet, None, number_format=TEXT_FORMAT),
                _styled(sheet, row.version, fill=grey),
            ]
        )
    info = workbook.create_sheet(INFO_SHEET)
    info.append(["period", entry_periods.period_key(period)])
    info.append(["label", str(period.label)])
    info.sheet_state = "hidden"
    return spreadsheets.workbook_bytes(workbook)


@dataclass
class Outcome:
    saved: int = 0
    rows: int = 0
    errors: list[dict] = field(default_factory=list)  # {"row", "column", "message"}

    @property
    def ok(self) -> bool:
        return not self.errors


def _as_input(key: str, value):
    """A spreadsheet cell as the grid reads typed text: numbers keep their value, days become dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return numbers.format_date(value)
    if isinstance(value, float):
        if key == "amount" and value.is_integer():
            return str(int(value))
        return str(Decimal(str(value))).replace(".", ",")
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value).replace(".", ",")
    return nfc(str(value)).strip()


def _progress_changed(row: grid.Row, values: dict) -> bool:
    stored = grid.values_of(row.progress)
    if values["narrative"] != stored["narrative"] or values["difficulties"] != stored["difficulties"]:
        return True
    try:
        typed = numbers.parse_percent(values["percent"])
    except Exception:  # noqa: BLE001 - anything unreadable is handed to the grid, which names the error
        return True
    current = row.progress.completion_percent if row.progress else None
    return typed != current


def _read(upload) -> tuple[list[tuple[int, dict]], list[dict], object]:
    """(numbered rows of cell values, errors, the period id written in the file)."""
    unpacked = unpacked_bytes(upload)
    if unpacked is not None and unpacked > MAX_UNPACKED_BYTES:  # opening it would read it whole into memory
        message = _("The file unpacks to more than %(mb)s MB; it cannot be a period's sheet.") % {
            "mb": MAX_UNPACKED_BYTES // (1024 * 1024)
        }
        return [], [{"row": "", "column": "", "message": message}], None
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - a broken or foreign file: one clear message
        return [], [{"row": "", "column": "", "message": _("This is not an Excel (.xlsx) file.")}], None
    period_id = None
    if INFO_SHEET in workbook.sheetnames:
        for key, value, *_rest in workbook[INFO_SHEET].iter_rows(min_row=1, max_row=2, values_only=True):
            if key == "period":
                period_id = value
    sheet = workbook.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = [str(value or "").strip() for value in next(lines, ())]
    positions = {}
    errors = []
    for column in COLUMNS:
        if str(column.header) in header:
            positions[column.key] = header.index(str(column.header))
        elif column.editable or column.key in ("code", "version"):
            errors.append(
                {"row": 1, "column": str(column.header), "message": _("This column is missing from the first row.")}
            )
    if errors:
        return [], errors, period_id
    rows = []
    for number, line in enumerate(lines, start=2):
        if number - 1 > MAX_ROWS:
            errors.append({"row": number, "column": "", "message": _("The file has too many rows.")})
            break
        values = {key: (line[index] if index < len(line) else None) for key, index in positions.items()}
        if all(value in (None, "") for value in values.values()):
            continue
        rows.append((number, values))
    return rows, errors, period_id


def period_from_xlsx(upload, *, user: User, period, dry_run: bool = False, on_progress=None) -> Outcome:
    """Read an uploaded period sheet and save every row, or none.

    dry_run: check each row by saving it in a transaction of its own that is always rolled back (nothing is
    kept, and `on_progress(done, total)` can report between rows); the background import checks this way,
    then saves for real in one transaction."""
    header = {column.key: str(column.header) for column in COLUMNS}
    lines, errors, period_id = _read(upload)
    outcome = Outcome(rows=len(lines), errors=errors)
    if errors:
        return outcome
    if period_id is not None and str(period_id) != entry_periods.period_key(period):
        outcome.errors.append(
            {"row": "", "column": "", "message": _("This file was downloaded for another period; download this one's.")}
        )
        return outcome
    by_code = {row.project.code: row for row in grid.rows_for(user=user, period=period)}
    seen = {}

    def one(number, cells):
        code = str(cells.get("code") or "").strip()
        row = by_code.get(code)
        if row is None:
            message = _("%(code)s is not among your projects due in this period.") % {"code": code or "—"}
            return [{"row": number, "column": header["code"], "message": message}], False
        if code in seen:
            message = _("The same project is already on row %(n)s.") % {"n": seen[code]}
            return [{"row": number, "column": header["code"], "message": message}], False
        seen[code] = number
        values = {key: _as_input(key, cells.get(key)) for key in grid.CELLS}
        sections = set()
        if _progress_changed(row, values):
            sections.add("progress")
        if values["amount"] or values["date"]:
            sections.add("money")
        if not sections:
            return [], False
        try:
            version = int(cells.get("version") or 0)
        except (TypeError, ValueError):
            version = -1  # refused as stale: the row's version cannot be trusted
        result = grid.save(
            project=row.project,
            period=period,
            by=user,
            values=values,
            sections=sections,
            expected_version=version,
            entry_key=f"xlsx-{row.pk}-{grid.new_entry_key()}",
        )
        problems = [{"row": number, "column": header.get(c, c), "message": m} for c, m in result.errors.items()]
        if result.row_error:
            problems.append({"row": number, "column": "", "message": result.row_error})
        return problems, result.ok

    if dry_run:
        for done, (number, cells) in enumerate(lines, start=1):
            with transaction.atomic():
                problems, _saved = one(number, cells)
                transaction.set_rollback(True)
            outcome.errors.extend(problems)
            if on_progress is not None and (done % 25 == 0 or done == len(lines)):
                on_progress(done, len(lines))
        return outcome
    with transaction.atomic():
        cachekeys.bump()  # once for the whole upload: the services' bumps join this one
        for number, cells in lines:
            problems, saved = one(number, cells)
            outcome.errors.extend(problems)
            outcome.saved += int(saved)
        if outcome.errors:
            transaction.set_rollback(True)  # all or nothing
            outcome.saved = 0
    return outcome


# ---- large files: in the background -----------------------------------------------------------------

SYNC_MAX_ROWS = 200  # up to this many rows the upload is read while the officer waits


def row_count(upload) -> int:
    """The sheet's row count as the file declares it (cheap: no cell is read); 0 for a file too large to open
    here (the reader then refuses it)."""
    unpacked = unpacked_bytes(upload)
    if unpacked is None or unpacked > MAX_UNPACKED_BYTES:
        return 0
    try:
        workbook = load_workbook(upload, read_only=True)
        count = workbook.worksheets[0].max_row or 0
    except Exception:  # noqa: BLE001 - unreadable files are refused by the reader with a clear message
        count = 0
    upload.seek(0)
    return count


def grid_import_start(*, upload, user: User, period):
    """Keep a large upload and queue its import once the row is committed."""
    from projects import tasks
    from projects.models import GridImport
    from provinces import selectors as province_selectors

    job = GridImport(
        period=entry_periods.stored(period),
        province=province_selectors.user_province(user=user),
        original_name=(upload.name or "")[:255],
        created_by=user,
    )
    job.file.save(f"{grid.new_entry_key()}.xlsx", upload, save=False)
    job.save()
    transaction.on_commit(lambda: tasks.grid_import_run.delay(job.pk))
    return job


def grid_import_run(*, import_id: int) -> bool:
    """Check every row (progress visible to the result page), then save all in one transaction, or nothing.
    Claimed by a conditional update, so a task delivered twice runs once."""
    from django.utils import timezone

    from projects.models import GridImport

    S = GridImport.Status
    if GridImport.objects.filter(pk=import_id, status=S.QUEUED).update(status=S.CHECKING) != 1:
        return False
    job = GridImport.objects.select_related("period", "created_by").get(pk=import_id)
    try:

        def progress(done, total):
            GridImport.objects.filter(pk=import_id).update(rows_done=done, rows_total=total)

        with job.file.open("rb") as handle:
            checked = period_from_xlsx(
                handle, user=job.created_by, period=job.period, dry_run=True, on_progress=progress
            )
        if checked.errors:
            GridImport.objects.filter(pk=import_id).update(
                status=S.REFUSED,
                errors=checked.errors,
                rows_total=checked.rows,
                rows_done=checked.rows,
                finished_at=timezone.now(),
            )
            return True
        GridImport.objects.filter(pk=import_id).update(status=S.SAVING)
        with job.file.open("rb") as handle:
            outcome = period_from_xlsx(handle, user=job.created_by, period=job.period)
        GridImport.objects.filter(pk=import_id).update(
            status=S.DONE if outcome.ok else S.REFUSED,
            saved=outcome.saved,
            errors=outcome.errors,
            rows_total=outcome.rows,
            rows_done=outcome.rows,
            finished_at=timezone.now(),
        )
    except Exception as error:
        GridImport.objects.filter(pk=import_id).update(
            status=S.FAILED,
            errors=[{"row": "", "column": "", "message": f"{type(error).__name__}"}],
            finished_at=timezone.now(),
        )
        raise
    return True
