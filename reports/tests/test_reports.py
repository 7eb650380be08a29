import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from pypdf import PdfReader

from khuyencong import cachekeys, numbers
from periods import services as period_services
from periods.models import PeriodKind, ReportingPeriod
from projects import services as project_services
from projects.tests import factories
from reports import documents, figures, selectors, services, tasks
from reports.models import Report
from reports.snapshot import SYSTEM_READER

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 28)


def pdf_text(report: Report) -> str:
    report.refresh_from_db()
    with report.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def report_settings(settings):
    settings.REPORTS_PERIOD_KINDS = ["quarter"]
    settings.REPORTS_LOOKBACK_DAYS = 100  # Q3/2026 (cut-off 14/9) is the only quarter due on 28/11/2026
    return settings


@pytest.fixture
def tayninh_data(tayninh_officer, tayninh_approver):
    """A Tây Ninh local project of 2026 with 40 million disbursed by the Q3 cut-off, against a plan of 200 million."""
    with freeze_time("2026-03-01"):
        project = factories.approve(
            factories.make_project(by=tayninh_officer), officer=tayninh_officer, approver=tayninh_approver
        )
    factories.make_plan(project.province, 2026, "local", 200_000_000)
    with freeze_time("2026-11-20"):
        project_services.money_entry_add(
            project=project, by=tayninh_officer, kind="disbursement", amount=40_000_000, date=datetime.date(2026, 8, 1)
        )
    return project


