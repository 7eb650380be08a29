"""An officer drafts a national-fund project with an establishment found by typing without diacritics,
meets the circular's support ceiling, fixes the figures and attaches the project's outline (.docx)."""

import os
from pathlib import Path

import pytest

from khuyencong.testing import office
from projects import services as project_services
from projects.models import Project
from projects.tests.test_browser import sign_in
from provinces import services
from provinces.models import Province

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Set KC_SCREENSHOTS=<folder> to keep pictures of the form at a phone's and a desktop's width.
SHOTS = os.environ.get("KC_SCREENSHOTS")


def shoot(page, name):
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_officer_finds_dan_lat_meets_the_ceiling_and_attaches_the_outline(page, live_server):
    services.reference_load()
    project_services.programmes_load()
    project_services.ceilings_load()
    accounts = {user.username: user for user in services.demo_accounts_create()}
    tay_ninh = Province.objects.get(code=80, code_set=2025)
    coop_commune = tay_ninh.communes.order_by("code")[3]
    project_services.establishment_create(
        by=accounts["tayninh.canbo"],
        name="Hợp tác xã đan lát Tân Phú",
        kind="cooperative",
        tax_code="0300588569",
        commune=coop_commune,
    )
    project_commune = tay_ninh.communes.order_by("code")[5]

    sign_in(page, live_server, "tayninh.canbo")
    page.goto(f"{live_server.url}/projects/new/")
    page.get_by_label("Tên đề án").fill("Mô hình trình diễn máy đan lát tự động")
    page.get_by_label("Năm kế hoạch").fill("2026")
    page.get_by_label("Nguồn kinh phí").select_option("national")
    page.get_by_label("Nội dung hoạt động").select_option(label="KC02 Xây dựng mô hình trình diễn kỹ thuật")
    page.get_by_label("Đơn vị thực hiện").select_option(label="Trung tâm Khuyến công Tây Ninh")
    page.get_by_label("Xã, phường (hiện nay)").select_option(label=project_commune.name)
    page.get_by_label("Ngày bắt đầu").fill("2026-03-01")
    page.get_by_label("Ngày kết thúc").fill("2026-12-31")
    page.get_by_label("Kinh phí hỗ trợ (đồng)").fill("400000000")
    page.get_by_label("Vốn đối ứng (đồng)").fill("400000000")
    page.get_by_label("Nguồn khác (đồng)").fill("0")

    page.get_by_label("Tìm trong danh sách cơ sở (tên, mã số thuế hoặc xã)").press_sequentially("dan lat", delay=40)
    result = page.locator("#establishment-results li", has_text="Hợp tác xã đan lát Tân Phú")
    result.wait_for()
    assert coop_commune.name in result.inner_text()
    result.get_by_role("checkbox").check()
    chosen = page.locator("#establishment-chosen li", has_text="Hợp tác xã đan lát Tân Phú")
    chosen.wait_for()
    shoot(page, "project-form")
    page.get_by_role("button", name="Lưu").click()

    # 400 of 800 million is 50%, above the 30% the circular allows a demonstration model
    error = page.locator(".error", has_text="Thông tư 28/2018/TT-BCT")
    error.wait_for()
    assert "50,0%" in error.inner_text() and "30,0%" in error.inner_text()
    assert not Project.objects.exists()
    assert page.locator("#establishment-chosen input[type=checkbox]").is_checked()  # the choice is kept
    shoot(page, "project-form-ceiling-error")
    page.get_by_label("Vốn đối ứng (đồng)").fill("1000000000")
    page.get_by_role("button", name="Lưu").click()
    assert "Đã tạo đề án" in page.locator(".messages").inner_text()
    project = Project.objects.get()
    assert [b.name for b in project.beneficiaries.all()] == ["Hợp tác xã đan lát Tân Phú"]
    assert project.commune == project_commune

    upload = page.locator(f"form[action='/projects/{project.pk}/attachments/']")
    upload.locator("select[name=kind]").select_option("outline")
    upload.locator("input[type=file]").set_input_files(
        files=[{"name": "thuyet-minh-de-an.docx", "mimeType": "application/msword", "buffer": office.docx()}]
    )
    upload.get_by_role("button", name="Tải lên").click()
    assert "Đã tải tệp lên" in page.locator(".messages").inner_text()
    assert page.get_by_role("link", name="thuyet-minh-de-an.docx").is_visible()
    assert project.attachments.get().extension == ".docx"
    shoot(page, "project-detail")
    page.goto(f"{live_server.url}/projects/ceilings/")
    assert "Thông tư 28/2018/TT-BCT" in page.locator("table").inner_text()
    shoot(page, "ceilings")
