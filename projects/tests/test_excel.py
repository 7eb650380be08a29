import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time

from projects import excel, selectors, services
from projects.models import Beneficiary, Fund, MoneyEntry, Project, Status
from projects.tests import factories

pytestmark = pytest.mark.django_db

TODAY = "2026-11-20"


def project_row(**values) -> list:
    row = {
        "code": "IMP-001",
        "title": "Hỗ trợ máy sấy nông sản",
        "province_code": 80,
        "code_set": 2025,
        "plan_year": 2026,
        "fund": "KCĐP",
        "activity": "KC03",
        "start_date": datetime.date(2026, 2, 1),
        "end_date": datetime.date(2026, 10, 31),
        "approved_support": 100_000_000,
        "counterpart": 50_000_000,
        "other_sources": None,
        "location": "Xã Mỹ An",
        "beneficiary_name": None,
        "tax_code": None,
        "beneficiary_kind": None,
    } | values
    return [row[column.key] for column in excel.PROJECT_COLUMNS]


def money_row(code, kind="giải ngân", amount=30_000_000, date=datetime.date(2026, 3, 15), note="Đợt 1") -> list:
    return [code, kind, amount, date, note]


def workbook(projects=(), money=()) -> bytes:
    """The downloaded template, filled in as a user would."""
    book = openpyxl.load_workbook(io.BytesIO(excel.import_template()))
    for row in projects:
        book[excel.PROJECT_SHEET].append(row)
    for row in money:
        book[excel.MONEY_SHEET].append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name="de-an.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=excel.XLSX_TYPE)


def counts() -> tuple[int, int, int]:
    return Project.objects.count(), MoneyEntry.objects.count(), Beneficiary.objects.count()


def where(errors) -> set[tuple[str, int, str]]:
    return {(e["sheet"], e["row"], e["column"]) for e in errors}


@pytest.fixture
def approved_project(tayninh_officer, tayninh_approver, tayninh_project):
    """Today's Tây Ninh, local fund, 100,000,000 đ of support, in progress."""
    return factories.approve(tayninh_project, officer=tayninh_officer, approver=tayninh_approver)


# ---------------------------------------------------------------------------------------------- export


