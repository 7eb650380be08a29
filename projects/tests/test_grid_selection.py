"""Which projects the "Kỳ này" grid asks about, and which periods it offers (projects.selectors.due_in_period,
projects.entry_periods)."""

import datetime

import pytest
from freezegun import freeze_time

from periods import services as period_services
from periods import services as periods  # period_get_or_create
from periods.models import EntryException, PeriodKind
from projects import entry_periods, selectors, services
from projects.tests import factories

pytestmark = pytest.mark.django_db


def _running(officer, approver, **kwargs):
    return factories.approve(factories.make_project(by=officer, **kwargs), officer=officer, approver=approver)


@freeze_time("2026-11-20 09:00:00+07:00")
def test_due_projects_started_by_the_cut_off_and_still_running(tayninh_officer, tayninh_approver, cantho_officer):
    q4 = periods.period_get_or_create(kind=PeriodKind.QUARTER, year=2026, number=4)  # 15/09 – 14/12/2026
    running = _running(tayninh_officer, tayninh_approver, title="Đang chạy")
    starts_on_cut_off = _running(
        tayninh_officer,
        tayninh_approver,
        title="Bắt đầu đúng ngày chốt",
        start=q4.ends_on,
        end=datetime.date(2027, 3, 1),
    )
    next_year = _running(
        tayninh_officer,
        tayninh_approver,
        title="Năm 2027",
        year=2027,
        start=datetime.date(2027, 1, 10),
        end=datetime.date(2027, 9, 30),
    )
    after_cut_off = _running(
        tayninh_officer,
        tayninh_approver,
        title="Sau ngày chốt",
        start=datetime.date(2026, 12, 15),
        end=datetime.date(2027, 2, 1),
    )
    draft = factories.make_project(by=tayninh_officer, title="Nháp")
    cancelled = services.project_transition(
        project=_running(tayninh_officer, tayninh_approver, title="Hủy"),
        action="cancel",
        by=tayninh_approver,
        reason="Hết vốn",
    )
    accepted = services.project_transition(
        project=_running(tayninh_officer, tayninh_approver, title="Đã nghiệm thu"), action="accept", by=tayninh_officer
    )
    rejected = services.project_transition(
        project=services.project_transition(
            project=factories.make_project(by=tayninh_officer, title="Bị từ chối"), action="submit", by=tayninh_officer
        ),
        action="reject",
        by=tayninh_approver,
        reason="Không đủ điều kiện",
    )
    due = set(selectors.due_in_period(selectors.project_list_for(user=tayninh_officer), period=q4))
    assert due == {running, starts_on_cut_off}
    for left_out in (next_year, after_cut_off, draft, cancelled, accepted, rejected):
        assert left_out not in due
    # the 2027 project is asked once its quarter comes
    q1_2027 = periods.period_get_or_create(kind=PeriodKind.QUARTER, year=2027, number=1)
    assert next_year in selectors.due_in_period(selectors.project_list_for(user=tayninh_officer), period=q1_2027)
    # and another province's officer is asked about none of them
    assert not selectors.due_in_period(selectors.project_list_for(user=cantho_officer), period=q4).exists()


