"""Who is told of report events, once; the reminder schedule across a deadline; escalation at 14 days."""

import datetime

import pytest
from freezegun import freeze_time

from notices.models import Notice, ReminderRule
from periods import services as period_services
from periods.models import PeriodKind, ReportingPeriod
from reports import services
from reports.models import Report

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 28)


@pytest.fixture
def q3(settings, reference_data):
    """Q3/2026's drafts, made by the sweep the day after the cut-off (14/09/2026)."""
    settings.REPORTS_PERIOD_KINDS = ["quarter"]
    settings.REPORTS_LOOKBACK_DAYS = 100
    services.reports_sweep(today=datetime.date(2026, 9, 15))
    return ReportingPeriod.objects.get(kind=PeriodKind.QUARTER, year=2026, number=3)


def tayninh_report(period) -> Report:
    return Report.objects.filter(period=period, province__code=80, province__code_set=2025).latest("version")


def told(kind: str) -> list[str]:
    return sorted(Notice.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_a_returned_report_tells_the_province_once_with_the_comment(
    q3, tayninh_officer, tayninh_approver, cantho_officer, ministry_staff
):
    report = services.report_submit(report=tayninh_report(q3), by=tayninh_approver)
    assert told("reports.report.submitted") == ["ministry"]  # a report awaits the ministry's review
    services.report_review(report=report, by=ministry_staff, accept=False, comment="Bổ sung số liệu giải ngân")
    assert told("reports.report.returned") == ["tn.approver", "tn.officer"]  # not Cần Thơ, not the reviewer
    notice = Notice.objects.get(kind="reports.report.returned", recipient=tayninh_approver)
    assert notice.comment == "Bổ sung số liệu giải ngân" and notice.target_url == f"/reports/{report.pk}/"
    assert "Quý 3/2026" in notice.text
    from reports import notify

    notify.report_reviewed(report=report)  # the same event told again (a retried caller): nothing new
    assert Notice.objects.filter(kind="reports.report.returned").count() == 2


def test_an_accepted_report_tells_the_province(q3, tayninh_officer, tayninh_approver, ministry_staff):
    report = services.report_submit(report=tayninh_report(q3), by=tayninh_approver)
    services.report_review(report=report, by=ministry_staff, accept=True)
    assert told("reports.report.accepted") == ["tn.approver", "tn.officer"]


def test_an_exception_request_asks_the_ministry_and_its_decision_tells_the_requester(
    q3, tayninh_officer, tayninh_approver, ministry_staff
):
    request = period_services.entry_exception_request(period=q3, by=tayninh_officer, reason="Bổ sung nghiệm thu")
    assert told("periods.exception.requested") == ["ministry"]
    with freeze_time("2026-11-20"):
        period_services.entry_exception_decide(exception=request, by=ministry_staff, grant=True, days=7)
    assert told("periods.exception.granted") == ["tn.approver", "tn.officer"]
    notice = Notice.objects.get(kind="periods.exception.granted", recipient=tayninh_officer)
    assert notice.deadline == datetime.date(2026, 11, 27) and "27/11/2026" in notice.text
    refused = period_services.entry_exception_request(period=q3, by=tayninh_officer, reason="Lần nữa")
    period_services.entry_exception_decide(exception=refused, by=ministry_staff, grant=False, comment="Quá hạn")
    assert told("periods.exception.refused") == ["tn.approver", "tn.officer"]


def reminders_on(day: datetime.date, period: ReportingPeriod) -> list[tuple[str, str]]:
    """Run the reminders on a frozen day; return (who, rule's days from the deadline) of the notices it
    created about Tây Ninh's report of the period (the sweep also made Q2's drafts, long overdue)."""
    before = set(Notice.objects.values_list("pk", flat=True))
    with freeze_time(datetime.datetime.combine(day, datetime.time(9))):
        services.reminders_send()
        services.reminders_send()  # twice the same day, as a retried task would: nothing more
    new = Notice.objects.exclude(pk__in=before).filter(
        recipient__username__in=["tn.officer", "ministry"],
        event_key__startswith=f"reports.reminder:{period.pk}:",
        params__province="Tây Ninh",
    )
    return sorted((n.recipient.username, n.event_key.split(":")[3]) for n in new)


def test_reminder_schedule_across_the_deadline_and_escalation_at_14_days(q3, tayninh_officer, ministry_staff):
    deadline = q3.deadline
    assert deadline == datetime.date(2026, 9, 19)  # 5 days after the cut-off (CutoffRule.submission_days)
    day = datetime.timedelta(days=1)
    schedule = {offset: reminders_on(deadline + offset * day, q3) for offset in range(-5, 16)}
    # the draft exists from the cut-off on, so the "7 days before" reminder comes as soon as it does
    assert schedule[-5] == [("tn.officer", "-7")]
    assert schedule[-1] == [("tn.officer", "-1")]
    assert schedule[1] == [("tn.officer", "+1")]
    assert schedule[3] == [("tn.officer", "+3")]
    assert schedule[7] == [("tn.officer", "+7")]
    assert schedule[14] == [("ministry", "+14")]  # rất chậm: the ministry is told, once
    quiet = [offset for offset, created in schedule.items() if not created]
    assert quiet == [-4, -3, -2, 0, 2, 4, 5, 6, 8, 9, 10, 11, 12, 13, 15]
    escalation = Notice.objects.get(
        recipient=ministry_staff, event_key__startswith=f"reports.reminder:{q3.pk}:", params__province="Tây Ninh"
    )
    assert escalation.kind == "reports.reminder.very_late" and escalation.legal
    assert "Tây Ninh" in escalation.text and "14" in escalation.text
    other = Notice.objects.filter(
        kind="reports.reminder.very_late", event_key__startswith=f"reports.reminder:{q3.pk}:"
    ).count()
    assert other == 9  # one per province of the region, all to the one ministry account


def test_a_submitted_report_is_not_reminded(q3, tayninh_officer, tayninh_approver):
    services.report_submit(report=tayninh_report(q3), by=tayninh_approver)
    assert reminders_on(q3.deadline + datetime.timedelta(days=1), q3) == []


def test_the_schedule_is_data(q3, tayninh_officer):
    ReminderRule.objects.filter(offset_days=1).update(active=False)
    ReminderRule.objects.create(subject="report", offset_days=2)
    assert reminders_on(q3.deadline + datetime.timedelta(days=1), q3) == [("tn.officer", "-1")]  # catch-up: latest due
    assert reminders_on(q3.deadline + datetime.timedelta(days=2), q3) == [("tn.officer", "+2")]


def test_after_an_outage_only_the_reminder_that_fits_today_is_sent(q3, tayninh_officer):
    assert reminders_on(q3.deadline + datetime.timedelta(days=5), q3) == [("tn.officer", "+3")]
