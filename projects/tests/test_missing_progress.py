"""Which projects still owe the period's progress: a row of that very period, not rows of other periods that
share its kind, its number or its year (an exclude() across the relation tested each on a different row)."""

import datetime

import pytest

from periods import services as periods
from periods.models import PeriodKind
from projects import grid, selectors
from projects.models import ProgressUpdate
from projects.tests import factories

pytestmark = pytest.mark.django_db


def test_rows_of_q4_last_year_and_q1_this_year_do_not_report_q4_this_year(tayninh_officer, tayninh_approver):
    def running(title):
        return factories.approve(
            factories.make_project(by=tayninh_officer, title=title, start=datetime.date(2025, 2, 1)),
            officer=tayninh_officer,
            approver=tayninh_approver,
        )

    q4_2025, q1_2026, q4_2026 = (
        periods.period_get_or_create(kind=PeriodKind.QUARTER, year=year, number=number)
        for year, number in [(2025, 4), (2026, 1), (2026, 4)]
    )
    others_only, reported, _no_row = running("Chỉ báo cáo kỳ khác"), running("Đã báo cáo"), running("Chưa báo cáo")
    for project, period in [(others_only, q4_2025), (others_only, q1_2026), (reported, q4_2026)]:
        ProgressUpdate.objects.create(project=project, period=period, completion_percent=40, updated_by=tayninh_officer)
    assert selectors.this_period_missing_count(user=tayninh_officer, period=q4_2026) == 2  # others_only, nothing
    assert grid.counters_for(user=tayninh_officer, period=q4_2026) == {"total": 3, "missing": 2, "reported": 1}
    rows = grid.counters(grid.rows_for(user=tayninh_officer, period=q4_2026))  # the grid's own rows agree
    assert rows == {"total": 3, "missing": 2, "reported": 1}