def test_sweep_creates_each_provinces_draft_and_the_regional_report_once(
    report_settings, reference_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        first = services.reports_sweep(today=TODAY)
    assert first == {"created": 10, "queued": 10}  # 9 provinces of today's region and the regional report
    tasks_queued = [callback for callback in queued if not cachekeys.is_bump(callback)]
    assert len(tasks_queued) == 10 and len(queued) == 11  # and the new period's bump (reference data and figures)
    second = services.reports_sweep(today=TODAY)
    assert second == {"created": 0, "queued": 0}
    period = ReportingPeriod.objects.get(kind=PeriodKind.QUARTER, year=2026, number=3)
    assert Report.objects.filter(period=period).count() == 10
    assert Report.objects.filter(period=period, province__isnull=True).count() == 1


def test_a_duplicate_report_is_refused_by_the_database(report_settings, reference_data):
    services.reports_sweep(today=TODAY)
    report = Report.objects.filter(province__isnull=False).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(period=report.period, province=report.province, version=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(period=report.period, province=None, version=1)


def test_sweep_heals_what_the_broker_lost(report_settings, reference_data, django_capture_on_commit_callbacks):
    services.reports_sweep(today=TODAY)
    stuck = Report.objects.filter(province__isnull=False).first()
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    Report.objects.filter(pk=stuck.pk).update(generation=Report.Generation.RUNNING, started_at=an_hour_ago)
    Report.objects.exclude(pk=stuck.pk).update(generation=Report.Generation.READY)
    with django_capture_on_commit_callbacks() as queued:
        result = services.reports_sweep(today=TODAY)
    assert result == {"created": 0, "queued": 1} and len(queued) == 1
    stuck.refresh_from_db()
    assert stuck.generation == Report.Generation.QUEUED


def test_sweep_after_an_outage_covers_every_missed_cut_off(settings, reference_data):
    settings.REPORTS_PERIOD_KINDS = ["quarter", "half", "nine"]
    settings.REPORTS_LOOKBACK_DAYS = 200
    result = services.reports_sweep(today=TODAY)
    # Q2 (14/6), Q3 (14/9), 6 months (14/6), 9 months (14/9): four periods × 10 reports
    assert result["created"] == 40


def test_generated_pdf_has_the_province_and_the_dashboard_figures(
    report_settings, tayninh_data, django_capture_on_commit_callbacks
):
    with freeze_time("2026-11-28 10:00:00+07:00"), django_capture_on_commit_callbacks(execute=True):
        services.reports_sweep(today=TODAY)
    report = Report.objects.get(province=tayninh_data.province)
    assert report.generation == Report.Generation.READY and report.pdf_pages >= 2
    dashboard = figures.province_figures(
        province=tayninh_data.province, year=2026, kind=PeriodKind.QUARTER, number=3, user=SYSTEM_READER, today=TODAY
    )
    rate = dashboard.total.total.now.rate
    assert rate == Decimal(20)  # 40 million of 200 million
    text = pdf_text(report)
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "UBND TỈNH TÂY NINH",
        "Tây Ninh, ngày 28 tháng 11 năm 2026",
    ]:
        assert expected in text
    assert numbers.format_vnd(Decimal(200_000_000), language="vi") in text
    assert numbers.format_vnd(Decimal(40_000_000), language="vi") in text
    assert numbers.format_percent(rate, language="vi") in text
    assert tayninh_data.code in text
    assert report.pdf_sha256 and len(report.pdf_sha256) == 64


def test_regional_report_lists_every_province(report_settings, tayninh_data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.reports_sweep(today=TODAY)
    regional = Report.objects.get(province__isnull=True)
    text = pdf_text(regional)
    for name in ["Tây Ninh", "Thành phố Cần Thơ", "Cà Mau", "Lâm Đồng", "BỘ CÔNG THƯƠNG"]:
        assert name in text


def test_a_failing_render_is_retried_then_succeeds(
    report_settings, tayninh_data, monkeypatch, django_capture_on_commit_callbacks
):
    services.reports_sweep(today=TODAY)
    report = Report.objects.get(province=tayninh_data.province)
    Report.objects.filter(pk=report.pk).update(generation=Report.Generation.QUEUED)
    real = documents.report_pdf
    calls = []

    def flaky(report):
        calls.append(report.pk)
        if len(calls) == 1:
            raise OSError("disk full")
        return real(report)

    monkeypatch.setattr(documents, "report_pdf", flaky)
    tasks.report_generate.apply(args=[report.pk], throw=False)
    report.refresh_from_db()
    assert len(calls) == 2
    assert report.generation == Report.Generation.READY and report.attempts == 2


def test_a_non_transient_failure_is_recorded_on_the_report(report_settings, tayninh_data, monkeypatch):
    services.reports_sweep(today=TODAY)
    report = Report.objects.get(province=tayninh_data.province)
    Report.objects.filter(pk=report.pk).update(generation=Report.Generation.QUEUED)
    monkeypatch.setattr(documents, "report_pdf", lambda report: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        tasks.report_generate.apply(args=[report.pk], throw=True)
    report.refresh_from_db()
    assert report.generation == Report.Generation.FAILED and "ZeroDivisionError" in report.error
    assert services.report_request_generation(report_id=report.pk)  # staff can retry it


def test_generation_runs_once_when_two_workers_get_the_same_report(report_settings, tayninh_data):
    services.reports_sweep(today=TODAY)
    report = Report.objects.get(province=tayninh_data.province)
    Report.objects.filter(pk=report.pk).update(generation=Report.Generation.QUEUED)
    assert services.report_generate(report_id=report.pk) is True
    assert services.report_generate(report_id=report.pk) is False  # already done: nothing claimed


def test_submission_freezes_the_figures(
    report_settings, tayninh_data, tayninh_officer, tayninh_approver, django_capture_on_commit_callbacks
):
    services.reports_sweep(today=TODAY)
    report = Report.objects.get(province=tayninh_data.province)
    with pytest.raises(PermissionDenied):
        services.report_submit(report=report, by=tayninh_officer)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_submit(report=report, by=tayninh_approver)
    frozen = report.snapshot
    assert frozen["total"]["now"]["local"]["disbursed"] == "40000000"
    first_pdf = pdf_text(report)
    with freeze_time("2026-11-28"):
        project_services.money_entry_add(
            project=tayninh_data,
            by=tayninh_officer,
            kind="disbursement",
            amount=10_000_000,
            date=datetime.date(2026, 9, 1),
        )
    assert services.report_request_generation(report_id=report.pk) is False
    report.refresh_from_db()
    assert report.snapshot == frozen and pdf_text(report) == first_pdf
    assert "40.000.000 đ" in first_pdf


def test_returned_report_is_corrected_as_a_new_version(
    report_settings, tayninh_data, tayninh_approver, ministry_staff, django_capture_on_commit_callbacks
):
    services.reports_sweep(today=TODAY)
    report = Report.objects.get(province=tayninh_data.province)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(report=report, by=tayninh_approver)
    with pytest.raises(ValidationError):
        services.report_review(report=report, by=ministry_staff, accept=False)  # a return needs a comment
    services.report_review(report=report, by=ministry_staff, accept=False, comment="Bổ sung số liệu giải ngân")
    second = Report.objects.get(province=tayninh_data.province, version=2)
    assert second.status == Report.Status.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(report=second, by=tayninh_approver)
    services.report_review(report=second, by=ministry_staff, accept=True)
    versions = list(selectors.versions_of(second).values_list("version", "status"))
    assert versions == [(2, "accepted"), (1, "returned")]
    assert all(Report.objects.get(province=tayninh_data.province, version=v).pdf for v in (1, 2))


def test_timeliness_and_completeness(
    report_settings, reference_data, tayninh_approver, cantho_approver, django_capture_on_commit_callbacks
):
    services.reports_sweep(today=TODAY)
    period = ReportingPeriod.objects.get(kind=PeriodKind.QUARTER, year=2026, number=3)
    tayninh = Report.objects.get(period=period, province=tayninh_approver.unit.province)
    cantho = Report.objects.get(period=period, province=cantho_approver.unit.province)
    with freeze_time(datetime.datetime.combine(period.deadline, datetime.time(9))):
        services.report_submit(report=tayninh, by=tayninh_approver)
    with freeze_time(datetime.datetime.combine(period.deadline + datetime.timedelta(days=3), datetime.time(9))):
        services.report_submit(report=cantho, by=cantho_approver)
    rows = {row.province.name: row.state for row in selectors.timeliness(period=period, today=TODAY)}
    assert rows["Tây Ninh"] == "on_time" and rows["Thành phố Cần Thơ"] == "late" and rows["Cà Mau"] == "very_late"
    assert selectors.completeness(selectors.timeliness(period=period, today=TODAY)) == {
        "expected": 9,
        "submitted": 2,
        "on_time": 1,
    }


def test_officer_cannot_open_or_download_another_provinces_report(
    client, report_settings, tayninh_data, cantho_officer, tayninh_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.reports_sweep(today=TODAY)
    report = Report.objects.get(province=tayninh_data.province)
    regional = Report.objects.get(province__isnull=True)
    urls = [reverse("reports:detail", args=[report.pk]), reverse("reports:download", args=[report.pk, "pdf"])]
    client.force_login(cantho_officer)
    for url in [*urls, reverse("reports:download", args=[regional.pk, "pdf"])]:
        assert client.get(url).status_code == 404, url
    client.force_login(tayninh_officer)
    assert client.get(urls[0]).status_code == 200
    response = client.get(urls[1])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_closed_period_needs_a_granted_exception(tayninh_data, tayninh_officer, ministry_staff):
    q2 = period_services.period_get_or_create(kind=PeriodKind.QUARTER, year=2026, number=2)
    with freeze_time("2026-11-20"):
        with pytest.raises(ValidationError, match="khóa"):
            project_services.progress_save(project=tayninh_data, period=q2, by=tayninh_officer, completion_percent=20)
        request = period_services.entry_exception_request(period=q2, by=tayninh_officer, reason="Bổ sung nghiệm thu")
        period_services.entry_exception_decide(exception=request, by=ministry_staff, grant=True, days=7)
        row = project_services.progress_save(project=tayninh_data, period=q2, by=tayninh_officer, completion_percent=20)
    assert row.completion_percent == 20


def test_reminders_are_sent_once_per_kind(
    report_settings, reference_data, tayninh_officer, mailoutbox, django_capture_on_commit_callbacks
):
    tayninh_officer.email = "tn@example.vn"
    tayninh_officer.save()
    services.reports_sweep(today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        # Q3's deadline is long past on 28/11: the 7-days-after reminder to Tây Ninh's only account (the
        # 14-day escalation would go to ministry staff, and there are none here)
        assert services.reminders_send(today=TODAY) == 1
        assert services.reminders_send(today=TODAY) == 0
    assert [m.to for m in mailoutbox] == [["tn@example.vn"]]
    assert "Quý 3/2026" in mailoutbox[0].subject


def test_regional_dashboard_says_who_has_not_reported(
    client, report_settings, reference_data, tayninh_approver, ministry_staff
):
    services.reports_sweep(today=TODAY)
    period = ReportingPeriod.objects.get(kind=PeriodKind.QUARTER, year=2026, number=3)
    with freeze_time(datetime.datetime.combine(period.deadline, datetime.time(9))):
        services.report_submit(
            report=Report.objects.get(period=period, province=tayninh_approver.unit.province), by=tayninh_approver
        )
    client.force_login(ministry_staff)
    with freeze_time("2026-11-28 10:00:00+07:00"):
        html = client.get(reverse("reports:regional_dashboard"), {"year": 2026, "period": "q3"}).content.decode()
    assert "1/9" in html and "đúng hạn" in html and "rất chậm" in html


def test_period_picker_ignores_a_quarter_number_for_other_kinds(client, ministry_staff):
    client.force_login(ministry_staff)
    response = client.get(reverse("reports:list"), {"year": 2026, "kind": "year", "number": 3})
    period = response.context["period"]
    assert (period.kind, period.year, period.number) == ("year", 2026, 1)
    assert not ReportingPeriod.objects.filter(kind="year", number=3).exists()


def test_every_report_event_the_services_record_has_a_label():
    """The history on the report page reads ReportEvent.LABELS: an action without one showed its raw code."""
    import pathlib
    import re

    from reports.models import ReportEvent

    source = (pathlib.Path(__file__).resolve().parents[1] / "services.py").read_text()
    actions = set(re.findall(r'action="([a-z_]+)"', source)) | set(
        re.findall(r'"([a-z_]+)" if accept else "([a-z_]+)"', source)[0]
    )
    assert {"generated", "submitted", "accepted", "returned", "new_version"} <= actions
    assert actions <= set(ReportEvent.LABELS)