def test_the_selector_offers_open_periods_reopened_ones_until_the_exception_ends_and_recent_closed_ones(
    tayninh_officer, ministry_staff
):
    province_id = tayninh_officer.unit.province_id
    with freeze_time("2026-09-20 09:00:00+07:00"):  # Q4 started on 15/09; Q3 closes 29/09 (5 + 10 days)
        offered = {s.period.label: s for s in entry_periods.periods_for(province_id=province_id)}
        assert offered["Quý 4/2026"].is_current and offered["Quý 4/2026"].is_open
        assert offered["Quý 3/2026"].is_open and not offered["Quý 3/2026"].is_current
        assert not offered["Quý 2/2026"].is_open
        assert "đã khóa từ ngày 29/06/2026" in offered["Quý 2/2026"].reason
    q2 = periods.period_get_or_create(kind=PeriodKind.QUARTER, year=2026, number=2)
    with freeze_time("2026-11-20 09:00:00+07:00"):
        exception = period_services.entry_exception_request(period=q2, by=tayninh_officer, reason="Bổ sung số liệu")
        period_services.entry_exception_decide(exception=exception, by=ministry_staff, grant=True, days=7)
        offered = {s.period.label: s for s in entry_periods.periods_for(province_id=province_id)}
        assert offered["Quý 2/2026"].is_open and offered["Quý 2/2026"].reopened_until == datetime.date(2026, 11, 27)
        assert "27/11/2026" in offered["Quý 2/2026"].reason
        assert not offered["Quý 3/2026"].is_open  # closed on 29/09, no exception
    with freeze_time("2026-11-28 09:00:00+07:00"):  # the exception has ended
        offered = {s.period.label: s for s in entry_periods.periods_for(province_id=province_id)}
        assert "Quý 2/2026" not in offered or not offered["Quý 2/2026"].is_open
    assert EntryException.objects.get().decision == EntryException.Decision.GRANTED


def test_an_exception_of_todays_province_opens_the_period_for_projects_of_a_merged_one(tayninh_officer, ministry_staff):
    old_long_an = factories.province(80, 2004)
    q2 = periods.period_get_or_create(kind=PeriodKind.QUARTER, year=2026, number=2)
    with freeze_time("2026-11-20 09:00:00+07:00"):
        assert not entry_periods.state_of(q2, province_id=old_long_an.pk).is_open
        exception = period_services.entry_exception_request(period=q2, by=tayninh_officer, reason="Bổ sung")
        period_services.entry_exception_decide(exception=exception, by=ministry_staff, grant=True, days=3)
        assert entry_periods.state_of(q2, province_id=old_long_an.pk).is_open


def test_the_calendar_and_the_grid_read_one_exception_rule_in_both_directions(
    tayninh_officer, ministry_staff, django_assert_max_num_queries
):
    """periods.selectors holds the exception rule; the grid's period states read it: granted to today's Tây Ninh
    it opens the period for old Long An's projects, and the same answer comes from either side of the merger."""
    from periods import selectors as period_selectors

    old_long_an, today_tay_ninh = factories.province(80, 2004), tayninh_officer.unit.province
    q2 = periods.period_get_or_create(kind=PeriodKind.QUARTER, year=2026, number=2)
    with freeze_time("2026-11-20 09:00:00+07:00"):
        for province in (old_long_an, today_tay_ninh):
            assert not period_selectors.is_entry_open(province_id=province.pk, period=q2)
        exception = period_services.entry_exception_request(period=q2, by=tayninh_officer, reason="Bổ sung")
        period_services.entry_exception_decide(exception=exception, by=ministry_staff, grant=True, days=3)
        for province in (old_long_an, today_tay_ninh):
            assert period_selectors.is_entry_open(province_id=province.pk, period=q2)
            assert entry_periods.state_of(q2, province_id=province.pk).is_open
        # province, family (two levels), exceptions: whatever the number of exceptions granted
        with django_assert_max_num_queries(4):
            assert period_selectors.exceptions_granted_until(province_id=old_long_an.pk) == {
                q2.pk: datetime.date(2026, 11, 23)
            }


def test_the_selector_reads_the_day_it_is_given(tayninh_officer):
    """periods_for(today=…) offers the quarters around that day, not around the clock's: the current
    quarter and the ones before it were read from timezone.localdate() whatever day was passed."""
    province_id = tayninh_officer.unit.province_id
    offered = entry_periods.periods_for(province_id=province_id, today=datetime.date(2024, 9, 20))
    current = [s.period.label for s in offered if s.is_current]
    assert current == ["Quý 4/2024"]  # Q4 2024's window began on 15/09/2024
    assert {s.period.year for s in offered} == {2024}
    assert [s.period.label for s in offered if s.is_open] == ["Quý 4/2024", "Quý 3/2024"]
