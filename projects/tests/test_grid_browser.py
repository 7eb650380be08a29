"""The "Kỳ này" grid in a real Chromium: keyboard-only entry saved cell by cell, errors beside the cell, the
warning before leaving unsaved edits, cells typed while the server is unreachable sent once it is back, a
period reopened by an exception, dates read and shown dd/mm/yyyy, and cells typed before the script arrived
(a slow connection) kept and saved."""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from freezegun import freeze_time

from periods import services as period_services
from periods import services as periods  # period_get_or_create
from periods.models import EntryException, PeriodKind
from projects.entry_periods import period_key as key  # noqa: E402
from projects.models import MoneyEntry, ProgressUpdate
from projects.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
M = 1_000_000
NOW = datetime.datetime(2026, 11, 20, 2, 0, tzinfo=datetime.UTC)  # 09:00 in Tây Ninh, in Q4/2026


@pytest.fixture(autouse=True)
def _on_the_day():
    # Playwright's event loop keeps real time; only the portal's clock is moved (and then ticks on).
    with freeze_time(NOW, tick=True, ignore=["playwright", "asyncio", "greenlet"]):
        yield


@pytest.fixture
def five(tayninh_officer, tayninh_approver):
    return [
        factories.approve(
            factories.make_project(by=tayninh_officer, title=f"Đề án lưới {i}", end=datetime.date(2026, 12, 1 + i)),
            officer=tayninh_officer,
            approver=tayninh_approver,
        )
        for i in range(5)
    ]


def _signed_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def _open_grid(page, live_server, user, query: str = ""):
    _signed_in(page, live_server, user)
    page.set_default_timeout(10000)
    page.goto(f"{live_server.url}/projects/this-period/{query}")
    return page


def _mark(page, pk, col):
    return page.locator(f"#m-{pk}-{col}")


def test_an_officer_fills_five_rows_with_the_keyboard_and_sees_each_saved(page, live_server, tayninh_officer, five):
    _open_grid(page, live_server, tayninh_officer)
    assert page.locator("#missing-count").inner_text() == "5 đề án chưa báo cáo."
    page.locator(f"#c-{five[0].pk}-percent").focus()  # the first cell; from here on, only keys
    for i, project in enumerate(five):
        page.keyboard.type(f"{20 + i},5")
        page.keyboard.press("Tab")
        page.keyboard.type(f"Đã lắp đặt máy, đợt {i + 1}")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")  # no difficulties
        page.keyboard.type(f"{i + 1}.000.000")
        page.keyboard.press("Tab")
        page.keyboard.type(f"1{i}/11/2026")
        page.keyboard.press("Tab")  # past the row's last cell: the next row's first cell
        for col in ("percent", "narrative", "amount", "date"):
            _mark(page, project.pk, col).filter(has_text="Đã lưu").wait_for()
        if i < 4:
            assert page.evaluate("document.activeElement.id") == f"c-{five[i + 1].pk}-percent"
    page.locator("#missing-count", has_text="0 đề án chưa báo cáo.").wait_for()
    assert page.locator("#reported-count").inner_text() == "5"
    for i, project in enumerate(five):
        row = page.locator(f"#row-{project.pk}")
        assert re.search(r"Đã lưu lúc \d\d/\d\d/2026 \d\d:\d\d", row.locator(".row-state").inner_text())
        assert row.locator(".disbursed").inner_text() == f"{i + 1}.000.000 đ"
        progress = ProgressUpdate.objects.get(project=project)
        assert str(progress.completion_percent) == f"{20 + i}.5" and progress.narrative.endswith(f"đợt {i + 1}")
        entry = MoneyEntry.objects.get(project=project)
        assert (entry.amount, entry.date) == ((i + 1) * M, datetime.date(2026, 11, 10 + i))
    # Enter moves down a column, Shift+Enter back up
    page.locator(f"#c-{five[1].pk}-narrative").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == f"c-{five[2].pk}-narrative"
    page.keyboard.press("Shift+Enter")
    assert page.evaluate("document.activeElement.id") == f"c-{five[1].pk}-narrative"


