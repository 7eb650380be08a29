"""Each role's home is a work list: items appear when work waits and disappear when it is done; the page
costs the same number of queries whatever the amount of work."""

import datetime

import pytest
from django.urls import reverse
from freezegun import freeze_time

from notices import services as notice_services
from periods import selectors as period_selectors
from periods import services as period_services
from periods.models import PeriodKind, ReportingPeriod
from projects import services as project_services
from projects.tests import factories
from reports import services as report_services
from reports.models import Report

pytestmark = pytest.mark.django_db
NOW = "2026-11-28 10:00:00+07:00"


@pytest.fixture
def q3(settings, reference_data):
    settings.REPORTS_PERIOD_KINDS = ["quarter"]
    settings.REPORTS_LOOKBACK_DAYS = 100  # Q3/2026 only (deadline 19/09/2026)
    report_services.reports_sweep(today=datetime.date(2026, 11, 28))
    return ReportingPeriod.objects.get(kind=PeriodKind.QUARTER, year=2026, number=3)


def tayninh_report(period) -> Report:
    return Report.objects.filter(period=period, province__code=80, province__code_set=2025).latest("version")


def home(client, user) -> str:
    client.force_login(user)
    with freeze_time(NOW):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, key: str) -> str:
    """The HTML of one work-list section, '' when it is not shown."""
    start = html.find(f'id="work-{key}"')
    return "" if start < 0 else html[start : html.find("</section>", start)]


def test_approver_submits_the_report_and_it_leaves_the_list(client, q3, tayninh_approver, ministry_staff):
    html = section(home(client, tayninh_approver), "reports_to_submit")
    assert "Quý 3/2026 · Tây Ninh" in html and "19/09/2026" in html and "quá hạn 70 ngày" in html
    report = report_services.report_submit(report=tayninh_report(q3), by=tayninh_approver)
    assert section(home(client, tayninh_approver), "reports_to_submit") == ""
    review = section(home(client, ministry_staff), "reports_to_review")
    assert "Quý 3/2026 · Tây Ninh" in review and f"/reports/{report.pk}/" in review
    report_services.report_review(report=report, by=ministry_staff, accept=False, comment="Thiếu phần kiến nghị")
    assert section(home(client, ministry_staff), "reports_to_review") == ""
    returned = section(home(client, tayninh_approver), "reports_returned")
    draft = tayninh_report(q3)
    assert draft.version == 2 and f"/reports/{draft.pk}/" in returned and "Thiếu phần kiến nghị" in returned
    report_services.report_submit(report=draft, by=tayninh_approver)
    assert section(home(client, tayninh_approver), "reports_returned") == ""


def test_officer_sees_refused_projects_with_the_reason_until_submitted_again(
    client, reference_data, tayninh_officer, tayninh_approver, cantho_officer
):
    project = factories.make_project(by=tayninh_officer)
    project = project_services.project_transition(project=project, action="submit", by=tayninh_officer)
    waiting = section(home(client, tayninh_approver), "projects_awaiting")
    assert project.code in waiting
    project = project_services.project_transition(
        project=project, action="reject", by=tayninh_approver, reason="Chưa có dự toán chi tiết"
    )
    assert section(home(client, tayninh_approver), "projects_awaiting") == ""
    refused = section(home(client, tayninh_officer), "projects_refused")
    assert project.code in refused and "Chưa có dự toán chi tiết" in refused
    assert section(home(client, cantho_officer), "projects_refused") == ""  # another province's
    project_services.project_transition(project=project, action="submit", by=tayninh_officer)
    assert section(home(client, tayninh_officer), "projects_refused") == ""


def test_officer_sees_the_open_period_and_how_many_projects_lack_progress(
    client, reference_data, tayninh_officer, tayninh_approver
):
    with freeze_time("2026-03-01"):
        factories.approve(
            factories.make_project(by=tayninh_officer), officer=tayninh_officer, approver=tayninh_approver
        )
    html = home(client, tayninh_officer)
    assert "Quý 4/2026" in html  # 28/11 lies in Q4's window (15/09–14/12)
    assert "1 dự án đang thực hiện chưa có tiến độ kỳ này" in html


def test_ministry_sees_exception_requests_national_approvals_and_late_provinces(
    client, q3, tayninh_officer, ministry_staff
):
    late = section(home(client, ministry_staff), "late_provinces")
    assert "Quý 3/2026 · Tây Ninh" in late and "rất chậm" in late
    request = period_services.entry_exception_request(period=q3, by=tayninh_officer, reason="Bổ sung nghiệm thu")
    assert "Bổ sung nghiệm thu" in section(home(client, ministry_staff), "exception_requests")
    with freeze_time(NOW):
        period_services.entry_exception_decide(exception=request, by=ministry_staff, grant=True, days=7)
    assert section(home(client, ministry_staff), "exception_requests") == ""
    decided = section(home(client, tayninh_officer), "exceptions_decided")
    assert "05/12/2026" in decided and "7 ngày" in decided
    project = factories.make_project(by=tayninh_officer, fund="national")
    project_services.project_transition(project=project, action="submit", by=tayninh_officer)
    assert project.code in section(home(client, ministry_staff), "projects_awaiting")


