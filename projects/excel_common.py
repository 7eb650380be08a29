"""What the export, the template and the import share: sheet names, columns, codes, cell formats."""

import re
import zipfile
from dataclasses import dataclass

from openpyxl.styles import Font, PatternFill

from khuyencong.text import fold
from projects.models import Beneficiary, Fund, MoneyEntry

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a 5 MB upload that unpacks beyond this is a zip bomb, not a plan
MAX_ROWS = 5000  # data rows over both sheets, read in the request (only when the file under-declares its rows)
# A Celery worker reads the large files (over excel_import.SYNC_MAX_ROWS rows, or over MAX_BYTES). 50,000
# project rows: 2.75 MB, 238-242 s on the worker (39-57 s checking, the rest saving), peak RSS 244 MB; 5,000: 25 s,
# 111 MB (bench/import_rows.py on a 2-core machine). The unpacked limit stays the request's: openpyxl holds a
# workbook's shared strings whole, and 85 MB of them took 487 MB of memory; 50,000 real rows need far less.
BACKGROUND_MAX_ROWS = 50_000
BACKGROUND_MAX_BYTES = 20 * 1024 * 1024
BACKGROUND_MAX_UNPACKED_BYTES = MAX_UNPACKED_BYTES
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


def unpacked_bytes(upload) -> int | None:
    """An .xlsx upload's size once unpacked, from its zip directory (nothing is inflated; zipfile reads no
    member past its declared size); None when it is not a zip. Checked before openpyxl opens an upload, even
    to count its rows: opening reads the shared strings whole, so a small file can fill the memory."""
    try:
        with zipfile.ZipFile(upload) as archive:
            return sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
