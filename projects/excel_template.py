"""The import template: the two data sheets with their lists, the guide, the code sheets."""

import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from khuyencong import numbers, spreadsheets
from projects.excel_common import (
    ACTIVITY_SHEET,
    BACKGROUND_MAX_BYTES,
    BACKGROUND_MAX_ROWS,
    DATE_FORMAT,
    GUIDE_SHEET,
    HEADER_FILL,
    HEADER_FONT,
    MONEY_COLUMNS,
    MONEY_FORMAT,
    MONEY_SHEET,
    PROJECT_COLUMNS,
    PROJECT_SHEET,
    PROVINCE_SHEET,
    Column,
)
from provinces.models import ActivityContent, Province


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
    return spreadsheets.workbook_bytes(workbook)  # reference names written as text, never as formulas


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
    last_row = BACKGROUND_MAX_ROWS + 1  # the lists cover every row a file may hold (a range, not cells: no weight)
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
        f"Tối đa {numbers.group_digits(BACKGROUND_MAX_ROWS, language='vi')} dòng dữ liệu (cả hai trang) và "
        f"{BACKGROUND_MAX_BYTES // (1024 * 1024)} MB mỗi tệp. Tệp lớn được kiểm tra và nhập ở chế độ nền: "
        "trang tiến độ cho biết số dòng đã kiểm tra, đã lưu, rồi kết quả; vẫn là tất cả hoặc không dòng nào. "
        "Các ví dụ dưới đây chỉ để tham khảo: không chép vào trang dữ liệu nếu không phải dữ liệu thật.",
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