def test_administrator_sees_the_system_state(client, q3, administrator):
    html = home(client, administrator)
    assert "chưa từng thấy" in html
    Report.objects.filter(pk=tayninh_report(q3).pk).update(
        generation=Report.Generation.FAILED, error="OSError: disk full"
    )
    with freeze_time("2026-11-28 09:59:00+07:00"):
        notice_services.heartbeat_record(name="worker")
    html = home(client, administrator)
    assert "OSError: disk full" in section(html, "reports_trouble")
    assert "60 giây trước" in html


def test_health_endpoint_says_whether_the_worker_is_alive(client, db):
    assert client.get(reverse("healthz_worker")).status_code == 503  # never seen
    with freeze_time("2026-11-28 09:59:00+07:00"):
        notice_services.heartbeat_record(name="worker")
        notice_services.heartbeat_record(name="reports_sweep", detail="{}")
    with freeze_time(NOW):
        response = client.get(reverse("healthz_worker"))
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok" and body["worker"]["age_seconds"] == 60
    assert body["last_sweep"]["age_seconds"] == 60 and set(body["queues"]) == {"celery", "pdf"}
    with freeze_time("2026-11-28 10:10:00+07:00"):
        response = client.get(reverse("healthz_worker"))
    assert response.status_code == 503 and response.json()["status"] == "stale"


# ---- a constant number of queries --------------------------------------------------------------------


def grow(officer, approver, ministry, q3, n: int) -> None:
    """n more of every kind of work: submitted projects (local and national), refusals, returned reports,
    exception requests."""
    for i in range(n):
        local = factories.make_project(by=officer, title=f"Dự án {i}")
        project_services.project_transition(project=local, action="submit", by=officer)
        national = factories.make_project(by=officer, fund="national", title=f"Quốc gia {i}")
        national = project_services.project_transition(project=national, action="submit", by=officer)
        project_services.project_transition(project=national, action="reject", by=ministry, reason=f"Lý do {i}")
        period_services.entry_exception_request(period=q3, by=officer, reason=f"Yêu cầu {i}")
        notice_services.notify(
            recipients=[officer, approver, ministry],
            kind="test",
            message="Notice %(n)s",
            params={"n": i},
            event_key=f"test:{i}",
            target_url="/",
            target_label="x",
        )


@pytest.mark.parametrize("role", ["officer", "approver", "ministry", "admin"])
def test_home_queries_do_not_grow_with_the_work(
    client, q3, tayninh_officer, tayninh_approver, ministry_staff, administrator, django_assert_max_num_queries, role
):
    user = {
        "officer": tayninh_officer,
        "approver": tayninh_approver,
        "ministry": ministry_staff,
        "admin": administrator,
    }[role]
    client.force_login(user)
    # session, user, OTP device (ministry, admin), the unit's province and the provinces in scope, unread
    # notices, the current quarter (2), then per work-list section its first ten items (one query), and its
    # total once it holds more than ten (one more); the scope's two family lookups (provinces.selectors) run
    # once for the page (a GET request remembers them: khuyencong.middleware.ReadOnlyScopeMiddleware; they
    # came before each provincial section, 25 and 31 queries). Measured with every section under ten:
    # officer 15, approver 17, ministry 10, administrator 6; plus one per section (4, 6, 6, 1) for the worst.
    limit = {"officer": 15 + 4, "approver": 17 + 6, "ministry": 10 + 6, "admin": 6 + 1}[role]
    with freeze_time(NOW):
        client.get(reverse("home"))  # the first request of a session also refreshes it: not the page's cost
    for size in (1, 12):
        grow(tayninh_officer, tayninh_approver, ministry_staff, q3, size)
        with freeze_time(NOW), django_assert_max_num_queries(limit):
            assert client.get(reverse("home")).status_code == 200


