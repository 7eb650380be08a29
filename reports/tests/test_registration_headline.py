"""The registration headline ("X/Y tỉnh đã đăng ký kế hoạch khuyến công quốc gia năm N") has one definition
(projects.selectors.RegistrationHeadline), and every page, report and figure set shows the same text.

Worked by hand: the ministry opened the 2023 registration on 30/09/2022 to the 20 southern provinces of that
day; 4 registered by the deadline, 1 after it, 15 not at all → registered 4 + 1 = 5 of the 20 opened:
"05/20 … năm 2023 (04 đúng hạn, 01 muộn)". The 2024 registration was never opened: no headline anywhere.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from periods import services as periods
from periods.models import PeriodKind
from projects import selectors as project_selectors
from projects import services as project_services
from projects.models import NationalPlanRegistration
from reports import figures, snapshot
from reports import selectors as report_selectors
from reports.models import Report

pytestmark = pytest.mark.django_db

EXPECTED = "05/20 tỉnh đã đăng ký kế hoạch khuyến công quốc gia năm 2023 (04 đúng hạn, 01 muộn)"
TODAY = datetime.date(2026, 11, 28)


@pytest.fixture
def opened_2023(ministry_staff):
    opened = project_services.registration_open(plan_year=2023, deadline=datetime.date(2022, 9, 30), by=ministry_staff)
    assert opened == 20  # the region's provinces on the deadline, before the merger
    rows = list(NationalPlanRegistration.objects.filter(plan_year=2023).order_by("province__code"))
    for row in rows[:4]:
        row.status = NationalPlanRegistration.Status.REGISTERED
        row.save()
    rows[4].status = NationalPlanRegistration.Status.LATE
    rows[4].save()
    return rows


def test_the_definition_counts_on_time_and_late_over_the_provinces_opened(opened_2023, ministry_staff):
    with translation.override("vi"):
        headline = project_selectors.registration_headline(plan_year=2023, province_ids=None)
        assert (headline.opened, headline.on_time, headline.late, headline.registered, headline.missing) == (
            20,
            4,
            1,
            5,
            15,
        )
        assert headline.text == EXPECTED
        assert headline.short == "05/20 (04 đúng hạn, 01 muộn)"
        assert headline.deadline == datetime.date(2022, 9, 30)
        # within a province set: only the rows opened to those provinces count
        first = opened_2023[0].province_id
        assert project_selectors.registration_headline(plan_year=2023, province_ids={first}).short == (
            "01/01 (01 đúng hạn, 00 muộn)"
        )
        assert project_selectors.registration_headline(plan_year=2024, province_ids=None) is None


def test_dashboard_registration_page_report_and_conference_say_the_same(client, opened_2023, ministry_staff):
    for rollup in (False, True):
        with translation.override("vi"):
            d = figures.regional_figures(year=2022, kind="nine", rollup=rollup, user=ministry_staff, today=TODAY)
            assert d.headline_registration == EXPECTED
        assert (d.registration.provinces, d.registration.on_time, d.registration.late) == (20, 4, 1)
    client.force_login(ministry_staff)
    page = client.get(reverse("projects:registrations"), {"year": 2023}).content.decode()
    assert EXPECTED in page
    dashboard = client.get(reverse("reports:regional_dashboard"), {"year": 2022, "period": "nine", "view": "asis"})
    html = dashboard.content.decode()
    assert EXPECTED in html
    assert "05/20 (04 đúng hạn, 01 muộn)" in html  # the total row of the projects table
    report = Report.objects.create(period=periods.period_get_or_create(kind=PeriodKind.NINE_MONTHS, year=2022))
    frozen = snapshot.build(report, today=TODAY)
    assert frozen["headline_registration"] == EXPECTED
    assert (frozen["registration"]["registered"], frozen["registration"]["provinces"]) == (5, 20)
    conference = report_selectors.regional_figures_on(region_code="southern", day=datetime.date(2022, 10, 13))
    assert conference["Đăng ký kế hoạch khuyến công quốc gia"] == EXPECTED


def test_a_registration_never_opened_has_no_headline(client, opened_2023, ministry_staff):
    d = figures.regional_figures(year=2023, kind="nine", rollup=True, user=ministry_staff, today=TODAY)
    assert d.headline_registration is None and d.registration.headline is None
    assert d.registration.plan_year == 2024 and d.registration.provinces == 0
    client.force_login(ministry_staff)
    html = client.get(reverse("reports:regional_dashboard"), {"year": 2023, "period": "nine"}).content.decode()
    assert "Kế hoạch khuyến công quốc gia năm 2024: chưa mở đăng ký" in html
    assert not re.search(r"\b\d\d/\d\d tỉnh", html) and "tỉnh đã đăng ký" not in html
    page = client.get(reverse("projects:registrations"), {"year": 2024}).content.decode()
    assert "tỉnh đã đăng ký" not in page and "Bộ chưa mở đăng ký kế hoạch cho năm này." in page
    report = Report.objects.create(period=periods.period_get_or_create(kind=PeriodKind.NINE_MONTHS, year=2023))
    assert snapshot.build(report, today=TODAY)["headline_registration"] is None
    conference = report_selectors.regional_figures_on(region_code="southern", day=datetime.date(2023, 10, 13))
    assert "Đăng ký kế hoạch khuyến công quốc gia" not in conference
