"""On a 1366 px laptop the project list shows every column without scrolling sideways: its headers wrap
and its title column is narrower than other tables' (on a phone the rows become cards instead)."""

import pytest

from khuyencong.tests.test_accessibility import sign_in_as
from projects.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TITLE = (
    "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong sản xuất kẹo dừa tại Hợp tác xã cơ khí nông nghiệp "
    "Xã Lộc Ninh, giai đoạn mở rộng dây chuyền đóng gói"
)


def test_the_project_list_fits_a_laptop_screen(page, live_server, tayninh_officer):
    for n in range(3):
        factories.make_project(by=tayninh_officer, title=f"{LONG_TITLE} {n}", support=671_000_000)
    sign_in_as(page, live_server, tayninh_officer.username)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/projects/")
    box = page.locator(".table-scroll:has(table.projects)")
    assert box.locator("tbody tr").count() == 3
    assert box.evaluate("b => b.scrollWidth <= b.clientWidth")
    last_header = box.locator("thead th").last
    assert last_header.evaluate("th => th.getBoundingClientRect().right <= document.documentElement.clientWidth")
