"""An approver writes and submits the quarterly report; ministry staff open it and download its PDF."""

import datetime
import io

import pytest
from django.test import Client
from pypdf import PdfReader

from projects import services as project_services
from projects.tests import factories
from provinces import services as province_services
from provinces.models import User
from reports import services
from reports.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def session_cookie_for(user, live_server) -> dict:
    """Ministry staff sign in with a second factor; the test client's signed-in session stands for it."""
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


def test_approver_submits_and_ministry_downloads_the_pdf(page, browser, live_server, settings):
    settings.REPORTS_PERIOD_KINDS = ["quarter"]
    settings.REPORTS_LOOKBACK_DAYS = 100
    province_services.reference_load()
    project_services.programmes_load()
    province_services.demo_accounts_create()
    officer, approver = User.objects.get(username="tayninh.canbo"), User.objects.get(username="tayninh.lanhdao")
    project = factories.make_project(by=officer, support=200_000_000)
    project = factories.approve(project, officer=officer, approver=approver)
    factories.make_plan(project.province, 2026, "local", 500_000_000)
    project_services.money_entry_add(
        project=project, by=officer, kind="disbursement", amount=125_000_000, date=datetime.date(2026, 7, 1)
    )
    services.reports_sweep(today=datetime.date(2026, 11, 28))  # Q3/2026, whatever the date the suite runs on

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill("tayninh.lanhdao")
    page.get_by_label("Mật khẩu").fill(province_services.DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.get_by_role("link", name="phiên bản 1").first.click()
    page.get_by_label("Kết quả đạt được").fill("Hoàn thành lắp đặt máy sấy cho 3 cơ sở.")
    page.get_by_role("button", name="Lưu nội dung").click()
    assert "Đã lưu nội dung báo cáo" in page.locator(".messages").inner_text()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Gửi Bộ Công Thương").click()
    assert page.locator("#report-status").inner_text() == "đã gửi"
    report = Report.objects.get(province=project.province, version=1)
    assert report.status == Report.Status.SUBMITTED and report.generation == Report.Generation.READY

    ministry = browser.new_context()
    ministry.add_cookies([session_cookie_for(User.objects.get(username="bo.khuyencong"), live_server)])
    staff = ministry.new_page()
    staff.goto(f"{live_server.url}/reports/?year=2026&kind=quarter&number=3")
    row = staff.locator("tr", has_text="Tây Ninh")
    assert "đã gửi" in row.inner_text() and "rất chậm" in row.inner_text()  # Q3 was due on 19/9
    row.get_by_role("link", name="phiên bản 1").click()
    with staff.expect_download() as download_info:
        staff.get_by_role("link", name="Tải PDF").click()
    content = download_info.value.path().read_bytes()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())
    assert "UBND TỈNH TÂY NINH" in text and "125.000.000 đ" in text and "25,0%" in text
    assert "Hoàn thành lắp đặt máy sấy cho 3 cơ sở." in text
    ministry.close()