def test_ministry_sees_conference_follow_up_overdue_until_the_province_reports_it_done(
    client, reference_data, ministry_staff, tayninh_officer
):
    from conferences import services as conference_services
    from conferences.models import Conclusion, Conference

    conference_services.conferences_load()
    conference = Conference.objects.get(region__code="southern", year=2025)
    conclusion = Conclusion.objects.create(
        conference=conference, number=99, text="Xây dựng kế hoạch liên kết chuỗi", due_date=datetime.date(2026, 10, 1)
    )
    # for all provinces: every member of the region on the conference day must report it done
    overdue = section(home(client, ministry_staff), "followup_overdue")
    assert "kết luận 99" in overdue and "01/10/2026" in overdue and "0/" in overdue
    conclusion.for_all_provinces = False
    conclusion.save()
    conclusion.provinces.add(tayninh_officer.unit.province)
    assert "0/1 tỉnh" in section(home(client, ministry_staff), "followup_overdue")
    conference_services.followup_report(
        conclusion=conclusion, province=tayninh_officer.unit.province, status="done", by=tayninh_officer
    )
    assert section(home(client, ministry_staff), "followup_overdue") == ""


def test_the_cached_project_sections_show_each_write_on_the_next_request(
    client, reference_data, tayninh_officer, tayninh_approver, commit_bumps
):
    """The project sections and the missing-progress count are cached by data version (projects/worklist.py):
    with every write committed, as in production, the next home page shows it."""
    with freeze_time("2026-03-01"):
        running = factories.approve(
            factories.make_project(by=tayninh_officer), officer=tayninh_officer, approver=tayninh_approver
        )
    draft = factories.make_project(by=tayninh_officer, title="Đề án chờ duyệt")
    commit_bumps()
    assert section(home(client, tayninh_approver), "projects_awaiting") == ""  # now cached
    assert "1 dự án đang thực hiện chưa có tiến độ kỳ này" in home(client, tayninh_officer)
    draft = project_services.project_transition(project=draft, action="submit", by=tayninh_officer)
    commit_bumps()
    assert draft.code in section(home(client, tayninh_approver), "projects_awaiting")
    with freeze_time(NOW):
        project_services.project_transition(project=draft, action="reject", by=tayninh_approver, reason="Thiếu dự toán")
        q4 = period_services.period_stored(period_selectors.current_quarter())
    commit_bumps()
    assert section(home(client, tayninh_approver), "projects_awaiting") == ""
    assert "Thiếu dự toán" in section(home(client, tayninh_officer), "projects_refused")
    with freeze_time(NOW):
        project_services.progress_save(project=running, period=q4, by=tayninh_officer, completion_percent=40)
    commit_bumps()
    assert "0 dự án đang thực hiện chưa có tiến độ kỳ này" in home(client, tayninh_officer)


def test_recent_decisions_stay_on_the_home_page_from_midnight_thirty_days_ago(
    client, reference_data, tayninh_officer, tayninh_approver, commit_bumps
):
    from projects.models import ProjectAdjustment

    project = factories.approve(
        factories.make_project(by=tayninh_officer, title="Đề án điều chỉnh"),
        officer=tayninh_officer,
        approver=tayninh_approver,
    )
    for decided_at, reason in [("2026-10-29 00:30:00+07:00", "Trong hạn"), ("2026-10-28 23:30:00+07:00", "Quá hạn")]:
        ProjectAdjustment.objects.create(
            project=project,
            requested_by=tayninh_officer,
            changes={"end_date": ["31/10/2026", "30/11/2026"]},
            reason=reason,
            decision=ProjectAdjustment.Decision.APPROVED,
            decided_by=tayninh_approver,
            decided_at=datetime.datetime.fromisoformat(decided_at),
        )
    commit_bumps()
    decided = section(home(client, tayninh_officer), "adjustments_decided")  # 28/11 10:00: from 29/10 00:00
    assert decided.count("Đề án điều chỉnh") == 1


def test_a_partner_province_is_never_asked_to_decide_or_correct_another_provinces_project(
    client, reference_data, tayninh_officer, tayninh_approver, cantho_officer, cantho_approver
):
    """Liên kết vùng: Cần Thơ reads Tây Ninh's inter-provincial project, but only Tây Ninh's approver decides
    it and only Tây Ninh's officers correct it after a refusal."""
    project = factories.make_project(by=tayninh_officer, is_inter_provincial=True, title="Đề án liên kết vùng")
    project = project_services.project_update(
        project=project,
        by=tayninh_officer,
        data={},
        expected_version=project.version,
        partner_provinces=[cantho_officer.unit.province],
    )
    project = project_services.project_transition(project=project, action="submit", by=tayninh_officer)
    assert project.code in section(home(client, tayninh_approver), "projects_awaiting")
    assert section(home(client, cantho_approver), "projects_awaiting") == ""
    project_services.project_transition(project=project, action="reject", by=tayninh_approver, reason="Bổ sung")
    assert project.code in section(home(client, tayninh_officer), "projects_refused")
    assert section(home(client, cantho_officer), "projects_refused") == ""
