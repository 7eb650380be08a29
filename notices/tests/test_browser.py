"""The ministry returns a report in the browser; the approver sees one new notice in the header, the
returned report with the comment on the home page, and opening the notice marks it read."""

import datetime

import pytest
from django.test import Client

from notices.models import Notice
from projects import services as project_services
from provinces import services as province_services
from provinces.models import User
from reports import services
from reports.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
COMMENT = "Bổ sung số liệu giải ngân quý 3 của các đề án chuyển tiếp."


def session_cookie_for(user, live_server) -> dict:
    """Ministry staff sign in with a second factor; the test client's signed-in session stands for it."""
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


def test_the_approver_is_told_of_a_returned_report_and_opening_the_notice_marks_it_read(
    page, browser, live_server, settings
):
    settings.REPORTS_PERIOD_KINDS = ["quarter"]
    settings.REPORTS_LOOKBACK_DAYS = 100
    province_services.reference_load()
    project_services.programmes_load()
    province_services.demo_accounts_create()
    approver = User.objects.get(username="tayninh.lanhdao")
    services.reports_sweep(today=datetime.date(2026, 11, 28))  # Q3/2026, whatever the date the suite runs on
    report = Report.objects.get(province=approver.unit.province, version=1, period__number=3, period__year=2026)
    services.report_submit(report=report, by=approver)

    ministry = browser.new_context()
    ministry.add_cookies([session_cookie_for(User.objects.get(username="bo.khuyencong"), live_server)])
    staff = ministry.new_page()
    staff.goto(f"{live_server.url}/reports/{report.pk}/")
    staff.get_by_label("Ý kiến (bắt buộc khi trả lại báo cáo)").fill(COMMENT)
    staff.once("dialog", lambda dialog: dialog.accept())
    staff.get_by_role("button", name="Trả lại để chỉnh sửa").click()
    staff.wait_for_url(f"**/reports/{report.pk}/")
    ministry.close()
    assert Report.objects.get(pk=report.pk).status == Report.Status.RETURNED

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill("tayninh.lanhdao")
    page.get_by_label("Mật khẩu").fill(province_services.DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    badge = page.locator("header #unread-count")
    badge.wait_for()
    assert " ".join(badge.text_content().split()) == "1 thông báo chưa đọc"  # the number, and words for screen readers
    returned = page.locator("#work-reports_returned")
    assert "Quý 3/2026 · Tây Ninh" in returned.inner_text() and COMMENT in returned.inner_text()
    draft = Report.objects.get(period=report.period, province=report.province, version=2)
    assert returned.get_by_role("link", name="Quý 3/2026 · Tây Ninh").get_attribute("href") == f"/reports/{draft.pk}/"

    page.locator("header").get_by_role("link", name="Thông báo").click()
    page.get_by_role("link", name="Bộ đã trả báo cáo Quý 3/2026 để chỉnh sửa").click()
    page.wait_for_url(f"**/reports/{report.pk}/")
    assert COMMENT in page.locator("main").inner_text()  # the returned version, with the ministry's comment
    notice = Notice.objects.get(recipient=approver)
    assert notice.read_at is not None
    page.locator("header #unread-count").wait_for(state="attached")
    assert page.locator("header #unread-count").text_content() == ""
