"""The "ready for people" journeys in a real Chromium: an officer's, an approver's and ministry staff's day,
each in a browser context of its own, over one data set built by the services. Every page is watched for
Content-Security-Policy violations and 5xx answers, and every destructive button must ask first.

Hand-worked figures (in millions of đồng; the dashboard's rate is disbursed from 15/12 of the previous
year to the cut-off, divided by the year's plan):
- 2026, quarter 3 (cut-off 14/09/2026): Tây Ninh local plan 500, disbursed 125 (01/07) → 25,0%;
  Cần Thơ local plan 400, disbursed 60 (10/08) → 15,0%. The officer's disbursement of today is later.
- 2025, first 9 months (cut-off 14/09/2025), as they were: today's Cần Thơ plan 200, disbursed 50 (01/08)
  → 25,0%; former Hậu Giang plan 300, nothing disbursed → 0,0%. With today's provinces Hậu Giang is
  added into Cần Thơ: 500 planned, 50 disbursed → 10,0%.
"""

import datetime
import io

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time
from pypdf import PdfReader

from khuyencong import pdf
from khuyencong.tests import totp
from periods.models import ReportingPeriod
from projects import services as project_services
from projects.models import Attachment, MoneyEntry, ProgressUpdate, Project, Status
from projects.tests import factories
from provinces import selectors as province_selectors
from provinces import services as province_services
from provinces.models import User
from reports import services as report_services
from reports.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _on_the_day():
    # Playwright's event loop keeps real time; only the portal's clock is moved.
    with freeze_time(NOW, tick=True, ignore=["playwright", "asyncio", "greenlet"]):
        yield


M = 1_000_000
# The day the figures above were worked out for; the clock ticks on from there (server and tests alike).
NOW = datetime.datetime(2026, 11, 28, 9, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 28)

