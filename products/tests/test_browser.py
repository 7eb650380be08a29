"""Three judges score two entries on a tablet, the head judge sees the means, the council recognises one
and its certificate PDF downloads."""

import pytest
from pypdf import PdfReader

from products import services
from products.models import Entry
from products.tests import factories
from projects import services as project_services
from provinces import services as province_services
from provinces.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TABLET = {"width": 820, "height": 1180}
# judge → (entry 1 blocks, entry 2 blocks). Means: entry 1 (84 + 80 + 82) / 3 = 82, entry 2 (66 + 70 + 68) / 3 = 68.
SHEETS = {
    "giamkhao1": ((34, 34, 8, 8), (26, 26, 7, 7)),
    "giamkhao2": ((32, 32, 8, 8), (28, 28, 7, 7)),
    "giamkhao3": ((33, 33, 8, 8), (27, 27, 7, 7)),
}


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(province_services.DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")


def sign_out(page):
    page.get_by_role("button", name="Đăng xuất").click()


def test_three_judges_score_the_head_judge_sees_means_the_council_recognises_one(browser, live_server, tmp_path):
    province_services.reference_load()
    project_services.programmes_load()
    province_services.demo_accounts_create()
    services.rules_load()
    officer = User.objects.get(username="tayninh.canbo")
    tay_ninh = officer.unit.province
    judges = []
    for name in SHEETS:
        user = factories.make_user(name, tay_ninh)
        user.set_password(province_services.DEMO_PASSWORD)
        user.save()
        judges.append(user)
    round_ = factories.make_round(by=officer, prov=tay_ninh, title="Bình chọn sản phẩm CNNT tiêu biểu Tây Ninh 2026")
    one = factories.make_entry(round_=round_, by=officer, name="Bánh tráng phơi sương")
    two = factories.make_entry(round_=round_, by=officer, name="Muối tôm Tây Ninh")
    factories.seat(round_=round_, by=officer, judges=judges)
    services.judging_open(round_=round_, by=officer)

    context = browser.new_context(viewport=TABLET, has_touch=True, accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    for username, blocks in SHEETS.items():
        sign_in(page, live_server, username)
        page.get_by_role("link", name="Sản phẩm tiêu biểu").click()
        page.get_by_role("link", name=round_.title).click()
        page.get_by_role("link", name="Chấm điểm sản phẩm").click()
        for entry, points in zip((one, two), blocks, strict=True):
            page.get_by_role("link", name=f"{entry.code} · {entry.product_name}").click()
            assert "Điểm của các giám khảo khác" not in page.content()
            inputs = page.locator("form.score-form input[inputmode=decimal]")
            assert inputs.count() == 4
            for index, value in enumerate(points):
                inputs.nth(index).fill(str(value))
            page.get_by_role("button", name="Nộp phiếu (không sửa được)").click()
            assert "Đã lưu phiếu chấm" in page.locator(".messages").inner_text()
            assert "Điểm của các giám khảo khác" in page.content()  # once submitted, the others' totals
            page.get_by_role("link", name="Tất cả sản phẩm cần chấm").click()
        assert page.locator(".badge.ok").count() == 2
        sign_out(page)

    sign_in(page, live_server, "giamkhao1")  # the head judge
    page.goto(f"{live_server.url}/products/{round_.pk}/summary/")
    means = page.locator("td.mean").all_inner_texts()
    assert means == ["82,00", "68,00"] or means == ["82.00", "68.00"]
    assert page.locator(".badge.ok", has_text="đạt").count() == 1
    sign_out(page)

    sign_in(page, live_server, "tayninh.canbo")  # the organiser records the council's selection
    page.goto(f"{live_server.url}/products/{round_.pk}/summary/")
    page.get_by_label(f"Công nhận {one.code}").check()
    page.get_by_label("Số sản phẩm hội đồng công nhận").fill("1")
    page.get_by_role("button", name="Ghi lựa chọn của hội đồng").click()
    assert "Đã ghi kết quả lựa chọn" in page.locator(".messages").inner_text()
    page.get_by_role("link", name="Ghi quyết định công nhận").click()
    page.locator("#id_number").fill("45/QĐ-UBND")
    page.locator("#id_signed_on").fill("2026-09-10")
    page.locator("#id_signer_name").fill("Nguyễn Văn Hùng")
    page.locator("#id_signer_position").fill("Phó Chủ tịch")
    page.get_by_role("button", name="Ghi quyết định").click()
    assert "Bánh tráng phơi sương" in page.content() and "Muối tôm" not in page.locator("table").inner_text()
    page.goto(f"{live_server.url}/products/entries/{one.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Giấy chứng nhận (PDF)").click()
    path = tmp_path / "certificate.pdf"
    download.value.save_as(path)
    text = " ".join(PdfReader(path).pages[0].extract_text().split())
    assert "GIẤY CHỨNG NHẬN" in text and "Bánh tráng phơi sương" in text and "31/12/2028" in text
    assert Entry.objects.filter(recognised=True).get() == one
    assert not [e for e in errors if "Content Security Policy" in e], errors
    context.close()
