"""Excel in and out of the project list: the export of a filtered list, the import template, the import.

The workbook is a Vietnamese document, so sheet names, headers and the guide are Vietnamese constants;
error messages go through gettext like every other message. The import checks the whole file first and
writes nothing unless every row is valid; it then writes through the services in one transaction.
"""

import contextlib
import datetime
import io
import logging
import re
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from khuyencong import numbers
from khuyencong.text import fold
from projects import rules, selectors, services, tax_codes
from projects.models import Beneficiary, Fund, MoneyEntry, Project, Status
from provinces import selectors as province_selectors
from provinces.models import ActivityContent, CodeSet, Province, Unit, User

logger = logging.getLogger(__name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a 5 MB upload that unpacks beyond this is a zip bomb, not a plan
MAX_ROWS = 5000  # data rows over both sheets
MAX_BLANK_RUN = 1000  # this many empty rows in a row ends a sheet (formatted but empty rows to row 1,048,576)
MAX_REPORTED_ERRORS = 300
MAX_AMOUNT = 10**18 - 1  # money fields hold 18 digits

PROJECT_SHEET = "Đề án"
MONEY_SHEET = "Giải ngân"
GUIDE_SHEET = "Hướng dẫn"
PROVINCE_SHEET = "Mã tỉnh"
ACTIVITY_SHEET = "Mã nội dung"

FUND_CODES = {Fund.NATIONAL: "KCQG", Fund.LOCAL: "KCĐP"}
FUNDS_BY_TEXT = {fold(label): fund for fund, label in FUND_CODES.items()} | {fund: fund for fund in Fund.values}
MONEY_KINDS = {
    MoneyEntry.Kind.ADVANCE: "tạm ứng",
    MoneyEntry.Kind.DISBURSEMENT: "giải ngân",
    MoneyEntry.Kind.SETTLEMENT: "quyết toán",
}
MONEY_KINDS_BY_TEXT = {fold(label): kind for kind, label in MONEY_KINDS.items()} | {
    kind: kind for kind in MoneyEntry.Kind.values
}
BENEFICIARY_KINDS = {
    Beneficiary.Kind.ENTERPRISE: "doanh nghiệp",
    Beneficiary.Kind.COOPERATIVE: "hợp tác xã",
    Beneficiary.Kind.HOUSEHOLD: "hộ kinh doanh",
    Beneficiary.Kind.CRAFT_VILLAGE: "làng nghề",
    Beneficiary.Kind.ARTISAN: "nghệ nhân",
}
BENEFICIARY_KINDS_BY_TEXT = {fold(label): kind for kind, label in BENEFICIARY_KINDS.items()} | {
    kind: kind for kind in Beneficiary.Kind.values
}
NOT_YET_APPROVED = {Status.PROPOSED, Status.REGISTERED, Status.APPRAISED, Status.REJECTED}
KIND_ORDER = [MoneyEntry.Kind.ADVANCE, MoneyEntry.Kind.DISBURSEMENT, MoneyEntry.Kind.SETTLEMENT]
TAX_CODE = re.compile(r"^\d{10}(-?\d{3})?$")
GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")  # 1.234.567, the Vietnamese grouping
DATE_FORMAT = "dd/mm/yyyy"
MONEY_FORMAT = "#,##0"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool  # every row needs a value, and the header must be there
    width: int
    help: str  # the guide's explanation, in Vietnamese
    example: str = ""
    kind: str = "text"  # text, int, date, money
    choices: str = ""  # an Excel data-validation list


PROJECT_COLUMNS = (
    Column(
        "code",
        "Mã đề án",
        True,
        20,
        "Mã duy nhất của đề án, tối đa 40 ký tự. Nhập lại cùng một tệp không tạo đề án trùng: "
        "đề án đã có mã này được giữ nguyên, không bị sửa.",
        "DA-8025-2026-101",
    ),
    Column(
        "title", "Tên đề án", True, 50, "Tên đầy đủ của đề án, tối đa 500 ký tự.", "Hỗ trợ ứng dụng máy sấy nông sản"
    ),
    Column(
        "province_code",
        "Mã tỉnh",
        True,
        10,
        "Mã tỉnh/thành phố theo bộ mã ở cột sau (xem trang “Mã tỉnh”). "
        "Chỉ nhập được đề án của tỉnh mình phụ trách (kể cả các tỉnh đã hợp nhất vào tỉnh mình).",
        "80",
        kind="int",
    ),
    Column(
        "code_set",
        "Bộ mã (2004/2025)",
        False,
        12,
        "2025: mã tỉnh từ 01/7/2025 (mặc định khi để trống); 2004: mã tỉnh trước khi sắp xếp lại. "
        "Cùng một số có thể là hai tỉnh khác nhau ở hai bộ mã.",
        "2025",
        kind="int",
        choices='"2025,2004"',
    ),
    Column(
        "plan_year",
        "Năm kế hoạch",
        True,
        10,
        "Năm kế hoạch của đề án, phải thuộc một chương trình khuyến công (2021–2025, 2026–2030).",
        "2026",
        kind="int",
    ),
    Column(
        "fund",
        "Nguồn (KCQG/KCĐP)",
        True,
        12,
        "KCQG: kinh phí khuyến công quốc gia; KCĐP: kinh phí khuyến công địa phương.",
        "KCĐP",
        choices='"KCQG,KCĐP"',
    ),
    Column(
        "activity",
        "Mã nội dung",
        True,
        12,
        "Mã nội dung hoạt động khuyến công (xem trang “Mã nội dung”), phải còn hiệu lực trong năm kế hoạch.",
        "KC03",
    ),
    Column(
        "start_date",
        "Ngày bắt đầu",
        True,
        13,
        "Ô kiểu ngày của Excel, hoặc văn bản dạng dd/mm/yyyy.",
        "01/02/2026",
        kind="date",
    ),
    Column(
        "end_date",
        "Ngày kết thúc",
        True,
        13,
        "Như ngày bắt đầu; không được trước ngày bắt đầu.",
        "31/10/2026",
        kind="date",
    ),
    Column(
        "approved_support",
        "Kinh phí hỗ trợ",
        True,
        16,
        "Kinh phí nhà nước hỗ trợ, số nguyên đồng, không âm, không có phần thập phân "
        "(ô kiểu số, hoặc văn bản như 100.000.000).",
        "100000000",
        kind="money",
    ),
    Column(
        "counterpart",
        "Vốn đối ứng",
        False,
        16,
        "Vốn đối ứng của cơ sở, số nguyên đồng; trống là 0.",
        "50000000",
        kind="money",
    ),
    Column(
        "other_sources",
        "Nguồn khác",
        False,
        16,
        "Kinh phí từ nguồn khác, số nguyên đồng; trống là 0.",
        "0",
        kind="money",
    ),
    Column("location", "Địa điểm", False, 30, "Nơi thực hiện đề án, tối đa 255 ký tự.", "Xã Mỹ An, tỉnh Tây Ninh"),
    Column(
        "beneficiary_name",
        "Tên cơ sở thụ hưởng",
        False,
        30,
        "Tên cơ sở công nghiệp nông thôn thụ hưởng (một cơ sở mỗi dòng). Cơ sở đã có trong hệ thống được "
        "nhận ra theo mã số thuế, hoặc theo tên và loại cơ sở khi không có mã số thuế.",
        "Công ty TNHH Nông sản Mỹ An",
    ),
    Column(
        "tax_code",
        "Mã số thuế",
        False,
        16,
        "10 chữ số, hoặc 13 chữ số cho đơn vị phụ thuộc (0312345678-001). Định dạng cột là văn bản để "
        "Excel không bỏ số 0 ở đầu.",
        "0312345678",
    ),
    Column(
        "beneficiary_kind",
        "Loại cơ sở",
        False,
        16,
        "Bắt buộc khi có tên cơ sở: doanh nghiệp, hợp tác xã, hộ kinh doanh, làng nghề hoặc nghệ nhân.",
        "doanh nghiệp",
        choices='"' + ",".join(BENEFICIARY_KINDS.values()) + '"',
    ),
)

MONEY_COLUMNS = (
    Column(
        "code",
        "Mã đề án",
        True,
        20,
        "Mã của một đề án ĐÃ ĐƯỢC PHÊ DUYỆT, đã có trong hệ thống. Đề án mới nhập ở trang “Đề án” là "
        "bản nháp: nhập giải ngân cho đề án đó sau khi đề án được phê duyệt.",
        "DA-8025-2026-001",
    ),
    Column(
        "kind",
        "Loại (tạm ứng/giải ngân/quyết toán)",
        True,
        16,
        "tạm ứng, giải ngân hoặc quyết toán. Tổng mỗi loại không vượt kinh phí hỗ trợ được duyệt; "
        "quyết toán không vượt số đã giải ngân.",
        "giải ngân",
        choices='"' + ",".join(MONEY_KINDS.values()) + '"',
    ),
    Column("amount", "Số tiền", True, 16, "Số nguyên đồng, lớn hơn 0.", "30000000", kind="money"),
    Column("date", "Ngày", True, 13, "Ngày phát sinh, không sau ngày hôm nay (dd/mm/yyyy).", "15/03/2026", kind="date"),
    Column(
        "note",
        "Ghi chú",
        False,
        40,
        "Tối đa 255 ký tự. Dòng trùng hoàn toàn (cùng đề án, loại, số tiền, ngày) với khoản đã có được bỏ qua, "
        "nên nhập lại cùng một tệp không ghi trùng.",
        "Đợt 1",
    ),
)

EXPORT_COLUMNS = [
    ("Mã đề án", 20),
    ("Tên đề án", 50),
    ("Tỉnh/thành phố", 22),
    ("Năm kế hoạch", 10),
    ("Nguồn kinh phí", 10),
    ("Nội dung hoạt động", 40),
    ("Địa điểm", 25),
    ("Ngày bắt đầu", 12),
    ("Ngày kết thúc", 12),
    ("Kinh phí hỗ trợ (đồng)", 17),
    ("Vốn đối ứng (đồng)", 17),
    ("Nguồn khác (đồng)", 15),
    ("Tổng kinh phí (đồng)", 17),
    ("Đã tạm ứng", 16),
    ("Đã giải ngân", 16),
    ("Đã quyết toán", 16),
    ("Tỷ lệ giải ngân", 10),
    ("Trạng thái", 18),
]


# ---------------------------------------------------------------------------------------------- export


def projects_to_xlsx(queryset: QuerySet[Project]) -> bytes:
    """The filtered list as one sheet, streamed: numbers stay numbers and dates stay dates.

    The queryset should come from selectors.project_list_for (joins) and selectors.with_money (totals);
    totals are annotated here when missing. Queries: one, whatever the number of rows.
    """
    if "disbursed" not in queryset.query.annotations:
        queryset = selectors.with_money(queryset)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(PROJECT_SHEET)
    for index, (_header, width) in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_header_cell(sheet, header) for header, _width in EXPORT_COLUMNS])
    rows = 0
    for project in queryset.iterator(chunk_size=1000):
        sheet.append(_export_row(sheet, project))
        rows += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(EXPORT_COLUMNS))}{rows + 1}"
    return _save(workbook)