def read_back(content: bytes):
    sheet = openpyxl.load_workbook(io.BytesIO(content))[excel.PROJECT_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    return sheet, rows[0], rows[1:]


@freeze_time(TODAY)
def test_export_round_trip_numbers_dates_and_scope(
    tayninh_officer, cantho_project, approved_project, django_assert_max_num_queries
):
    services.money_entry_add(
        project=approved_project, by=tayninh_officer, kind="advance", amount=40_000_000, date=datetime.date(2026, 3, 1)
    )
    services.money_entry_add(
        project=approved_project,
        by=tayninh_officer,
        kind="disbursement",
        amount=25_000_000,
        date=datetime.date(2026, 5, 1),
    )
    factories.make_project(by=tayninh_officer, fund=Fund.NATIONAL, support=0, title="Truyền thông")
    queryset = selectors.with_money(selectors.project_list_for(user=tayninh_officer))
    with django_assert_max_num_queries(1):  # the projects with their joins and money subqueries
        content = excel.projects_to_xlsx(queryset)
    sheet, header, rows = read_back(content)
    assert header[:3] == ("Mã đề án", "Tên đề án", "Tỉnh/thành phố")
    for name in ("Kinh phí hỗ trợ (đồng)", "Tổng kinh phí (đồng)", "Đã tạm ứng", "Đã giải ngân", "Đã quyết toán"):
        assert name in header
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:R{len(rows) + 1}"
    assert sheet["A1"].font.b and sheet.column_dimensions["B"].width == 50
    assert len(rows) == 2 and cantho_project.code not in {row[0] for row in rows}  # the officer's scope
    row = dict(zip(header, next(r for r in rows if r[0] == approved_project.code), strict=True))
    assert row["Kinh phí hỗ trợ (đồng)"] == 100_000_000 and isinstance(row["Kinh phí hỗ trợ (đồng)"], int)
    assert row["Tổng kinh phí (đồng)"] == 150_000_000
    assert (row["Đã tạm ứng"], row["Đã giải ngân"], row["Đã quyết toán"]) == (40_000_000, 25_000_000, 0)
    assert row["Ngày bắt đầu"] == datetime.datetime(2026, 2, 1) and row["Nguồn kinh phí"] == "KCĐP"
    assert row["Tỷ lệ giải ngân"] == pytest.approx(0.25) and row["Trạng thái"] == "Đang thực hiện"
    assert sheet.cell(row=2, column=10).number_format == "#,##0"
    unfunded = dict(zip(header, next(r for r in rows if r[1] == "Truyền thông"), strict=True))
    assert unfunded["Tỷ lệ giải ngân"] is None and unfunded["Nguồn kinh phí"] == "KCQG"


def test_export_view_applies_the_list_filters(client, tayninh_officer, cantho_officer, tayninh_project):
    factories.make_project(by=tayninh_officer, fund=Fund.NATIONAL, title="Quốc gia")
    factories.make_project(
        by=tayninh_officer, year=2025, start=datetime.date(2025, 3, 1), end=datetime.date(2025, 9, 1)
    )
    client.force_login(tayninh_officer)
    response = client.get(reverse("projects:export"), {"year": 2026, "fund": Fund.NATIONAL})
    assert response.status_code == 200 and response["Content-Type"] == excel.XLSX_TYPE
    assert "attachment" in response["Content-Disposition"]
    _sheet, _header, rows = read_back(response.content)
    assert [row[1] for row in rows] == ["Quốc gia"]
    assert len(read_back(client.get(reverse("projects:export")).content)[2]) == 3
    client.force_login(cantho_officer)
    assert read_back(client.get(reverse("projects:export")).content)[2] == []  # another province sees none


# -------------------------------------------------------------------------------------------- template


def test_template_documents_every_column_and_imports_back_empty(client, tayninh_officer):
    client.force_login(tayninh_officer)
    response = client.get(reverse("projects:import_template"))
    assert response.status_code == 200 and response["Content-Type"] == excel.XLSX_TYPE
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Đề án", "Giải ngân", "Hướng dẫn", "Mã tỉnh", "Mã nội dung"]
    projects_header = [cell.value for cell in book["Đề án"][1]]
    assert projects_header[:4] == ["Mã đề án", "Tên đề án", "Mã tỉnh", "Bộ mã (2004/2025)"]
    assert "Mã số thuế" in projects_header and book["Đề án"].max_row == 1  # no example row to import by mistake
    assert [cell.value for cell in book["Giải ngân"][1]] == [
        "Mã đề án",
        "Loại (tạm ứng/giải ngân/quyết toán)",
        "Số tiền",
        "Ngày",
        "Ghi chú",
    ]
    guide = {(row[0], row[1]) for row in book["Hướng dẫn"].iter_rows(values_only=True)}
    for column in excel.PROJECT_COLUMNS:
        assert ("Đề án", column.header) in guide
    for column in excel.MONEY_COLUMNS:
        assert ("Giải ngân", column.header) in guide
    provinces = {(row[0], row[1]): row[2] for row in book["Mã tỉnh"].iter_rows(min_row=2, values_only=True)}
    assert provinces[(80, 2025)] == "Tây Ninh" and provinces[(80, 2004)] == "Long An"
    assert ("KC03", "Ứng dụng máy móc thiết bị tiên tiến, chuyển giao công nghệ") in {
        row[:2] for row in book["Mã nội dung"].iter_rows(min_row=2, values_only=True)
    }
    before = counts()
    assert excel.import_workbook(upload(response.content), by=tayninh_officer) == {
        "created": 0,
        "updated": 0,
        "money": 0,
    }
    assert counts() == before


# ---------------------------------------------------------------------------------------------- import


@freeze_time(TODAY)
def test_valid_file_imports_projects_and_money_and_twice_creates_nothing(tayninh_officer, approved_project):
    content = workbook(
        projects=[
            project_row(
                code="IMP-001",
                beneficiary_name="Công ty TNHH Nông sản Mỹ An",
                tax_code="0312345673",
                beneficiary_kind="doanh nghiệp",
            ),
            # Long An's 2004 code: merged into today's Tây Ninh, so in this officer's scope
            project_row(
                code="IMP-002",
                province_code="80",
                code_set="2004",
                plan_year=2025,
                fund="KCQG",
                start_date="01/03/2025",
                end_date="2025-09-30",
                approved_support="250.000.000",
                counterpart=None,
                beneficiary_name="HTX Mây tre đan",
                beneficiary_kind="Hợp tác xã",
            ),  # fmt: skip
        ],
        money=[
            money_row(approved_project.code, "tạm ứng", 40_000_000, datetime.date(2026, 2, 10)),
            money_row(approved_project.code, "giải ngân", 30_000_000),
            money_row(approved_project.code, "giải ngân", 30_000_000),  # two equal instalments are two entries
            money_row(approved_project.code, "quyết toán", "60.000.000", "30/10/2026"),
        ],
    )
    before = counts()
    assert excel.import_workbook(upload(content), by=tayninh_officer) == {"created": 2, "updated": 0, "money": 4}
    assert counts() == (before[0] + 2, before[1] + 4, before[2] + 2)
    first = Project.objects.get(code="IMP-001")
    assert first.status == Status.PROPOSED and first.created_by == tayninh_officer
    assert first.approved_support == Decimal(100_000_000) and first.province.code_set == 2025
    assert [b.tax_code for b in first.beneficiaries.all()] == ["0312345673"]
    second = Project.objects.get(code="IMP-002")
    assert (second.province.name, second.province.code_set, second.fund) == ("Long An", 2004, Fund.NATIONAL)
    assert second.approved_support == 250_000_000 and second.counterpart == 0
    assert second.start_date == datetime.date(2025, 3, 1) and second.implementing_unit.province.name == "Tây Ninh"
    assert second.beneficiaries.get().kind == Beneficiary.Kind.COOPERATIVE
    money = selectors.with_money(Project.objects.filter(pk=approved_project.pk)).get()
    assert (money.advanced, money.disbursed, money.settled) == (40_000_000, 60_000_000, 60_000_000)

    assert excel.import_workbook(upload(content), by=tayninh_officer) == {"created": 0, "updated": 2, "money": 0}
    assert counts() == (before[0] + 2, before[1] + 4, before[2] + 2)


@freeze_time(TODAY)
def test_every_bad_cell_is_reported_by_row_and_column_and_nothing_is_imported(tayninh_officer, approved_project):
    draft = factories.make_project(by=tayninh_officer, title="Nháp")
    content = workbook(
        projects=[
            project_row(code="OK-1"),  # valid, yet not imported because others are not
            project_row(code="BAD-2", province_code=99),
            project_row(code="BAD-3", activity="KC99"),
            project_row(code="BAD-4", fund="KCX"),
            project_row(code="BAD-5", start_date="31/02/2026", end_date=None),
            project_row(code="BAD-6", start_date=datetime.date(2026, 5, 1), end_date=datetime.date(2026, 4, 1)),
            project_row(code="BAD-7", approved_support=-5, counterpart=1.5, other_sources="nhiều"),
            project_row(code="BAD-8", plan_year=2019),
            project_row(code="OK-1"),
            project_row(code=None, title=None, beneficiary_name="Cơ sở A", tax_code="12345", beneficiary_kind="xưởng"),
        ],
        money=[
            money_row("KHONG-CO"),
            money_row(approved_project.code, kind="hoàn ứng"),
            money_row(approved_project.code, amount=60_000_000),
            money_row(approved_project.code, amount=50_000_000),  # 110,000,000 > 100,000,000 approved
            money_row("OK-1"),  # a draft of this very file
            money_row(draft.code),  # stored, but not approved
            money_row(approved_project.code, amount=0, date=datetime.date(2026, 12, 1)),
            money_row(approved_project.code, kind="quyết toán", amount=70_000_000),  # only 60,000,000 validly disbursed
        ],
    )
    before = counts()
    with pytest.raises(excel.ImportErrors) as caught:
        excel.import_workbook(upload(content), by=tayninh_officer)
    assert counts() == before
    errors = caught.value.errors
    assert where(errors) >= {
        ("Đề án", 3, "Mã tỉnh"),
        ("Đề án", 4, "Mã nội dung"),
        ("Đề án", 5, "Nguồn (KCQG/KCĐP)"),
        ("Đề án", 6, "Ngày bắt đầu"),
        ("Đề án", 6, "Ngày kết thúc"),
        ("Đề án", 7, "Ngày kết thúc"),
        ("Đề án", 8, "Kinh phí hỗ trợ"),
        ("Đề án", 8, "Vốn đối ứng"),
        ("Đề án", 8, "Nguồn khác"),
        ("Đề án", 9, "Năm kế hoạch"),
        ("Đề án", 10, "Mã đề án"),
        ("Đề án", 11, "Mã đề án"),
        ("Đề án", 11, "Tên đề án"),
        ("Đề án", 11, "Mã số thuế"),
        ("Đề án", 11, "Loại cơ sở"),
        ("Giải ngân", 2, "Mã đề án"),
        ("Giải ngân", 3, "Loại (tạm ứng/giải ngân/quyết toán)"),
        ("Giải ngân", 5, "Số tiền"),
        ("Giải ngân", 6, "Mã đề án"),
        ("Giải ngân", 7, "Mã đề án"),
        ("Giải ngân", 8, "Số tiền"),
        ("Giải ngân", 8, "Ngày"),
        ("Giải ngân", 9, "Số tiền"),
    }
    assert not any(e["row"] == 2 and e["sheet"] == "Đề án" for e in errors)
    by_place = {(e["sheet"], e["row"], e["column"]): e["message"] for e in errors}
    assert by_place[("Đề án", 3, "Mã tỉnh")] == "Không có tỉnh nào mang mã 99 trong bộ mã 2025 (xem trang “Mã tỉnh”)."
    assert by_place[("Đề án", 9, "Năm kế hoạch")] == "Năm kế hoạch 2019 không thuộc chương trình khuyến công nào."
    assert by_place[("Đề án", 10, "Mã đề án")] == "Mã OK-1 đã có ở dòng 2 của trang này."
    assert "chưa được phê duyệt" in by_place[("Giải ngân", 6, "Mã đề án")]
    assert "vượt" in by_place[("Giải ngân", 5, "Số tiền")]
    assert [e["row"] for e in errors if e["sheet"] == "Giải ngân"] == sorted(
        e["row"] for e in errors if e["sheet"] == "Giải ngân"
    )


@freeze_time(TODAY)
def test_money_on_a_stored_draft_is_refused_until_approval(tayninh_officer, tayninh_approver, tayninh_project):
    content = workbook(money=[money_row(tayninh_project.code)])
    with pytest.raises(excel.ImportErrors) as caught:
        excel.import_workbook(upload(content), by=tayninh_officer)
    assert caught.value.errors == [
        {
            "sheet": "Giải ngân",
            "row": 2,
            "column": "Mã đề án",
            "message": f"Đề án {tayninh_project.code} chưa được phê duyệt: "
            "chỉ ghi nhận kinh phí cho đề án đã được phê duyệt.",
        }
    ]
    factories.approve(tayninh_project, officer=tayninh_officer, approver=tayninh_approver)
    assert excel.import_workbook(upload(content), by=tayninh_officer)["money"] == 1


def test_another_provinces_code_is_refused_for_the_importer(tayninh_officer, cantho_officer):
    content = workbook(projects=[project_row(code="CT-1", province_code=92)])
    with pytest.raises(excel.ImportErrors) as caught:
        excel.import_workbook(upload(content), by=tayninh_officer)
    assert where(caught.value.errors) == {("Đề án", 2, "Mã tỉnh")}
    assert "chỉ được nhập đề án của tỉnh mình" in caught.value.errors[0]["message"]
    assert not Project.objects.filter(code="CT-1").exists()
    assert excel.import_workbook(upload(content), by=cantho_officer)["created"] == 1


def test_money_for_another_provinces_project_is_unknown_to_the_importer(cantho_officer, approved_project):
    content = workbook(money=[money_row(approved_project.code)])
    with pytest.raises(excel.ImportErrors) as caught:
        excel.import_workbook(upload(content), by=cantho_officer)
    assert where(caught.value.errors) == {("Giải ngân", 2, "Mã đề án")}
    assert "Không có đề án" in caught.value.errors[0]["message"]


@freeze_time(TODAY)
def test_a_service_refusing_a_row_rolls_back_the_whole_file(monkeypatch, tayninh_officer, approved_project):
    original = services.money_entry_add
    calls = []

    def refuse_second(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise ValidationError({"amount": "Từ chối để thử"})
        return original(**kwargs)

    monkeypatch.setattr(services, "money_entry_add", refuse_second)
    content = workbook(
        projects=[project_row(code="IMP-1")],
        money=[money_row(approved_project.code, amount=1_000_000), money_row(approved_project.code, amount=2_000_000)],
    )
    before = counts()
    with pytest.raises(excel.ImportErrors) as caught:
        excel.import_workbook(upload(content), by=tayninh_officer)
    assert caught.value.errors == [{"sheet": "Giải ngân", "row": 3, "column": "Số tiền", "message": "Từ chối để thử"}]
    assert counts() == before


def test_approvers_import_but_ministry_staff_cannot(tayninh_approver, ministry_staff):
    content = workbook(projects=[project_row()])
    with pytest.raises(excel.PermissionDenied):
        excel.import_workbook(upload(content), by=ministry_staff)
    assert excel.import_workbook(upload(content), by=tayninh_approver)["created"] == 1


def zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "không phải Excel")
    return buffer.getvalue()


def saved(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def without_sheet() -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(excel.import_template()))
    del book["Giải ngân"]
    return saved(book)


def without_column() -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(excel.import_template()))
    book["Đề án"].delete_cols(3)  # Mã tỉnh
    book["Đề án"].append(["X-1", "Tên"])
    return saved(book)