def test_letters_in_an_amount_show_an_error_beside_that_cell_and_save_nothing(page, live_server, tayninh_officer, five):
    project = five[0]
    _open_grid(page, live_server, tayninh_officer)
    page.locator(f"#c-{project.pk}-amount").fill("abc")
    page.locator(f"#c-{project.pk}-date").fill("12/11/2026")
    page.locator(f"#c-{five[1].pk}-percent").focus()  # leaving the amount and its date
    error = _mark(page, project.pk, "amount")
    error.filter(has_text="Nhập số tiền nguyên").wait_for()
    assert page.locator(f"#c-{project.pk}-amount").get_attribute("aria-invalid") == "true"
    assert page.locator(f"#c-{project.pk}-amount").input_value() == "abc"  # what was typed stays
    assert not MoneyEntry.objects.filter(project=project).exists()
    # corrected, it saves
    page.locator(f"#c-{project.pk}-amount").fill("2.500.000")
    page.locator(f"#c-{five[1].pk}-percent").focus()
    _mark(page, project.pk, "amount").filter(has_text="Đã lưu").wait_for()
    assert MoneyEntry.objects.get(project=project).amount == 2_500_000


def test_leaving_with_an_unsaved_cell_asks_first(page, live_server, tayninh_officer, five):
    project = five[0]
    _open_grid(page, live_server, tayninh_officer)
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    # a narrative typed before the completion cannot be saved yet: it stays unsaved, marked beside the cell
    page.locator(f"#c-{project.pk}-narrative").fill("Đang chờ nhà cung cấp")
    page.locator(f"#c-{project.pk}-difficulties").focus()
    _mark(page, project.pk, "percent").filter(has_text="Nhập khối lượng hoàn thành trước").wait_for()
    page.get_by_role("link", name="Đề án", exact=True).click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/projects/this-period/")  # stayed: nothing lost
    assert page.locator(f"#c-{project.pk}-narrative").input_value() == "Đang chờ nhà cung cấp"
    # once saved, leaving does not ask
    page.locator(f"#c-{project.pk}-percent").fill("10")
    page.locator(f"#c-{project.pk}-difficulties").focus()
    _mark(page, project.pk, "narrative").filter(has_text="Đã lưu").wait_for()
    page.get_by_role("link", name="Đề án", exact=True).click()
    page.wait_for_url(f"{live_server.url}/projects/")
    assert dialogs == ["beforeunload"]


def test_a_cell_typed_while_the_server_is_unreachable_is_sent_when_it_returns(page, live_server, tayninh_officer, five):
    project = five[2]
    _open_grid(page, live_server, tayninh_officer)
    page.route("**/rows/**", lambda route: route.abort("internetdisconnected"))
    page.locator(f"#c-{project.pk}-percent").fill("45")
    page.locator(f"#c-{project.pk}-narrative").focus()
    banner = page.locator("#offline-banner")
    banner.filter(has_text="Chưa gửi được (mất kết nối): 1 ô").wait_for()
    _mark(page, project.pk, "percent").filter(has_text="Chưa gửi được").wait_for()
    stored = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('kc-grid-queue:'))")
    assert len(stored) == 1
    assert not ProgressUpdate.objects.filter(project=project).exists()
    page.unroute("**/rows/**")  # the connection returns; the page sends what it kept
    _mark(page, project.pk, "percent").filter(has_text="Đã lưu").wait_for()
    banner.wait_for(state="hidden")
    assert ProgressUpdate.objects.get(project=project).completion_percent == 45
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('kc-grid-queue:'))") == []


