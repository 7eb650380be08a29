"""The report page names its version in words, as the report list does ("phiên bản 2"), not "v2"."""

import pytest
from django.urls import reverse

from reports import services
from reports.models import Report
from reports.tests.test_reports import TODAY, report_settings, tayninh_data  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_the_report_page_title_says_version_in_vietnamese(
    client,
    report_settings,  # noqa: F811
    tayninh_data,  # noqa: F811
    tayninh_officer,
):
    services.reports_sweep(today=TODAY)
    report = Report.objects.get(province=tayninh_data.province)
    client.force_login(tayninh_officer)
    html = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "<h1>Quý 3/2026 · Tây Ninh · phiên bản 1</h1>" in html
    assert "· v1" not in html