# Runs before any page script and is not subject to the page's policy; reports to the test via a binding.
LISTEN = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__kcViolation(`${location.pathname}: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


class Watch:
    """One person's browser context: collects policy violations, 5xx answers and confirm dialogs."""

    def __init__(self, browser, live_server):
        self.live_server = live_server
        self.context = browser.new_context(locale="vi-VN")
        self.violations: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context.expose_function("__kcViolation", lambda text: self.violations.append(text))
        self.context.add_init_script(LISTEN)
        self.context.on("page", self._watch)
        self.context.set_default_timeout(8000)
        self.page = self.context.new_page()
        self.answer = "accept"  # what the next confirm dialogs are answered

    def _watch(self, page):
        page.on("console", lambda m: self.violations.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("response", lambda r: self.errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
        page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.accept() if self.answer == "accept" else dialog.dismiss()

    def url(self, path: str = "/") -> str:
        return f"{self.live_server.url}{path}"

    def sign_in(self, username: str, code_for: str | None = None) -> None:
        page = self.page
        page.goto(self.url("/login/"))
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(province_services.DEMO_PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        if code_for is not None:  # ministry staff give their authenticator's code after the password
            page.wait_for_url("**/account/otp/verify/**")
            page.get_by_label("Mã 6 chữ số").fill(totp.code_for_user(code_for))
            page.get_by_role("button", name="Xác thực").click()
        page.wait_for_url(self.url("/"))

    def confirmed(self, button, *, answer: str) -> str:
        """Click a button that must ask first; answer its dialog; return the question asked."""
        before = len(self.dialogs)
        self.answer = answer
        button.click()
        self.page.wait_for_load_state()
        assert len(self.dialogs) == before + 1, f"no confirmation asked for {button}"
        self.answer = "accept"
        return self.dialogs[-1]

    def close(self) -> None:
        self.page.wait_for_load_state("networkidle")
        self.context.close()
        assert self.violations == [], self.violations
        assert self.errors == [], self.errors


def acceptance_pdf() -> bytes:
    return pdf.render("<p>Biên bản nghiệm thu máy sấy nông sản</p>")[0]


def build_portal(settings) -> dict:
    """Reference data, the demo accounts, approved projects with plans and money, the Q3 2026 reports."""
    settings.REPORTS_PERIOD_KINDS = ["quarter"]
    settings.REPORTS_LOOKBACK_DAYS = 100
    province_services.reference_load()
    project_services.programmes_load()
    province_services.demo_accounts_create()
    users = {u.username: u for u in User.objects.all()}
    tn_officer, tn_approver = users["tayninh.canbo"], users["tayninh.lanhdao"]
    ct_officer, ct_approver = users["cantho.canbo"], users["cantho.lanhdao"]

    def money(project, amount, day):
        project_services.money_entry_add(
            project=project, by=project.created_by, kind="disbursement", amount=amount, date=day
        )

    tn = factories.make_project(by=tn_officer, title="Hỗ trợ máy sấy nông sản Gò Dầu", support=200 * M)
    tn = factories.approve(tn, officer=tn_officer, approver=tn_approver)
    factories.make_plan(tn.province, 2026, "local", 500 * M)
    money(tn, 125 * M, datetime.date(2026, 7, 1))
    to_decide = factories.make_project(by=tn_officer, title="Đào tạo nghề mây tre đan Trảng Bàng", activity="KC01")
    to_decide = project_services.project_transition(project=to_decide, action="submit", by=tn_officer)
    adjusting = factories.make_project(by=tn_officer, title="Hỗ trợ dây chuyền đóng gói bánh tráng", support=80 * M)
    adjusting = factories.approve(adjusting, officer=tn_officer, approver=tn_approver)
    adjusting = project_services.project_update(
        project=adjusting,
        by=tn_officer,
        data={"end_date": datetime.date(2026, 12, 31)},
        expected_version=adjusting.version,
        reason="Nhà cung cấp giao máy chậm hai tháng.",
    )

    ct = factories.make_project(by=ct_officer, title="Trình diễn máy ép dầu dừa", support=150 * M)
    ct = factories.approve(ct, officer=ct_officer, approver=ct_approver)
    factories.make_plan(ct.province, 2026, "local", 400 * M)
    money(ct, 60 * M, datetime.date(2026, 8, 10))
    ct_2025 = factories.make_project(
        by=ct_officer,
        title="Hỗ trợ lò sấy khô cá",
        year=2025,
        support=100 * M,
        start=datetime.date(2025, 7, 15),
        end=datetime.date(2025, 12, 31),
    )
    ct_2025 = factories.approve(ct_2025, officer=ct_officer, approver=ct_approver)
    factories.make_plan(ct.province, 2025, "local", 200 * M)
    money(ct_2025, 50 * M, datetime.date(2025, 8, 1))
    factories.make_plan(factories.province(93, 2004), 2025, "local", 300 * M)  # former Hậu Giang

    report_services.reports_sweep()
    q3 = ReportingPeriod.objects.get(kind="quarter", year=2026, number=3)
    ct_report = Report.objects.get(period=q3, province=ct.province, version=1)
    report_services.report_submit(report=ct_report, by=ct_approver)
    TOTPDevice.objects.create(user=users["bo.khuyencong"], name="Điện thoại", confirmed=True)
    return {"tn": tn, "to_decide": to_decide, "adjusting": adjusting, "ct": ct, "q3": q3, "ct_report": ct_report}


def officer_enters_the_quarter(watch: Watch, portal: dict) -> None:
    tn, page = portal["tn"], watch.page
    watch.sign_in("tayninh.canbo")
    page.get_by_role("link", name="Kỳ này", exact=True).click()
    page.wait_for_url(watch.url("/projects/this-period/"))
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    row = page.locator(f"#row-{tn.pk}")
    row.get_by_label("Khối lượng hoàn thành (%)").fill("60")
    row.get_by_label("Tiến độ thực hiện").fill("Đã lắp đặt 2/3 máy sấy, chạy thử đạt công suất.")
    row.get_by_label("Giải ngân mới (đồng)").fill("30.000.000")
    row.get_by_label("Ngày giải ngân").fill(TODAY.strftime("%d/%m/%Y"))
    page.keyboard.press("Tab")  # leaving the row's last cell saves it; the page does not reload
    row.locator(f"#m-{tn.pk}-date", has_text="Đã lưu").wait_for()
    row.locator(".row-state .badge.saved", has_text="Đã lưu lúc").wait_for()
    assert page.url == watch.url("/projects/this-period/") and page.evaluate("window.__sameDocument") is True
    progress = ProgressUpdate.objects.get(project=tn)
    assert progress.completion_percent == 60 and progress.narrative.startswith("Đã lắp đặt 2/3")
    assert (progress.period.kind, progress.period.year, progress.period.number) == ("quarter", 2026, 4)
    assert MoneyEntry.objects.filter(project=tn, kind="disbursement", amount=30 * M, date=TODAY).exists()

    row.get_by_role("link", name=tn.code).click()
    page.wait_for_url(watch.url(f"/projects/{tn.pk}/"))
    assert page.locator("#disbursed").inner_text() == "155.000.000 đ"
    documents = page.locator("section", has=page.get_by_role("heading", name="Tài liệu"))
    documents.get_by_label("Loại tài liệu").select_option(label="biên bản nghiệm thu")
    documents.get_by_label("Tệp (PDF, JPEG, PNG, Word, Excel, OpenDocument)").set_input_files(
        {"name": "bien-ban-nghiem-thu.pdf", "mimeType": "application/pdf", "buffer": acceptance_pdf()}
    )
    documents.get_by_role("button", name="Tải lên").click()
    assert "Đã tải tệp lên." in page.locator(".messages").inner_text()
    assert documents.get_by_role("link", name="bien-ban-nghiem-thu.pdf").is_visible()
    assert "biên bản nghiệm thu" in documents.get_by_role("listitem").first.inner_text()

    documents.get_by_label("Loại tài liệu").select_option(label="biên bản nghiệm thu")
    documents.get_by_label("Tệp (PDF, JPEG, PNG, Word, Excel, OpenDocument)").set_input_files(
        {"name": "hoa-don.pdf", "mimeType": "application/pdf", "buffer": "Không phải PDF".encode()}
    )
    documents.get_by_role("button", name="Tải lên").click()
    assert "Chỉ chấp nhận tệp PDF, JPEG, PNG, Word" in page.locator(".messages").inner_text()
    assert documents.get_by_role("link", name="hoa-don.pdf").count() == 0
    assert list(Attachment.objects.filter(project=tn).values_list("original_name", "kind")) == [
        ("bien-ban-nghiem-thu.pdf", "acceptance")
    ]


def approver_submits_the_report(watch: Watch, portal: dict) -> None:
    page = watch.page
    watch.sign_in("tayninh.lanhdao")
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.get_by_role("row", name="Tây Ninh").get_by_role("link", name="phiên bản 1").click()
    assert page.locator("#report-status").inner_text() == "bản nháp"
    page.get_by_label("Kết quả đạt được").fill("Lắp đặt máy sấy nông sản cho 3 cơ sở ở Gò Dầu.")
    page.get_by_label("Khó khăn, vướng mắc").fill("Giá thiết bị tăng so với dự toán.")
    page.get_by_role("button", name="Lưu nội dung").click()
    assert "Đã lưu nội dung báo cáo" in page.locator(".messages").inner_text()

    submit = page.get_by_role("button", name="Gửi Bộ Công Thương")
    question = watch.confirmed(submit, answer="dismiss")
    assert question == "confirm: Gửi báo cáo đến Bộ? Số liệu của báo cáo sẽ được chốt."
    assert page.locator("#report-status").inner_text() == "bản nháp"
    watch.confirmed(submit, answer="accept")
    page.locator("#report-status", has_text="đã gửi").wait_for()
    assert "Đã gửi báo cáo" in page.locator(".messages").inner_text()
    assert page.get_by_role("link", name="Tải PDF").is_visible()
    report = Report.objects.get(period=portal["q3"], province=portal["tn"].province, version=1)
    assert report.status == Report.Status.SUBMITTED and report.achievements.startswith("Lắp đặt máy sấy")

    # A project's refusal and cancellation ask first; dismissed, nothing changes.
    to_decide = portal["to_decide"]
    page.goto(watch.url(f"/projects/{to_decide.pk}/"))
    reject = page.locator("form", has=page.get_by_role("button", name="Không duyệt"))
    reject.get_by_label("Lý do không duyệt").fill("Trùng nội dung với đề án năm 2025.")
    question = watch.confirmed(reject.get_by_role("button", name="Không duyệt"), answer="dismiss")
    assert question == "confirm: Không duyệt: bạn chắc chắn chứ? Thao tác này không hoàn tác được."
    assert page.locator("#project-status").inner_text() == "đã đăng ký"
    watch.confirmed(reject.get_by_role("button", name="Không duyệt"), answer="accept")
    page.locator("#project-status", has_text="không được duyệt").wait_for()
    assert Project.objects.get(pk=to_decide.pk).status == Status.REJECTED

    adjusting = portal["adjusting"]
    page.goto(watch.url(f"/projects/{adjusting.pk}/"))
    decision = page.locator("section", has=page.get_by_role("heading", name="Điều chỉnh chờ phê duyệt"))
    decision.get_by_label("Ý kiến (bắt buộc khi không chấp thuận)").fill("Chưa có văn bản của nhà cung cấp.")
    question = watch.confirmed(decision.get_by_role("button", name="Không chấp thuận"), answer="dismiss")
    assert question == "confirm: Bạn chắc chắn chứ? Thao tác này không hoàn tác được."
    assert adjusting.adjustments.get().decision == "pending"

    page.goto(watch.url(f"/projects/{portal['tn'].pk}/"))
    cancel = page.locator("form", has=page.get_by_role("button", name="Hủy đề án"))
    cancel.get_by_label("Lý do hủy đề án").fill("Thử")
    question = watch.confirmed(cancel.get_by_role("button", name="Hủy đề án"), answer="dismiss")
    assert question == "confirm: Hủy đề án: bạn chắc chắn chứ? Thao tác này không hoàn tác được."
    assert page.locator("#project-status").inner_text() == "đang thực hiện"
    assert Project.objects.get(pk=portal["tn"].pk).status == Status.IN_PROGRESS


EXECUTION_ROWS = "section[aria-labelledby=h-exec] table.figures tbody tr"


def rate_of(page, province: str, fund: int = 2) -> str:
    """The execution rate shown for a province: fund 0 national, 1 local, 2 total."""
    row = page.locator(EXECUTION_ROWS).filter(
        has=page.get_by_role("rowheader").filter(has=page.get_by_role("link", name=province, exact=True))
    )
    return row.locator("td.rate").nth(fund).inner_text()


def show(page, *, year: str, period: str, view: str) -> None:
    filters = page.locator("form.dashboard-filters")
    filters.get_by_label("Năm").select_option(year)
    filters.get_by_label("Kỳ báo cáo").select_option(label=period)
    filters.get_by_label(view).check()
    filters.get_by_role("button", name="Xem").click()
    page.wait_for_load_state()


def ministry_compares_returns_and_downloads(watch: Watch, portal: dict) -> None:
    page = watch.page
    watch.sign_in("bo.khuyencong", code_for="bo.khuyencong")
    page.get_by_role("link", name="Bảng số liệu khu vực").click()
    as_they_were = "như trước đây (20 tỉnh trước ngày 1/7/2025)"
    today = "các tỉnh hiện nay (số liệu cũ cộng vào 9 tỉnh sau hợp nhất)"

    show(page, year="2025", period="9 tháng đầu năm", view=as_they_were)
    assert "view=asis" in page.url
    assert rate_of(page, "Thành phố Cần Thơ") == "25,0%"  # 50 / 200
    assert rate_of(page, "Hậu Giang (đến 06/2025)") == "0,0%"  # 0 / 300
    assert page.locator(EXECUTION_ROWS).count() == 29
    show(page, year="2025", period="9 tháng đầu năm", view=today)
    assert page.locator(EXECUTION_ROWS).count() == 9
    assert rate_of(page, "Thành phố Cần Thơ") == "10,0%"  # 50 / (200 + 300)
    assert page.locator(EXECUTION_ROWS).get_by_role("link", name="Hậu Giang (đến 06/2025)").count() == 0
    ct_row = page.locator(EXECUTION_ROWS, has=page.get_by_role("link", name="Thành phố Cần Thơ", exact=True))
    assert "Hậu Giang" in ct_row.locator("th").inner_text()
    show(page, year="2026", period="Quý 3", view=today)
    assert rate_of(page, "Tây Ninh") == "25,0%" and rate_of(page, "Tây Ninh", fund=1) == "25,0%"  # 125 / 500
    assert rate_of(page, "Thành phố Cần Thơ") == "15,0%"  # 60 / 400

    # Who has reported for Q3: Cần Thơ's submitted report, returned with a comment.
    page.locator("ul.report-states").get_by_role("link", name="Thành phố Cần Thơ").click()
    page.wait_for_url(watch.url(f"/reports/{portal['ct_report'].pk}/"))
    assert page.locator("#report-status").inner_text() == "đã gửi"
    comment = "Bổ sung số liệu giải ngân của đề án máy ép dầu dừa."
    page.get_by_label("Ý kiến (bắt buộc khi trả lại báo cáo)").fill(comment)
    back = page.get_by_role("button", name="Trả lại để chỉnh sửa")
    assert watch.confirmed(back, answer="dismiss") == "confirm: Trả báo cáo về tỉnh để chỉnh sửa?"
    assert page.locator("#report-status").inner_text() == "đã gửi"
    watch.confirmed(back, answer="accept")
    page.locator("#report-status", has_text="trả lại để chỉnh sửa").wait_for()
    assert "Đã trả báo cáo về tỉnh để chỉnh sửa." in page.locator(".messages").inner_text()
    assert comment in page.locator("section", has=page.get_by_role("heading", name="Ý kiến của Bộ")).inner_text()
    returned = Report.objects.get(pk=portal["ct_report"].pk)
    assert returned.status == Report.Status.RETURNED and returned.review_comment == comment
    assert Report.objects.filter(period=portal["q3"], province=returned.province, version=2).exists()

    page.get_by_role("link", name="Báo cáo", exact=True).click()
    assert "Tây Ninh" in page.get_by_role("row", name="Tây Ninh").inner_text()
    assert "đã gửi" in page.get_by_role("row", name="Tây Ninh").inner_text()  # the approver's, this morning
    regional = page.locator("section", has=page.get_by_role("heading", name="Báo cáo tổng hợp khu vực"))
    with page.expect_download() as download:
        regional.get_by_role("link", name="Tải PDF").click()
    content = download.value.path().read_bytes()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())
    names = province_selectors.provinces_in_region_on(day=portal["q3"].ends_on).values_list("name", flat=True)
    assert len(names) == 9
    missing = [name for name in names if name.upper() not in text.upper()]
    assert missing == [], missing


def test_a_day_of_the_officer_the_approver_and_ministry_staff(browser, live_server, settings):
    portal = build_portal(settings)
    for journey in (officer_enters_the_quarter, approver_submits_the_report, ministry_compares_returns_and_downloads):
        watch = Watch(browser, live_server)
        journey(watch, portal)
        watch.close()


def test_two_browsers_save_the_same_row(browser, live_server, settings):
    """The same officer in two browsers: the first save wins, the second is told and keeps what it typed."""
    portal = build_portal(settings)
    tn = portal["tn"]
    first, second = Watch(browser, live_server), Watch(browser, live_server)
    rows = []
    for watch in (first, second):
        watch.sign_in("tayninh.canbo")
        watch.page.goto(watch.url("/projects/this-period/"))
        rows.append(watch.page.locator(f"#row-{tn.pk}"))
    for row, percent, text in ((rows[0], "40", "Máy đã về kho."), (rows[1], "55", "Đã chạy thử máy.")):
        row.get_by_label("Khối lượng hoàn thành (%)").fill(percent)
        row.get_by_label("Tiến độ thực hiện").fill(text)

    rows[0].get_by_label("Tiến độ thực hiện").press("Tab")  # leaving the cell saves it
    rows[0].locator(f"#m-{tn.pk}-narrative", has_text="Đã lưu").wait_for()
    rows[1].get_by_label("Tiến độ thực hiện").press("Tab")
    alert = rows[1].locator(".row-error")
    alert.filter(has_text="Người khác đã lưu dòng này sau khi bạn mở trang").wait_for()
    assert rows[1].get_by_label("Khối lượng hoàn thành (%)").input_value() == "55"  # what they typed is kept
    assert second.page.url == second.url("/projects/this-period/")
    progress = ProgressUpdate.objects.get(project=tn)
    assert (progress.completion_percent, progress.narrative) == (40, "Máy đã về kho.")

    second.page.reload()  # the second person reloads and sees the first one's entry
    row = second.page.locator(f"#row-{tn.pk}")
    assert row.get_by_label("Khối lượng hoàn thành (%)").input_value() == "40"
    assert "Đã lưu lúc" in row.locator(".row-state").inner_text()
    for watch in (first, second):
        watch.close()
