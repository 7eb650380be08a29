"""The documents a report is: the official PDF (Decree 30/2020 form, vendored font, signer, watermark, tables
that do not split), the workbook read back, file names, and the regional report's own life (written, issued,
frozen, listed by the API, new versions). PDFs are read with poppler (pdffonts, pdftotext) as a reader would."""

import datetime
import io
import re
import subprocess
import tempfile

import pytest
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time
from openpyxl import load_workbook

from periods import services as periods
from periods.models import PeriodKind
from projects import services as project_services
from projects.tests import factories
from projects.tests.test_api import client_for
from provinces.models import Province, User
from reports import charts, documents, services
from reports.models import Report

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 28)
DEPARTMENT = "Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công"
# Words of the English side of the report's texts (chart legends, labels, statuses): none may show on a
# Vietnamese document.
ENGLISH = {
    "the", "and", "of", "by", "plan", "planned", "disbursed", "approved", "support", "quarter", "months", "year",
    "page", "pages", "draft", "total", "province", "provinces", "fund", "national", "local", "execution", "rate",
    "bn", "signer", "report", "submitted", "accepted", "returned", "cut", "off", "activity", "no", "progress",
}  # fmt: skip


def _poppler(tool: str, content: bytes, *args: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        command = [tool, *args, handle.name, *(["-"] if tool == "pdftotext" else [])]
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def text_of(content: bytes, *, page: int | None = None) -> str:
    """pdftotext -raw (content order: a lone "0 đ" keeps its space, which the layout heuristics drop)."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return _poppler("pdftotext", content, "-raw", *pages)


def fonts_of(content: bytes) -> list[str]:
    lines = _poppler("pdffonts", content).splitlines()[2:]
    return [line.split()[0].split("+")[-1] for line in lines if line.strip()]


def stored_pdf(report: Report) -> bytes:
    report.refresh_from_db()
    with report.pdf.open("rb") as handle:
        return handle.read()


@pytest.fixture
def period_due(settings):
    settings.REPORTS_PERIOD_KINDS = ["quarter"]
    settings.REPORTS_LOOKBACK_DAYS = 100  # Q3/2026 is the only quarter due on 28/11/2026


@pytest.fixture
def tayninh_year(tayninh_officer, tayninh_approver):
    """Tây Ninh: 2026 plan 200 million, 40 million disbursed by the Q3 cut-off (20%); 2025 plan 100 million,
    30 million by its Q3 cut-off (30%): a change of −10 points."""
    province = tayninh_officer.unit.province
    with freeze_time("2026-03-01"):
        project = factories.approve(
            factories.make_project(by=tayninh_officer), officer=tayninh_officer, approver=tayninh_approver
        )
    with freeze_time("2025-08-01"):
        last = factories.approve(
            factories.make_project(
                by=tayninh_officer,
                year=2025,
                start=datetime.date(2025, 7, 15),
                end=datetime.date(2025, 12, 31),
                title="Hỗ trợ lò sấy nông sản năm 2025",
            ),
            officer=tayninh_officer,
            approver=tayninh_approver,
        )
        project_services.money_entry_add(
            project=last, by=tayninh_officer, kind="disbursement", amount=30_000_000, date=datetime.date(2025, 8, 1)
        )
    factories.make_plan(province, 2026, "local", 200_000_000)
    factories.make_plan(province, 2025, "local", 100_000_000)
    with freeze_time("2026-11-20"):
        project_services.money_entry_add(
            project=project, by=tayninh_officer, kind="disbursement", amount=40_000_000, date=datetime.date(2026, 8, 1)
        )
    return project


@pytest.fixture
def generated(period_due, tayninh_year, django_capture_on_commit_callbacks):
    with freeze_time("2026-11-28 10:00:00+07:00"), django_capture_on_commit_callbacks(execute=True):
        services.reports_sweep(today=TODAY)
    return {
        "tayninh": Report.objects.get(province=tayninh_year.province),
        "regional": Report.objects.get(province__isnull=True),
    }


def _submit(report, by, capture):
    with freeze_time("2026-11-28 10:00:00+07:00"), capture(execute=True):
        return services.report_submit(report=report, by=by)


# ---- the regional report's own life ------------------------------------------------------------------


def test_the_regional_report_is_written_issued_frozen_and_listed_by_the_api(
    generated, ministry_staff, tayninh_officer, django_capture_on_commit_callbacks
):
    regional = generated["regional"]
    regional = services.report_narrative_save(
        report=regional, by=ministry_staff, expected_version=regional.edit_version, achievements="Các tỉnh hoàn thành."
    )
    client = client_for(ministry_staff)
    listed = {row["id"] for row in client.get("/api/v1/reports/").json()["results"]}
    assert regional.pk not in listed  # a draft is not listed by default

    regional = _submit(regional, ministry_staff, django_capture_on_commit_callbacks)
    assert regional.status == Report.Status.SUBMITTED and regional.snapshot["number"] == 1
    assert regional.snapshot["signer"] == {"authority": "KT. CỤC TRƯỞNG", "title": "PHÓ CỤC TRƯỞNG",
                                           "name": "Nguyễn Thị Minh"}  # fmt: skip
    first_pdf, frozen = stored_pdf(regional), regional.snapshot
    first_sha = regional.pdf_sha256
    with freeze_time("2026-11-28"):  # a later entry in the period's window
        project_services.money_entry_add(
            project=generated["tayninh"].province.projects.get(plan_year=2026),
            by=tayninh_officer,
            kind="disbursement",
            amount=10_000_000,
            date=datetime.date(2026, 9, 1),
        )
    assert services.report_request_generation(report_id=regional.pk) is False
    regional.refresh_from_db()
    assert regional.snapshot == frozen and regional.pdf_sha256 == first_sha and stored_pdf(regional) == first_pdf

    body = client.get("/api/v1/reports/", {"regional": "true"}).json()
    assert [row["id"] for row in body["results"]] == [regional.pk]
    assert body["results"][0]["status"] == "submitted" and body["results"][0]["pdf"]["sha256"] == first_sha


def test_only_ministry_staff_with_a_signers_profile_issue_the_regional_report(
    generated, tayninh_approver, ministry_staff, django_capture_on_commit_callbacks
):
    from django.core.exceptions import PermissionDenied, ValidationError

    regional = generated["regional"]
    with pytest.raises(PermissionDenied):
        services.report_submit(report=regional, by=tayninh_approver)
    with pytest.raises(PermissionDenied):
        services.report_narrative_save(report=regional, by=tayninh_approver, expected_version=1, proposals="x")
    ministry_staff.job_title = ""
    ministry_staff.save()
    with pytest.raises(ValidationError, match="chức vụ"):
        services.report_submit(report=regional, by=ministry_staff)
    regional.refresh_from_db()
    assert regional.status == Report.Status.DRAFT and regional.submitted_at is None  # nothing half-saved


def test_the_api_issues_the_regional_report_for_ministry_staff_only(
    generated, tayninh_approver, ministry_staff, django_capture_on_commit_callbacks
):
    url = f"/api/v1/reports/{generated['regional'].pk}/submit/"
    refused = client_for(tayninh_approver).post(url, {}, format="json")
    assert refused.status_code == 404  # outside a province's scope altogether
    with freeze_time("2026-11-28 10:00:00+07:00"), django_capture_on_commit_callbacks(execute=True):
        response = client_for(ministry_staff).post(url, {}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["regional"] is True and body["submitted_by"] == "Nguyễn Thị Minh"


def test_an_issued_regional_report_gets_a_new_version_and_keeps_the_signed_one(
    client, generated, ministry_staff, django_capture_on_commit_callbacks
):
    regional = _submit(generated["regional"], ministry_staff, django_capture_on_commit_callbacks)
    signed = stored_pdf(regional)
    client.force_login(ministry_staff)
    page = client.get(reverse("reports:detail", args=[regional.pk])).content.decode()
    assert reverse("reports:new_version", args=[regional.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:new_version", args=[regional.pk]))
    second = Report.objects.get(province__isnull=True, version=2)
    assert response.status_code == 302 and response["Location"] == reverse("reports:detail", args=[second.pk])
    assert second.status == Report.Status.DRAFT and second.generation == Report.Generation.READY
    assert stored_pdf(regional) == signed
    assert client.post(reverse("reports:new_version", args=[regional.pk])).status_code == 302
    assert Report.objects.filter(province__isnull=True).count() == 2  # a second press adds nothing
    page = client.get(reverse("reports:detail", args=[second.pk])).content.decode()
    assert reverse("reports:submit", args=[second.pk]) in page and "Ban hành báo cáo" in page
    with freeze_time("2026-11-29 09:00:00+07:00"), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:submit", args=[second.pk]))
    second.refresh_from_db()
    assert second.status == Report.Status.SUBMITTED and second.snapshot["number"] == 2
    assert "phiên bản 2" in text_of(stored_pdf(second))


def test_an_accepted_report_reads_received_not_the_word_for_a_project(
    client, generated, tayninh_approver, ministry_staff, django_capture_on_commit_callbacks
):
    report = _submit(generated["tayninh"], tayninh_approver, django_capture_on_commit_callbacks)
    services.report_review(report=report, by=ministry_staff, accept=True)
    client.force_login(ministry_staff)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "đã tiếp nhận" in page and "nghiệm thu" not in page


# ---- the PDF as an official document -------------------------------------------------------------------


def test_submitted_reports_read_as_signed_official_documents(
    generated, tayninh_approver, ministry_staff, django_capture_on_commit_callbacks
):
    province = _submit(generated["tayninh"], tayninh_approver, django_capture_on_commit_callbacks)
    regional = _submit(generated["regional"], ministry_staff, django_capture_on_commit_callbacks)
    for report, signer in [
        (province, ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Lê Thị Bình"]),
        (regional, ["KT. CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG", "Nguyễn Thị Minh"]),
    ]:
        content = stored_pdf(report)
        assert set(fonts_of(content)) == {
            "Liberation-Serif", "Liberation-Serif-Bold", "Liberation-Serif-Italic", "Liberation-Serif-Bold-Italic"
        }  # fmt: skip
        text = text_of(content)
        flat = " ".join(text.split())
        for expected in [*signer, "Nơi nhận:", DEPARTMENT, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                         "Độc lập - Tự do - Hạnh phúc", "Số: 01/BC-", "ngày 28 tháng 11 năm 2026"]:  # fmt: skip
            assert expected in flat, (report, expected)
        assert "−10,0 điểm" in flat  # 20% against 30% a year before
        assert "BẢN NHÁP" not in flat
        words = set(re.findall(r"[^\W\d_]+", text.lower()))
        assert not words & ENGLISH, words & ENGLISH
        # the last page carries the last lines with the signature, never the signature alone
        pages = int(re.search(r"Pages:\s+(\d+)", _poppler("pdfinfo", content)).group(1))
        last = " ".join(text_of(content, page=pages).split())
        assert signer[-1] in last and "3. Đề xuất, kiến nghị" in last
    region_text = " ".join(text_of(stored_pdf(regional)).split())
    assert "BỘ CÔNG THƯƠNG CỤC ĐỔI MỚI SÁNG TẠO, CHUYỂN ĐỔI XANH VÀ KHUYẾN CÔNG" in region_text
    assert "Tình hình gửi báo cáo của các tỉnh, thành phố" in region_text
    assert "Tây Ninh 1 28/11/2026 Rất chậm" in region_text  # submitted 70 days after the deadline
    assert "Đúng hạn 0; chậm 1; chưa gửi 8" in region_text


def test_a_draft_carries_the_watermark_on_every_page_and_no_signer(generated):
    report = generated["tayninh"]
    content = stored_pdf(report)
    pages = int(re.search(r"Pages:\s+(\d+)", _poppler("pdfinfo", content)).group(1))
    for page in range(1, pages + 1):
        assert "BẢN NHÁP" in text_of(content, page=page)
    flat = " ".join(text_of(content).split())
    assert "Lê Thị Bình" not in flat and "Số: /BC-SCT" in flat


def test_page_numbers_stand_at_the_top_from_the_second_page(generated):
    content = stored_pdf(generated["regional"])
    first = _poppler("pdftotext", content, "-layout", "-f", "1", "-l", "1").strip().splitlines()
    second = _poppler("pdftotext", content, "-layout", "-f", "2", "-l", "2").strip().splitlines()
    assert first[0].strip() != "1" and second[0].strip() == "2"


def _split_rows(content: bytes, names: set[str]) -> list[str]:
    """Rows whose three lines do not all stand on the page where the row's name is (pdftotext -raw gives a
    row as its name, an optional "gồm …" note, then the KCQG, KCĐP and Cộng lines)."""
    split = []
    for page in text_of(content).split("\f"):
        lines = [" ".join(line.split()) for line in page.splitlines()]
        starts = [(n, name) for n, line in enumerate(lines) for name in names
                  if line == name or line.startswith(f"{name} KCQG")]  # fmt: skip
        ends = [n for n, _name in starts[1:]] + [len(lines)] if starts else []
        for (n, name), following in zip(starts, ends, strict=True):
            if not any(line.startswith("Cộng ") for line in lines[n:following]):
                split.append(name)
    return split


@pytest.mark.parametrize("count", [9, 14, 19, 27])
def test_one_provinces_lines_never_split_across_pages(period_due, reference_data, count):
    """Rows of many heights (notes of merged provinces from none to ten names) over several pages: every
    page break falls between two provinces, and every province is found."""
    from reports import snapshot

    report = Report.objects.create(period=periods.period_get_or_create(kind=PeriodKind.QUARTER, year=2025, number=3))
    report.snapshot = snapshot.build(report, today=TODAY)
    base = report.snapshot["rows"][0]
    report.snapshot["rows"] = [
        dict(base, name=f"Tỉnh thử nghiệm {i:02d}", merged=[f"Tỉnh cũ thứ {k}" for k in range((i * 7) % 11)])
        for i in range(count)
    ]
    names = {row["name"] for row in report.snapshot["rows"]}
    content, pages = documents.report_pdf(report)
    assert pages >= 3 and _split_rows(content, names) == []
    found = {name for name in names if re.search(rf"^{name}( KCQG|$)", text_of(content), re.M)}
    assert found == names


def test_charts_speak_the_readers_language_and_small_amounts_keep_their_size():
    from decimal import Decimal

    with translation.override("vi"):
        assert charts.short_amount(Decimal(350_000_000)) == "350 triệu"
        assert charts.short_amount(Decimal(12_345_000_000)) == "12,3 tỷ"
        assert charts.short_amount(Decimal(0)) == "0"
        from types import SimpleNamespace

        name = "Ứng dụng máy móc thiết bị tiên tiến, chuyển giao công nghệ vào sản xuất công nghiệp nông thôn"
        figures = SimpleNamespace(planned=Decimal(5 * 10**8), disbursed=Decimal(10**8))
        item = SimpleNamespace(code="KC03", name=name, figures=figures)
        svg = str(charts.activity_bars([item], title="t", desc="d", font=charts.SERIF))
        assert "kinh phí hỗ trợ được duyệt" in svg and "đã giải ngân" in svg and "approved" not in svg
        assert "100 triệu / 500 triệu" in svg and "0,0 tỷ" not in svg
        spans = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
        assert len(spans) == 2 and all(len(span) <= 40 for span in spans)  # wrapped, never clipped
    with translation.override("en"):
        svg = str(charts.activity_bars([item], title="t", desc="d"))
        assert "approved support" in svg and "100 m / 500 m" in svg


# ---- the workbook and file names ----------------------------------------------------------------------


def test_the_workbook_reads_back_with_frozen_headers_filters_formats_and_totals(
    generated, tayninh_approver, ministry_staff, django_capture_on_commit_callbacks
):
    province = _submit(generated["tayninh"], tayninh_approver, django_capture_on_commit_callbacks)
    book = load_workbook(io.BytesIO(documents.report_xlsx(province)))
    # a quarter: its own window, then the cumulative one; the notes say how the merger's window was counted
    assert book.sheetnames == [
        "Tổng hợp",
        "Theo địa bàn",
        "Lũy kế từ đầu năm",
        "Lũy kế theo địa bàn",
        "Theo nội dung",
        "Theo năm",
        "Đề án",
        "Ghi chú",
    ]
    assert "15/06/2026 đến 14/09/2026" in book["Tổng hợp"]["A1"].value
    cumulative = book["Lũy kế từ đầu năm"]
    assert "Lũy kế từ đầu năm đến hết quý 3/2026, số liệu từ 15/12/2025 đến 14/09/2026" in cumulative["A1"].value
    assert cumulative.cell(6, 9).value == pytest.approx(-10.0) and cumulative.cell(3, 9).value == "Tăng/giảm (điểm)"
    assert "01/07/2025" in book["Ghi chú"]["A4"].value
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref.startswith("A3:")
        assert all(sheet.column_dimensions[letter].width >= 8 for letter in "AB")
    summary = book["Tổng hợp"]
    header = [cell.value for cell in summary[3]]
    assert header[:5] == ["Nguồn kinh phí", "Nguồn", "Kế hoạch (đồng)", "Giải ngân (đồng)", "Tỷ lệ"]
    total = list(summary[6])
    assert total[0].value == "Tổng cộng" and total[0].font.b
    assert total[2].value == 200_000_000 and total[2].number_format == "#,##0"
    assert total[4].value == pytest.approx(0.2) and total[4].number_format == "0.0%"
    assert total[8].value == pytest.approx(-10.0) and "điểm" in total[8].number_format
    assert summary.auto_filter.ref == "A3:I5"  # the totals row stays out of the filter
    projects = book["Đề án"]
    assert projects["A4"].value == generated["tayninh"].province.projects.get(plan_year=2026).code
    assert projects["F4"].number_format == "#,##0" and isinstance(projects["F4"].value, int)
    last = projects.max_row
    assert projects.cell(last, 1).value == "Tổng cộng: 1 đề án" and projects.cell(last, 6).value == 100_000_000
    assert projects.cell(last, 8).value == pytest.approx(0.4) and projects.cell(last, 8).number_format == "0.0%"

    regional = _submit(generated["regional"], ministry_staff, django_capture_on_commit_callbacks)
    book = load_workbook(io.BytesIO(documents.report_xlsx(regional)))
    assert book.sheetnames == [
        "Tổng hợp",
        "Theo tỉnh",
        "Lũy kế từ đầu năm",
        "Lũy kế theo tỉnh",
        "Theo nội dung",
        "Theo năm",
        "Tình hình báo cáo",
        "Ghi chú",
    ]
    status = book["Tình hình báo cáo"]
    assert status.freeze_panes == "A4" and status.auto_filter.ref == "A3:D12"  # 9 provinces
    assert status.cell(13, 4).value == "đúng hạn 0; chậm 1; chưa gửi 8"
    tayninh = next(row for row in status.iter_rows(min_row=4, max_row=12) if row[0].value == "Tây Ninh")
    assert tayninh[2].number_format == "dd/mm/yyyy" and tayninh[2].value.date() == datetime.date(2026, 11, 28)


def test_a_title_that_looks_like_a_formula_stays_text(generated, tayninh_officer):
    project = generated["tayninh"].province.projects.get(plan_year=2026)
    project.title = '=HYPERLINK("http://x")'
    project.save(update_fields=["title"])
    report = generated["tayninh"]
    from reports import snapshot

    report.snapshot = snapshot.build(report, today=TODAY)
    cell = load_workbook(io.BytesIO(documents.report_xlsx(report)))["Đề án"]["B4"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_file_names_keep_the_period_and_the_letter_d(client, generated, ministry_staff, language):
    report = generated["tayninh"]
    assert documents.file_name(report, "pdf") == "bao-cao-quy-3-2026-tay-ninh-v1.pdf"
    nine = Report(period=periods.period_get_or_create(kind=PeriodKind.NINE_MONTHS, year=2026, number=1))
    nine.province = Province.objects.get(code=75, code_set=2025)
    assert documents.file_name(nine, "xlsx") == "bao-cao-9-thang-dau-nam-2026-dong-nai-v1.xlsx"
    client.force_login(ministry_staff)
    client.cookies["django_language"] = language
    with translation.override(language):
        response = client.get(reverse("reports:download", args=[generated["regional"].pk, "pdf"]))
        api = client_for(ministry_staff).get(f"/api/v1/reports/{report.pk}/pdf/?include_drafts=true")
    assert 'filename="bao-cao-quy-3-2026-khu-vuc-phia-nam-v1.pdf"' in response["Content-Disposition"]
    assert 'filename="bao-cao-quy-3-2026-tay-ninh-v1.pdf"' in api["Content-Disposition"]


def test_the_conference_dossier_has_the_official_form(client, ministry_staff, reference_data):
    from django.core.management import call_command

    from conferences.models import Conference

    call_command("load_conferences", verbosity=0)
    conference = Conference.objects.get(year=2022)
    client.force_login(ministry_staff)
    content = client.get(reverse("conferences:dossier", args=[conference.pk])).content
    assert set(fonts_of(content)) <= {
        "Liberation-Serif", "Liberation-Serif-Bold", "Liberation-Serif-Italic", "Liberation-Serif-Bold-Italic"
    }  # fmt: skip
    flat = " ".join(text_of(content).split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat and "HỒ SƠ HỘI NGHỊ" in flat
    assert "BỘ CÔNG THƯƠNG" in flat and "ngày 13 tháng 10 năm 2022" in flat


def test_signature_lines_follow_the_profile():
    person = User(
        first_name="Trần Văn Hòa", job_title="Chánh Văn phòng", signing_authority="TL", head_title="Cục trưởng"
    )
    assert person.signature() == {"authority": "TL. CỤC TRƯỞNG", "title": "CHÁNH VĂN PHÒNG", "name": "Trần Văn Hòa"}
    person.signing_authority, person.head_title = "Q", "Giám đốc"
    assert person.signature() == {"authority": "", "title": "Q. GIÁM ĐỐC", "name": "Trần Văn Hòa"}
    person.signing_authority, person.job_title = "", "Giám đốc"
    assert person.signature()["title"] == "GIÁM ĐỐC" and not person.signature()["authority"]
    assert User(first_name="X").signature() is None


def test_signing_for_the_head_needs_the_heads_position(reference_data):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        User.objects.create(username="kt", job_title="Phó Giám đốc", signing_authority="KT", head_title="")
