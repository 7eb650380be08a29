"""The report PDF says what each chart shows, and a chart's title stays on the page of its chart."""

import datetime
import io

import pytest
from freezegun import freeze_time
from pypdf import PdfReader

from reports import services
from reports.models import Report
from reports.tests.test_reports import TODAY, report_settings, tayninh_data  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def page_texts(report: Report) -> list[str]:
    report.refresh_from_db()
    with report.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_each_chart_of_a_province_report_has_its_title_on_its_page(
    report_settings,  # noqa: F811
    tayninh_data,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with freeze_time("2026-11-28 10:00:00+07:00"), django_capture_on_commit_callbacks(execute=True):
        services.reports_sweep(today=TODAY)
    pages = page_texts(Report.objects.get(province=tayninh_data.province))

    def page_of(text: str) -> str:
        (found,) = [page for page in pages if text in page]
        return found

    rates = page_of("Biểu đồ 1. Tỷ lệ giải ngân so với kế hoạch theo địa bàn")
    assert "100%" in rates  # the chart's full-plan line, drawn in the same block
    activities = page_of("Biểu đồ 2. Kinh phí hỗ trợ được duyệt và đã giải ngân theo nội dung hoạt động")
    assert "kinh phí hỗ trợ được duyệt" in activities.split("Biểu đồ 2.")[1]  # the legend follows its title
    series = page_of("Biểu đồ 3. Kế hoạch và giải ngân lũy kế đến ngày chốt từng quý, qua các năm")
    assert str(datetime.date(2026, 1, 1).year) in series.split("Biểu đồ 3.")[1]  # the years' axis follows
