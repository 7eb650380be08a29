"""The period as a spreadsheet: downloaded prefilled, filled offline, uploaded back with the grid's own checks,
all or nothing, errors by row and column; large files read in the background with a progress page."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time
from openpyxl import load_workbook

from periods import services as periods  # period_get_or_create
from periods.models import PeriodKind
from projects import grid_excel, services
from projects.entry_periods import period_key as key  # noqa: E402
from projects.models import GridImport, MoneyEntry, ProgressUpdate
from projects.tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_on_the_day")]
M = 1_000_000
HEAD = {
    "code": "Mã đề án",
    "percent": "Khối lượng hoàn thành (%)",
    "narrative": "Tiến độ thực hiện",
    "amount": "Giải ngân mới (đồng)",
    "date": "Ngày giải ngân (dd/mm/yyyy)",
}


@pytest.fixture
def _on_the_day():
    with freeze_time("2026-11-20 09:00:00+07:00"):
        yield


@pytest.fixture
def q4():
    return periods.period_get_or_create(kind=PeriodKind.QUARTER, year=2026, number=4)


@pytest.fixture
def three(tayninh_officer, tayninh_approver):
    titles = ['=HYPERLINK("http://x")', "Đề án hai", "Đề án ba"]
    return [
        factories.approve(
            factories.make_project(by=tayninh_officer, title=t), officer=tayninh_officer, approver=tayninh_approver
        )
        for t in titles
    ]


def _download(client, period):
    response = client.get(reverse("projects:grid_export", args=[key(period)]))
    assert response.status_code == 200 and response["Content-Type"] == grid_excel.XLSX_TYPE
    if period.kind == "quarter":  # named in the portal's words: ky-nay-quy-4-2026.xlsx
        assert f'ky-nay-quy-{period.number}-{period.year}.xlsx"' in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def _fill(workbook, values_by_code: dict) -> SimpleUploadedFile:
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        code = row[header.index(HEAD["code"])].value
        for column, value in values_by_code.get(code, {}).items():
            row[header.index(HEAD[column])].value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("ky-nay.xlsx", buffer.getvalue())


def _upload(client, period, upload):
    return client.post(reverse("projects:grid_import", args=[key(period)]), {"file": upload})


def test_the_period_round_trips_through_a_spreadsheet(client, tayninh_officer, q4, three):
    services.progress_save(project=three[1], period=q4, by=tayninh_officer, completion_percent="37,5", narrative="Cũ")
    client.force_login(tayninh_officer)
    workbook = _download(client, q4)
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["Mã đề án", "Tên đề án"] and HEAD["date"] in header
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert set(rows) == {p.code for p in three}
    title = rows[three[0].code][1]
    assert title.value.startswith("=HYPERLINK") and title.data_type == "s"  # text, never a formula
    assert rows[three[1].code][header.index(HEAD["percent"])].value == "37,5"
    assert rows[three[1].code][0].fill.fgColor.rgb.endswith("E5E7EB")  # read-only columns are grey

    upload = _fill(
        workbook,
        {
            three[0].code: {"percent": 60, "narrative": "Đã lắp máy", "amount": "15.000.000", "date": "10/11/2026"},
            three[1].code: {"percent": "40,5", "amount": 2_000_000, "date": datetime.datetime(2026, 11, 12)},
        },
    )
    response = _upload(client, q4, upload)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ProgressUpdate.objects.get(project=three[0]).completion_percent == 60
    assert ProgressUpdate.objects.get(project=three[1]).completion_percent == Decimal("40.5")
    assert ProgressUpdate.objects.get(project=three[1]).narrative == "Cũ"  # kept as downloaded
    assert not ProgressUpdate.objects.filter(project=three[2]).exists()  # untouched rows save nothing
    assert list(MoneyEntry.objects.order_by("amount").values_list("amount", "date")) == [
        (2 * M, datetime.date(2026, 11, 12)),
        (15 * M, datetime.date(2026, 11, 10)),
    ]
    # downloaded again, the sheet carries what was saved
    again = {row[0].value: row for row in _download(client, q4).worksheets[0].iter_rows(min_row=2)}
    assert again[three[0].code][header.index(HEAD["percent"])].value == "60"


def test_one_bad_row_saves_nothing_and_errors_name_row_and_column(client, tayninh_officer, q4, three):
    client.force_login(tayninh_officer)
    upload = _fill(
        _download(client, q4),
        {
            three[0].code: {"percent": 50},
            three[1].code: {"percent": 20, "amount": "abc"},
            three[2].code: {"percent": 130, "date": "31/02/2026", "amount": "1.000.000"},
        },
    )
    response = _upload(client, q4, upload)
    assert response.status_code == 422
    errors = response.context["errors"]
    assert {(e["row"], e["column"]) for e in errors} == {
        (3, "Giải ngân mới (đồng)"),
        (4, "Khối lượng hoàn thành (%)"),
        (4, "Ngày giải ngân (dd/mm/yyyy)"),
    }
    html = response.content.decode()
    assert "chưa có dữ liệu nào được nhập" in html and "Nhập số tiền nguyên" in html
    assert not ProgressUpdate.objects.exists() and not MoneyEntry.objects.exists()


def test_a_sheet_of_another_period_or_another_province_is_refused(client, tayninh_officer, cantho_officer, q4, three):
    client.force_login(tayninh_officer)
    q3 = periods.period_get_or_create(kind=PeriodKind.QUARTER, year=2026, number=3)
    upload = _fill(_download(client, q3), {})
    response = _upload(client, q4, upload)
    assert "tải về cho một kỳ khác" in response.content.decode()
    workbook = _download(client, q4)
    client.force_login(cantho_officer)
    response = _upload(client, q4, _fill(workbook, {three[0].code: {"percent": 10}}))
    assert response.status_code == 422
    assert response.context["errors"][0]["column"] == "Mã đề án"
    assert three[0].code.encode() not in client.get(reverse("projects:grid_export", args=[key(q4)])).content
    assert not ProgressUpdate.objects.exists()


def test_a_large_upload_runs_in_the_background_with_a_progress_page(
    client, tayninh_officer, cantho_officer, q4, three, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(grid_excel, "SYNC_MAX_ROWS", 2)
    client.force_login(tayninh_officer)
    upload = _fill(_download(client, q4), {p.code: {"percent": 30 + i} for i, p in enumerate(three)})
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, q4, upload)
    job = GridImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("projects:grid_import_job", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.saved, job.rows_done, job.rows_total) == ("done", 3, 3, 3)
    assert sorted(ProgressUpdate.objects.values_list("completion_percent", flat=True)) == [30, 31, 32]
    page = client.get(response["Location"]).content.decode()
    assert "3 dòng đã được lưu" in page
    status = client.get(response["Location"], HTTP_ACCEPT="application/json").json()
    assert status == {"status": "done", "finished": True, "done": 3, "total": 3}
    client.force_login(cantho_officer)
    assert client.get(response["Location"]).status_code == 404


def test_a_large_upload_with_one_bad_row_is_refused_whole_in_the_background(
    client, tayninh_officer, q4, three, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(grid_excel, "SYNC_MAX_ROWS", 2)
    client.force_login(tayninh_officer)
    values = {three[0].code: {"percent": 10}, three[1].code: {"percent": "x"}, three[2].code: {"percent": 12}}
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, q4, _fill(_download(client, q4), values))
    job = GridImport.objects.get()
    assert job.status == "refused" and [e["row"] for e in job.errors] == [3]
    assert not ProgressUpdate.objects.exists()
    assert "Nhập tỉ lệ phần trăm" in client.get(reverse("projects:grid_import_job", args=[job.pk])).content.decode()
