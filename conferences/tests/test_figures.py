"""The summary report's regional figures come from the reports app through one hook, never typed in."""

import datetime
import sys
import types

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conferences import figures, services

from .conftest import conference_of


def test_no_figures_until_the_reports_app_provides_them(history, ministry_staff):
    with pytest.raises(ValidationError, match="báo cáo định kỳ"):
        services.conference_figures_capture(conference=conference_of(2025), by=ministry_staff)
    assert conference_of(2025).regional_figures is None


def test_figures_are_frozen_from_the_provider(history, ministry_staff, tayninh_officer, monkeypatch):
    calls = []

    def regional_figures_on(*, region_code, day):
        calls.append((region_code, day))
        return {"period": "9 tháng 2025", "execution_rate": "41.2"}

    monkeypatch.setitem(
        sys.modules, "reports.selectors", types.SimpleNamespace(regional_figures_on=regional_figures_on)
    )
    with pytest.raises(PermissionDenied):
        services.conference_figures_capture(conference=conference_of(2025), by=tayninh_officer)
    services.conference_figures_capture(conference=conference_of(2025), by=ministry_staff)
    c2025 = conference_of(2025)
    assert calls == [("southern", datetime.date(2025, 10, 20))]
    assert c2025.regional_figures == {"period": "9 tháng 2025", "execution_rate": "41.2"}
    assert c2025.regional_figures_as_of == datetime.date(2025, 10, 20)
    assert figures.regional_figures_on(region_code="southern", day=datetime.date(2025, 10, 20))
