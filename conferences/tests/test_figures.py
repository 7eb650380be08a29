"""The summary report's regional figures come from the periodic-report selectors, never typed in."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from freezegun import freeze_time

from conferences import services
from projects import services as project_services
from projects.tests import factories

from .conftest import conference_of


def test_figures_at_the_conference_date_are_frozen_from_the_reports(
    history, ministry_staff, tayninh_officer, tayninh_approver
):
    old_tayninh = factories.province(72, 2004)
    with freeze_time("2025-03-01"):
        project = factories.make_project(
            by=tayninh_officer,
            prov=old_tayninh,
            year=2025,
            start=datetime.date(2025, 3, 1),
            end=datetime.date(2025, 11, 30),
        )
        project = factories.approve(project, officer=tayninh_officer, approver=tayninh_approver)
    factories.make_plan(old_tayninh, 2025, "local", 100_000_000)
    with freeze_time("2025-09-01"):
        project_services.money_entry_add(
            project=project, by=tayninh_officer, kind="disbursement", amount=40_000_000, date=datetime.date(2025, 8, 1)
        )
    with pytest.raises(PermissionDenied):
        services.conference_figures_capture(conference=conference_of(2025), by=tayninh_officer)
    services.conference_figures_capture(conference=conference_of(2025), by=ministry_staff)
    c2025 = conference_of(2025)
    assert c2025.regional_figures_as_of == datetime.date(2025, 10, 20)
    assert c2025.regional_figures["Kỳ số liệu"] == "9 tháng đầu năm 2025"
    assert c2025.regional_figures["Tỷ lệ thực hiện"] == "40,0%"
    assert c2025.regional_figures["Đã giải ngân"] == "40.000.000 đ"
