"""An officer drafts and submits a project, the approver approves it, the officer reports the period."""

import pytest

from projects import services as project_services
from projects.models import Project, Status
from provinces import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(services.DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")


def sign_out(page):
    page.get_by_role("button", name="Đăng xuất").click()


def test_project_from_draft_to_first_progress_report(page, live_server):
    services.reference_load()
    project_services.programmes_load()
    services.demo_accounts_create()

    sign_in(page, live_server, "tayninh.canbo")
    page.get_by_role("link", name="Đề án", exact=True).click()
    page.get_by_role("link", name="Đề án mới").click()
    page.get_by_label("Tên đề án").fill("Hỗ trợ máy đóng gói bánh tráng Trảng Bàng")
    page.get_by_label("Năm kế hoạch").fill("2026")
    page.get_by_label("Nguồn kinh phí").select_option("local")
    page.get_by_label("Nội dung hoạt động").select_option(
        label="KC03 Ứng dụng máy móc thiết bị tiên tiến, chuyển giao công nghệ"
    )
    page.get_by_label("Đơn vị thực hiện").select_option(label="Trung tâm Khuyến công Tây Ninh")
    page.get_by_label("Ngày bắt đầu").fill("01/03/2026")
    page.get_by_label("Ngày kết thúc").fill("31/12/2026")
    page.get_by_label("Kinh phí hỗ trợ (đồng)").fill("250.000.000")
    page.get_by_label("Vốn đối ứng (đồng)").fill("400000000")
    page.get_by_label("Nguồn khác (đồng)").fill("0")
    page.get_by_role("button", name="Lưu").click()
    assert "Đã tạo đề án" in page.locator(".messages").inner_text()
    assert "250.000.000 đ" in page.content()
    page.get_by_role("button", name="Gửi đăng ký").click()
    assert page.locator("#project-status").inner_text() == "đã đăng ký"
    sign_out(page)

    sign_in(page, live_server, "tayninh.lanhdao")
    page.get_by_role("link", name="Đề án", exact=True).click()
    page.locator("table a").first.click()
    page.once("dialog", lambda dialog: dialog.accept())  # "Phê duyệt" asks first
    page.get_by_role("button", name="Phê duyệt").click()
    assert page.locator("#project-status").inner_text() == "đã phê duyệt"
    sign_out(page)

    sign_in(page, live_server, "tayninh.canbo")
    page.goto(f"{live_server.url}/projects/{Project.objects.get().pk}/")
    page.get_by_role("button", name="Bắt đầu thực hiện (đã ký hợp đồng)").click()
    assert page.locator("#project-status").inner_text() == "đang thực hiện"
    page.get_by_role("link", name="Kỳ này").click()
    assert "1 đề án chưa báo cáo" in page.locator("#missing-count").inner_text()
    row = page.locator("tr.grid-row").first
    row.get_by_label("Khối lượng hoàn thành (%)").fill("35")
    row.get_by_label("Tiến độ thực hiện").fill("Đã ký hợp đồng mua máy, đang lắp đặt.")
    page.keyboard.press("Tab")  # leaving the cell saves the row's progress
    row.locator(".row-state .badge.saved").wait_for()
    assert "Đã lưu lúc" in row.locator(".row-state").inner_text()
    page.locator("#missing-count", has_text="0 đề án chưa báo cáo").wait_for()
    project = Project.objects.get()
    assert project.status == Status.IN_PROGRESS
    assert project.progress_updates.get().completion_percent == 35


def test_import_shows_it_is_working_and_cannot_be_sent_twice(page, live_server):
    from django.test import Client

    from projects import excel
    from provinces.models import User

    services.reference_load()
    project_services.programmes_load()
    services.demo_accounts_create()
    client = Client()
    client.force_login(User.objects.get(username="tayninh.canbo"))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/projects/import/")
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(
        files=[{"name": "mau.xlsx", "mimeType": "application/octet-stream", "buffer": excel.import_template()}]
    )
    # Keep the page here once portal.js has reacted, to look at the button as the user sees it meanwhile.
    page.evaluate("document.addEventListener('submit', (event) => event.preventDefault())")
    button = page.get_by_role("button", name="Nhập dữ liệu")
    button.click()
    busy = page.locator("form[aria-busy=true] button[type=submit]")
    assert busy.is_disabled() and busy.inner_text() == "Đang kiểm tra và nhập tệp…"


def test_import_refuses_a_merged_header_naming_the_cells(page, live_server, tmp_path):
    """The officer merged "Kinh phí hỗ trợ" over "Vốn đối ứng": the page names the cells, nothing is imported."""
    import io

    import openpyxl
    from django.test import Client

    from projects import excel
    from provinces.models import User

    services.reference_load()
    project_services.programmes_load()
    services.demo_accounts_create()
    client = Client()
    client.force_login(User.objects.get(username="tayninh.canbo"))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    book = openpyxl.load_workbook(io.BytesIO(excel.import_template()))
    sheet = book[excel.PROJECT_SHEET]
    sheet.append(["TN-GOP-1", "Máy sấy", 80, 2025, 2026, "KCĐP", "KC03", "01/02/2026", "31/10/2026", 100_000_000])
    sheet["K2"] = 50_000_000
    sheet.merge_cells("J1:K1")
    buffer = io.BytesIO()
    book.save(buffer)
    page.goto(f"{live_server.url}/projects/import/")
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(
        files=[{"name": "gop-o.xlsx", "mimeType": "application/octet-stream", "buffer": buffer.getvalue()}]
    )
    page.get_by_role("button", name="Nhập dữ liệu").click()
    message = page.get_by_text("Các ô K2 có giá trị nhưng ô tiêu đề K1 phía trên để trống hoặc bị gộp")
    message.wait_for()
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(tmp_path / f"import-merged-{width}.png"), full_page=True)
    assert not Project.objects.filter(code="TN-GOP-1").exists()
