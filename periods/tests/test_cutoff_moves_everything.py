"""A cut-off rule on the 20th from 2026 moves "Kỳ này", the sweep, the dashboards' windows and the API's
periods together: every one of them asks the same Calendar."""

import datetime

import pytest
from django.urls import reverse
from freezegun import freeze_time

from periods.models import CutoffRule, PeriodKind, ReportingPeriod
from reports import figures
from reports import services as report_services

D = datetime.date


@pytest.fixture
def cut_on_the_20th(db):
    for kind in PeriodKind.values:
        CutoffRule.objects.create(kind=kind, end_day=20, valid_from=D(2026, 1, 1), legal_basis="Thử nghiệm")


@freeze_time("2026-09-16 09:00:00+07:00")
def test_this_period_page_shows_the_quarter_cut_on_the_20th(client, tayninh_officer, cut_on_the_20th):
    client.force_login(tayninh_officer)
    page = client.get(reverse("projects:this_period")).content.decode()
    # 16/09 is still in Q3: the window runs from the day after Q2's cut-off (20/06) to 20/09
    assert "Quý 3/2026" in page
    assert "21/06/2026 – 20/09/2026" in page and "hạn báo cáo 25/09/2026" in page
    assert not ReportingPeriod.objects.exists()  # the page read the period, it did not create it


def test_the_sweep_waits_for_the_20th(tayninh_officer, cut_on_the_20th):
    with freeze_time("2026-09-16 09:00:00+07:00"):
        report_services.reports_sweep()
    assert not ReportingPeriod.objects.filter(year=2026, kind__in=[PeriodKind.NINE_MONTHS]).exists()
    assert not ReportingPeriod.objects.filter(year=2026, kind=PeriodKind.QUARTER, number=3).exists()
    q2 = ReportingPeriod.objects.get(year=2026, kind=PeriodKind.QUARTER, number=2)
    assert (q2.starts_on, q2.ends_on) == (D(2026, 3, 21), D(2026, 6, 20))
    with freeze_time("2026-09-21 09:00:00+07:00"):
        report_services.reports_sweep()
    nine = ReportingPeriod.objects.get(year=2026, kind=PeriodKind.NINE_MONTHS)
    q3 = ReportingPeriod.objects.get(year=2026, kind=PeriodKind.QUARTER, number=3)
    # 2025 was cut on the 14th: the 2026 windows start the day after 14/12/2025, leaving no gap
    assert (nine.starts_on, nine.ends_on, q3.starts_on, q3.ends_on) == (
        D(2025, 12, 15),
        D(2026, 9, 20),
        D(2026, 6, 21),
        D(2026, 9, 20),
    )
    assert nine.reports.exists() and q3.reports.exists()


@freeze_time("2026-09-16 09:00:00+07:00")
def test_the_dashboards_windows_follow_the_rule(client, ministry_staff, cut_on_the_20th):
    info = figures.period_info(kind=PeriodKind.QUARTER, year=2026, number=3)
    assert (info.starts_on, info.ends_on) == (D(2026, 6, 21), D(2026, 9, 20))
    # the nine months are not cut yet on 16/09: the latest closed period is the half-year, cut on 20/06
    assert figures.default_period(D(2026, 9, 16)) == (2026, PeriodKind.HALF_YEAR, 1)
    client.force_login(ministry_staff)
    page = client.get(reverse("reports:regional_dashboard"), {"year": 2026, "period": "q3"}).content.decode()
    assert "số liệu từ 21/06/2026 đến 20/09/2026" in page


def test_the_api_lists_the_periods_the_sweep_cut_on_the_20th(client, tayninh_officer, cut_on_the_20th):
    with freeze_time("2026-09-21 09:00:00+07:00"):
        report_services.reports_sweep()
        client.force_login(tayninh_officer)
        response = client.get("/api/v1/reporting-periods/", {"year": 2026, "kind": "quarter"})
    assert response.status_code == 200
    windows = {(p["number"], p["starts_on"], p["ends_on"]) for p in response.json()["results"]}
    assert windows == {
        (1, "2025-12-15", "2026-03-20"),
        (2, "2026-03-21", "2026-06-20"),
        (3, "2026-06-21", "2026-09-20"),
    }