def _export_row(sheet, project: Project) -> list:
    support = int(project.approved_support)
    disbursed = int(project.disbursed)
    return [
        project.code,
        project.title,
        str(project.province),
        project.plan_year,
        FUND_CODES.get(project.fund, project.fund),
        str(project.activity),
        project.location,
        _cell(sheet, project.start_date, DATE_FORMAT),
        _cell(sheet, project.end_date, DATE_FORMAT),
        _cell(sheet, support, MONEY_FORMAT),
        _cell(sheet, int(project.counterpart), MONEY_FORMAT),
        _cell(sheet, int(project.other_sources), MONEY_FORMAT),
        _cell(sheet, int(project.approved_support + project.counterpart + project.other_sources), MONEY_FORMAT),
        _cell(sheet, int(project.advanced), MONEY_FORMAT),
        _cell(sheet, disbursed, MONEY_FORMAT),
        _cell(sheet, int(project.settled), MONEY_FORMAT),
        _cell(sheet, disbursed / support if support else None, "0.0%"),  # no support: no rate, not 0%
        capfirst(str(project.get_status_display())),
    ]


def _cell(sheet, value, number_format: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _header_cell(sheet, header: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=header)
    cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    return cell


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -------------------------------------------------------------------------------------------- template


def import_template() -> bytes:
    """The import workbook: two empty data sheets, a guide with examples, and the valid codes."""
    workbook = Workbook()
    projects_sheet = workbook.active
    projects_sheet.title = PROJECT_SHEET
    money_sheet = workbook.create_sheet(MONEY_SHEET)
    activities = list(ActivityContent.objects.order_by("code"))
    _data_sheet(projects_sheet, PROJECT_COLUMNS, {"activity": f"'{ACTIVITY_SHEET}'!$A$2:$A${len(activities) + 1}"})
    _data_sheet(money_sheet, MONEY_COLUMNS, {})
    _guide_sheet(workbook.create_sheet(GUIDE_SHEET))
    provinces = Province.objects.select_related("successor").order_by("-code_set", "code")
    _list_sheet(
        workbook.create_sheet(PROVINCE_SHEET),
        [
            ("Mã tỉnh", 10),
            ("Bộ mã", 10),
            ("Tên tỉnh/thành phố", 30),
            ("Hiệu lực từ", 13),
            ("Hiệu lực đến", 13),
            ("Hợp nhất vào", 30),
        ],
        [
            [p.code, p.code_set, p.name, p.valid_from, p.valid_to, p.successor.name if p.successor else None]
            for p in provinces
        ],
    )
    _list_sheet(
        workbook.create_sheet(ACTIVITY_SHEET),
        [
            ("Mã nội dung", 12),
            ("Tên nội dung", 60),
            ("Nhóm", 8),
            ("Căn cứ", 18),
            ("Hiệu lực từ", 13),
            ("Hiệu lực đến", 13),
        ],
        [[a.code, a.name_vi, a.heading, a.legal_basis, a.valid_from, a.valid_to] for a in activities],
    )
    return _save(workbook)


def _style_header(sheet, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def _data_sheet(sheet, columns: tuple[Column, ...], lists: dict[str, str]) -> None:
    sheet.append([column.header for column in columns])
    _style_header(sheet, [column.width for column in columns])
    last_row = MAX_ROWS + 1
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cells = f"{letter}2:{letter}{last_row}"
        # whole-column formats help people typing into the empty sheet: codes as text keep leading zeros
        number_format = {"date": DATE_FORMAT, "money": MONEY_FORMAT, "int": "0"}.get(column.kind, "@")
        sheet.column_dimensions[letter].number_format = number_format
        choices = lists.get(column.key, column.choices)
        if choices:
            validation = DataValidation(
                type="list", formula1=choices, allow_blank=True, showErrorMessage=True, errorStyle="warning"
            )
            validation.error, validation.errorTitle = "Giá trị không có trong danh sách.", column.header
            validation.add(cells)
            sheet.add_data_validation(validation)


def _guide_sheet(sheet) -> None:
    sheet.append(["Hướng dẫn nhập đề án khuyến công từ Excel"])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in (
        "Nhập đề án ở trang “Đề án” và các khoản tạm ứng, giải ngân, quyết toán ở trang “Giải ngân”, mỗi "
        "dòng một đề án hoặc một khoản tiền, bắt đầu từ dòng 2. Không đổi tên trang, không sửa dòng tiêu đề.",
        "Hệ thống kiểm tra toàn bộ tệp trước: nếu có lỗi, không dòng nào được nhập và danh sách lỗi chỉ rõ "
        "trang, dòng, cột. Sửa hết lỗi rồi tải tệp lên lại.",
        "Đề án nhập vào là bản nháp (đề xuất); giải ngân chỉ nhập được cho đề án đã được phê duyệt.",
        "Nhập lại cùng một tệp không tạo bản ghi trùng: đề án đã có mã được giữ nguyên, khoản tiền trùng "
        "hoàn toàn với khoản đã có được bỏ qua.",
        f"Tối đa {MAX_ROWS} dòng dữ liệu và {MAX_BYTES // (1024 * 1024)} MB mỗi tệp. Các ví dụ dưới đây "
        "chỉ để tham khảo: không chép vào trang dữ liệu nếu không phải dữ liệu thật.",
    ):
        sheet.append([line])
    sheet.append([])
    header_row = sheet.max_row + 1
    sheet.append(["Trang", "Cột", "Bắt buộc", "Giải thích", "Ví dụ"])
    for cell in sheet[header_row]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for sheet_name, columns in ((PROJECT_SHEET, PROJECT_COLUMNS), (MONEY_SHEET, MONEY_COLUMNS)):
        for column in columns:
            sheet.append([sheet_name, column.header, "có" if column.required else "không", column.help, column.example])
    for row in sheet.iter_rows(min_row=header_row + 1):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDE", (12, 34, 10, 90, 30), strict=True):
        sheet.column_dimensions[letter].width = width


def _list_sheet(sheet, headers: list[tuple[str, int]], rows: list[list]) -> None:
    sheet.append([header for header, _width in headers])
    _style_header(sheet, [width for _header, width in headers])
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime.date):
                cell.number_format = DATE_FORMAT


# ---------------------------------------------------------------------------------------------- import


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


def import_workbook(uploaded_file, *, by: User) -> dict:
    """Import projects (as drafts) and money entries (on approved projects) from the template.

    All or nothing: every row is checked first and ImportErrors lists every problem; a service refusing
    a row while writing rolls the whole file back. Idempotent: existing codes and identical money entries
    are left alone. Returns the counts of created projects, already present projects and money entries.
    """
    if not rules.is_editor(by):
        raise PermissionDenied(_("Only provincial officers import projects."))
    content = _read_upload(uploaded_file)
    project_rows, money_rows = _read_workbook(content)
    errors: list[dict] = []
    projects = _check_projects(project_rows, by=by, errors=errors)
    file_codes = {_text(values.get("code")) for _number, values in project_rows}
    money = _check_money(money_rows, file_codes=file_codes, by=by, errors=errors)
    if errors:
        errors.sort(key=lambda error: (error["sheet"] != PROJECT_SHEET, error["row"]))
        raise ImportErrors(errors)
    return _apply(projects, money, by=by)


def _read_upload(uploaded_file) -> bytes:
    if isinstance(uploaded_file, bytes | bytearray):
        content = bytes(uploaded_file[: MAX_BYTES + 1])
    else:
        if hasattr(uploaded_file, "seek"):
            uploaded_file.seek(0)
        content = uploaded_file.read(MAX_BYTES + 1)
    too_big = _("The file is larger than %(mb)s MB; split it into several files.") % {"mb": MAX_BYTES // (1024 * 1024)}
    if len(content) > MAX_BYTES:
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
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportErrors([_error("", 0, "", too_big)])
    return content


def _read_workbook(content: bytes) -> tuple[list[tuple[int, dict]], list[tuple[int, dict]]]:
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
            rows = _sheet_rows(name, sheet, columns, errors, already=total)
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


def _sheet_rows(name: str, sheet, columns: tuple[Column, ...], errors: list, *, already: int) -> list[tuple[int, dict]]:
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
    data, blank_run = [], 0
    for number, values in enumerate(rows, start=2):
        row = {key: values[index] if index < len(values) else None for key, index in found.items()}
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in row.values()):
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        if already + len(data) >= MAX_ROWS:
            errors.append(
                _error(
                    name,
                    number,
                    "",
                    _("The file has more than %(max)s rows of data; split it into several files.") % {"max": MAX_ROWS},
                )
            )
            break
        data.append((number, row))
    return data


# Cell readers: each returns the value or raises _Invalid with what to enter instead.


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        value = value.strftime("%d/%m/%Y")
    return re.sub(r"\s+", " ", str(value)).strip()


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
    """The extension centre that implements a province's projects today (a merged province's successor's)."""
    if province.valid_to and province.successor_id in centres:
        return centres[province.successor_id]
    return centres.get(province.pk)


def _check_projects(rows: list[tuple[int, dict]], *, by: User, errors: list) -> list[_ProjectRow]:
    provinces = {(p.code, p.code_set): p for p in Province.objects.all()}
    activities = {a.code.upper(): a for a in ActivityContent.objects.all()}
    centres = {u.province_id: u for u in Unit.objects.filter(kind=Unit.Kind.EXTENSION_CENTRE)}
    scope = province_selectors.province_ids_in_scope(user=by)
    codes = {_text(values.get("code")) for _number, values in rows} - {""}
    existing = {p.code: p for p in Project.objects.filter(code__in=codes).select_related("province")}
    first_row_of: dict[str, int] = {}
    checked = []
    for number, values in rows:
        row = _RowErrors(errors, PROJECT_SHEET, number, PROJECT_COLUMNS)
        code = row.read(values, "code", _text, required=True)
        if len(code) > 40:
            row.add("code", _("The code is longer than 40 characters."))
        elif code in first_row_of:
            row.add(
                "code",
                _("The code %(code)s is already on row %(row)s of this sheet.")
                % {"code": code, "row": first_row_of[code]},
            )
        elif code:
            first_row_of[code] = number
        title = row.read(values, "title", _text, required=True)
        if len(title) > 500:
            row.add("title", _("The title is longer than 500 characters."))
        data: dict = {"title": title}
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
            elif scope is not None and province.pk not in scope:
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
        location = row.read(values, "location", _text)
        if len(location) > 255:
            row.add("location", _("The location is longer than 255 characters."))
        data["location"] = location
        beneficiary = _check_beneficiary(row, values)
        try:
            services.validate_project_data(data)
        except ValidationError as error:
            _add_validation_errors(row, error, PROJECT_FIELD_COLUMNS)
        present = existing.get(code)
        if present is not None and scope is not None and present.province_id not in scope:
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


def _check_money(rows: list[tuple[int, dict]], *, file_codes: set[str], by: User, errors: list) -> list[_MoneyRow]:
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
    for number, values in rows:
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
            if project.status in NOT_YET_APPROVED:
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
                    _("This would bring the total to %(total)s, above the approved support of %(support)s.")
                    % {
                        "total": numbers.format_vnd(total),
                        "support": numbers.format_vnd(row.project.approved_support),
                    },
                )
            )
        elif row.kind == MoneyEntry.Kind.SETTLEMENT and total > totals[(row.project.pk, MoneyEntry.Kind.DISBURSEMENT)]:
            errors.append(
                _error(MONEY_SHEET, row.row, header, _("The settlement cannot exceed what has been disbursed."))
            )
        else:
            totals[(row.project.pk, row.kind)] = total  # a refused row does not count against the next ones


def _apply(projects: list[_ProjectRow], money: list[_MoneyRow], *, by: User) -> dict:
    created = present = recorded = 0
    matched: dict[tuple, Beneficiary] = {}
    try:
        with transaction.atomic():
            for row in projects:
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