def damaged() -> bytes:
    content = excel.import_template()
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, b"<not xml" if item.filename == "xl/workbook.xml" else data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: b"", "rỗng"),
        (lambda: bytes(range(256)) * 40, "không phải sổ tính Excel"),
        (lambda: b"%PDF-1.7\n" + b"0" * 2000, "không phải sổ tính Excel"),
        (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, ".xls"),
        (zip_without_workbook, "không phải sổ tính Excel"),
        (damaged, "bị hỏng"),
        (lambda: saved(openpyxl.Workbook()), "Thiếu trang “Đề án”"),
        (without_sheet, "Thiếu trang “Giải ngân”"),
        (without_column, "Dòng tiêu đề thiếu cột “Mã tỉnh”"),
        (lambda: b"PK\x03\x04" + b"x" * (excel.MAX_BYTES + 10), "lớn hơn 5 MB"),
    ],
    ids=["empty", "random", "pdf", "xls", "zip", "damaged", "blank-workbook", "no-sheet", "no-column", "too-big"],
)
def test_malformed_files_are_refused_with_a_clear_message(tayninh_officer, make, expected):
    before = counts()
    with pytest.raises(excel.ImportErrors) as caught:
        excel.import_workbook(upload(make()), by=tayninh_officer)
    assert any(expected in error["message"] for error in caught.value.errors), caught.value.errors
    assert counts() == before


