"""A provincial officer registers two delegates and reports follow-up; ministry staff then see both."""

import datetime

import pytest
from django.utils import timezone

from conferences import services as conference_services
from khuyencong.tests import totp
from provinces import services as province_services
from provinces.models import User

from .conftest import conference_of, province

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(province_services.DEMO_PASSWORD)
    code = totp.code_for_user(username) if User.objects.get(username=username).sees_all_provinces else None
    page.get_by_role("button", name="Đăng nhập").click()
    if code:  # ministry staff give the code of their authenticator after the password
        page.get_by_label("Mã 6 chữ số").fill(code)
        page.get_by_role("button", name="Xác thực").click()
    page.wait_for_url(f"{live_server.url}/")


def test_officer_registers_and_reports_ministry_sees_both(page, live_server):
    province_services.reference_load()
    province_services.demo_accounts_create()
    conference_services.conferences_load()
    ministry = User.objects.get(username="bo.khuyencong")
    conference_services.conference_close(conference=conference_of(2025), next_host=province(96), by=ministry)
    conference_services.registration_deadline_set(
        conference=conference_of(2026), deadline=timezone.now() + datetime.timedelta(days=7), by=ministry
    )

    sign_in(page, live_server, "tayninh.canbo")
    page.get_by_role("link", name="Hội nghị khu vực").click()
    page.get_by_role("link", name="XVI", exact=True).click()
    page.get_by_role("link", name="Đăng ký đại biểu của Tây Ninh").click()
    for name, position in (("Trần Thị Hoa", "Phó Giám đốc"), ("Lê Văn Phúc", "Trưởng phòng Khuyến công")):
        page.get_by_label("Họ và tên", exact=True).fill(name)
        page.get_by_label("Chức vụ", exact=True).fill(position)
        page.get_by_role("button", name="Đăng ký", exact=True).click()
        assert page.get_by_role("status").get_by_text("Đã đăng ký đại biểu.").is_visible()
    assert page.get_by_text("Đã đăng ký 2 đại biểu.").is_visible()

    page.goto(f"{live_server.url}/conferences/{conference_of(2022).pk}/")
    page.get_by_role("link", name="Báo cáo kết quả thực hiện kết luận 4 của Tây Ninh").click()
    page.get_by_label("Trạng thái").select_option(label="hoàn thành")
    page.get_by_label("Những việc đã làm").fill("Mạng lưới cộng tác viên đã phủ 40 xã.")
    page.get_by_role("button", name="Lưu kết quả thực hiện").click()
    assert page.get_by_text("Đã lưu kết quả thực hiện.").is_visible()

    page.context.clear_cookies()
    sign_in(page, live_server, "bo.khuyencong")
    page.goto(f"{live_server.url}/conferences/{conference_of(2026).pk}/")
    counts = page.get_by_role("table", name="Số đại biểu đã đăng ký theo tỉnh, thành phố")
    assert counts.get_by_role("row", name="Tây Ninh").get_by_role("cell").first.inner_text() == "2"
    delegates = page.get_by_role("table", name="Đại biểu đã đăng ký")
    assert delegates.get_by_text("Trần Thị Hoa").is_visible() and delegates.get_by_text("Lê Văn Phúc").is_visible()

    page.goto(f"{live_server.url}/conferences/{conference_of(2022).pk}/")
    matrix = page.get_by_role("table", name="Kết quả thực hiện từng kết luận theo tỉnh, thành phố")
    assert matrix.get_by_text("Mạng lưới cộng tác viên đã phủ 40 xã.").is_visible()
    assert matrix.get_by_role("row", name="4").get_by_text("hoàn thành").count() == 1
    assert page.get_by_role("link", name="Báo cáo kết quả thực hiện kết luận 4 của Tây Ninh").count() == 0