def test_a_reopened_period_is_offered_and_accepts_entry_until_the_exception_ends(
    page, live_server, tayninh_officer, ministry_staff, five
):
    q2 = periods.period_get_or_create(kind=PeriodKind.QUARTER, year=2026, number=2)  # closed on 29/06/2026
    _open_grid(page, live_server, tayninh_officer)
    picker = page.get_by_label("Kỳ báo cáo")
    assert "Quý 2/2026 · đã khóa" in picker.inner_text()
    exception = period_services.entry_exception_request(period=q2, by=tayninh_officer, reason="Bổ sung tiến độ")
    period_services.entry_exception_decide(exception=exception, by=ministry_staff, grant=True, days=5)
    page.reload()
    picker.select_option(label="Quý 2/2026 · mở lại đến 25/11/2026")
    page.get_by_role("button", name="Mở", exact=True).click()
    page.wait_for_url(re.compile(rf"period={key(q2)}"))
    assert "Được mở lại theo đề nghị ngoại lệ đã chấp thuận, đến hết ngày 25/11/2026." in page.content()
    project = five[0]
    page.locator(f"#c-{project.pk}-percent").fill("15")
    page.locator(f"#c-{project.pk}-narrative").focus()
    _mark(page, project.pk, "percent").filter(has_text="Đã lưu").wait_for()
    assert ProgressUpdate.objects.get(project=project, period=q2).completion_percent == 15
    # the exception ends: the period is read-only again, with the reason
    EntryException.objects.filter(pk=exception.pk).update(open_until=datetime.date(2026, 11, 19))
    page.reload()
    assert "Chỉ xem." in page.locator(".notice.locked").inner_text()
    assert page.locator(f"#c-{project.pk}-percent").get_attribute("readonly") is not None
    assert "Quý 2/2026 · đã khóa" in page.get_by_label("Kỳ báo cáo").inner_text()


def test_dates_are_typed_and_shown_day_first(page, live_server, tayninh_officer, five):
    project = five[0]
    _open_grid(page, live_server, tayninh_officer)
    date = page.locator(f"#c-{project.pk}-date")
    assert date.get_attribute("type") == "text" and date.get_attribute("placeholder") == "dd/mm/yyyy"
    assert "15/09/2026 – 14/12/2026" in page.content()
    page.locator(f"#c-{project.pk}-amount").fill("1.000.000")
    date.fill("03/11/2026")  # 3 November, never 11 March
    page.locator(f"#c-{five[1].pk}-percent").focus()
    _mark(page, project.pk, "date").filter(has_text="Đã lưu").wait_for()
    assert MoneyEntry.objects.get(project=project).date == datetime.date(2026, 11, 3)
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    assert page.locator(f"#money-{MoneyEntry.objects.get(project=project).pk}").inner_text().startswith("03/11/2026")


def test_cells_typed_before_the_script_arrives_are_kept_and_saved(page, live_server, tayninh_officer, five):
    """On a slow connection the grid shows before its script runs: what is typed meanwhile is not wiped."""
    first, second = five[0], five[1]
    _signed_in(page, live_server, tayninh_officer)
    page.set_default_timeout(10000)
    held = []
    page.route(re.compile(r"/js/grid(\.[0-9a-f]+)?\.js$"), lambda route: held.append(route))  # slow to arrive
    page.goto(f"{live_server.url}/projects/this-period/", wait_until="commit")
    page.locator(f"#c-{second.pk}-percent").wait_for()  # the rows are shown…
    page.locator(f"#c-{first.pk}-percent").fill("30")
    page.locator(f"#c-{first.pk}-narrative").fill("Đang lắp máy sấy")
    page.locator(f"#c-{second.pk}-percent").fill("15")  # …and typed in, the cursor still in this cell
    assert held and not ProgressUpdate.objects.exists()  # …before the script has run
    held[0].continue_()
    for col in ("percent", "narrative"):  # the row left before the script ran is sent when it runs
        _mark(page, first.pk, col).filter(has_text="Đã lưu").wait_for()
    assert page.locator(f"#c-{first.pk}-narrative").input_value() == "Đang lắp máy sấy"
    saved = ProgressUpdate.objects.get(project=first)
    assert (saved.completion_percent, saved.narrative) == (30, "Đang lắp máy sấy")
    assert page.locator(f"#c-{second.pk}-percent").input_value() == "15"  # the cell being typed in: kept…
    assert not ProgressUpdate.objects.filter(project=second).exists()
    page.keyboard.press("Tab")  # …and saved when it is left, as any cell
    _mark(page, second.pk, "percent").filter(has_text="Đã lưu").wait_for()
    assert ProgressUpdate.objects.get(project=second).completion_percent == 15