def test_too_many_rows_are_refused(tayninh_officer):
    content = workbook(projects=[project_row(code=f"N-{n}") for n in range(excel.MAX_ROWS + 1)])
    with pytest.raises(excel.ImportErrors) as caught:
        excel.import_workbook(upload(content), by=tayninh_officer)
    assert [(e["row"], e["message"]) for e in caught.value.errors] == [
        (excel.MAX_ROWS + 2, "Tệp có hơn 5.000 dòng dữ liệu; hãy chia thành nhiều tệp.")
    ]


def edited(content: bytes, edit) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(content))
    edit(book[excel.PROJECT_SHEET])
    return saved(book)


def letter_of(key: str) -> str:
    return openpyxl.utils.get_column_letter([c.key for c in excel.PROJECT_COLUMNS].index(key) + 1)


@freeze_time(TODAY)
@pytest.mark.parametrize("damage", ["merged", "blank", "renamed", "repeated"])
def test_values_under_no_usable_header_are_refused_naming_the_cells(tayninh_officer, damage):
    """50,000,000 of counterpart must not become 0 because its header was merged away, blanked or renamed."""
    counterpart, support = letter_of("counterpart"), letter_of("approved_support")
    content = workbook(
        projects=[project_row(code="H-1"), project_row(code="H-2", counterpart=None), project_row(code="H-3")]
    )

    def damaged_header(sheet):
        if damage == "merged":  # "Kinh phí hỗ trợ" spread over its neighbour: K1 loses "Vốn đối ứng"
            sheet.merge_cells(f"{support}1:{counterpart}1")
        elif damage == "blank":
            sheet[f"{counterpart}1"] = None
        elif damage == "renamed":
            sheet[f"{counterpart}1"] = "Vốn của cơ sở"
        else:
            sheet[f"{counterpart}1"] = "Kinh phí hỗ trợ"

    before = counts()
    with pytest.raises(excel.ImportErrors) as caught:
        excel.import_workbook(upload(edited(content, damaged_header)), by=tayninh_officer)
    assert counts() == before
    assert [(e["sheet"], e["row"], e["column"]) for e in caught.value.errors] == [("Đề án", 2, counterpart)]
    message = caught.value.errors[0]["message"]
    assert f"{counterpart}2, {counterpart}4" in message and f"{counterpart}3" not in message  # row 3 is empty
    expected = {
        "merged": "để trống hoặc bị gộp",
        "blank": "để trống hoặc bị gộp",
        "renamed": "“Vốn của cơ sở”",
        "repeated": "trùng",
    }[damage]
    assert expected in message, message


@freeze_time(TODAY)
def test_a_stray_value_beyond_the_last_column_is_refused(tayninh_officer):
    content = workbook(projects=[project_row(code="S-1")])
    beyond = openpyxl.utils.get_column_letter(len(excel.PROJECT_COLUMNS) + 2)

    def note_beyond(sheet):
        sheet[f"{beyond}2"] = "ghi chú bên lề"

    with pytest.raises(excel.ImportErrors) as caught:
        excel.import_workbook(upload(edited(content, note_beyond)), by=tayninh_officer)
    assert [(e["row"], e["column"]) for e in caught.value.errors] == [(2, beyond)]
    assert not Project.objects.filter(code="S-1").exists()


@freeze_time(TODAY)
def test_a_blank_optional_header_over_empty_cells_is_harmless(tayninh_officer):
    content = workbook(projects=[project_row(code="E-1", other_sources=None)])

    def blank_other_sources(sheet):
        sheet[f"{letter_of('other_sources')}1"] = None

    excel.import_workbook(upload(edited(content, blank_other_sources)), by=tayninh_officer)
    assert Project.objects.get(code="E-1").counterpart == 50_000_000


# ------------------------------------------------------------------------------------------------ views


@freeze_time(TODAY)
def test_import_view_refuses_a_bad_file_then_imports_a_good_one(client, tayninh_officer, approved_project):
    url = reverse("projects:import")
    client.force_login(tayninh_officer)
    assert client.get(url).status_code == 200
    bad = workbook(projects=[project_row(code="V-1", activity="KC99")])
    response = client.post(url, {"file": upload(bad)})
    assert response.status_code == 200 and not Project.objects.filter(code="V-1").exists()
    assert "Mã nội dung" in response.content.decode() and "KC99" in response.content.decode()
    response = client.post(url, {"file": upload(b"%PDF-1.7 not a workbook", name="ke-hoach.xlsx")})
    assert response.status_code == 200 and "không phải sổ tính Excel" in response.content.decode()
    good = workbook(projects=[project_row(code="V-1")], money=[money_row(approved_project.code)])
    response = client.post(url, {"file": upload(good)})
    assert response.status_code == 302 and response["Location"] == reverse("projects:list")
    assert Project.objects.filter(code="V-1", status=Status.PROPOSED).exists()
    assert approved_project.money_entries.count() == 1


def test_import_view_is_for_provincial_staff_only(client, settings, tayninh_officer, ministry_staff):
    # the role rule under test, not the second-factor gate that holds ministry staff first
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if "otp" not in name.lower()]
    client.force_login(tayninh_officer)
    assert client.get(reverse("projects:import")).status_code == 200
    client.force_login(ministry_staff)
    assert client.post(reverse("projects:import"), {"file": upload(workbook())}).status_code == 403


def test_the_import_and_the_service_give_one_message_for_one_rule(tayninh_officer):
    """The column limits live in services.validate_project_data: the import reports the service's words."""
    content = workbook(projects=[project_row(code="X" * 41, title="T" * 501, location="L" * 256)])
    with pytest.raises(excel.ImportErrors) as caught:
        excel.import_workbook(upload(content), by=tayninh_officer)
    imported = {e["column"]: e["message"] for e in caught.value.errors}
    with pytest.raises(ValidationError) as refused:
        services.validate_project_data({"code": "X" * 41, "title": "T" * 501, "location": "L" * 256})
    assert refused.value.message_dict == {
        "code": ["Mã dài quá 40 ký tự."],
        "title": ["Tên đề án dài quá 500 ký tự."],
        "location": ["Địa điểm dài quá 255 ký tự."],
    }
    assert sorted(imported.values()) == sorted(m for ms in refused.value.message_dict.values() for m in ms)
