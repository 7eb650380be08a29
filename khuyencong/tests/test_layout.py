"""Every main page, as each role sees it, on a phone (390×844) and a laptop (1366×768) in a real Chromium:
nothing wider than the screen (wide tables scroll inside their own box) and no serious or critical
axe-core violation. The pages are khuyencong/tests/main_pages.py's, over the demo data.
"""

import pytest

from khuyencong.tests import main_pages
from khuyencong.tests.test_accessibility import axe_problems, axe_source, sign_in_as  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = [(390, 844), (1366, 768)]


@pytest.fixture
def pages():
    main_pages.portal_seed()
    return main_pages.main_pages()


def test_no_page_is_wider_than_the_screen_or_has_serious_axe_violations(page, live_server, pages, axe_source):  # noqa: F811
    too_wide, problems, signed_in = {}, {}, "?"
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        for username, path in pages:
            if username != signed_in:
                if username:
                    sign_in_as(page, live_server, username)
                else:
                    page.context.clear_cookies()
                signed_in = username
            response = page.goto(live_server.url + path)
            where = f"{width}px {username or 'visitor'} {path}"
            assert response.status == 200, where
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                # name the widest elements that stick out, to say what to fix
                culprits = page.evaluate(
                    """(w) => [...document.querySelectorAll('body *')]
                        .filter(e => e.getBoundingClientRect().right > w + 1)
                        .filter(e => !e.closest('.table-scroll, .scroll-x'))
                        .slice(-3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))""",
                    width,
                )
                too_wide[where] = f"{scroll_width}px: {culprits}"
            if found := axe_problems(page, axe_source):
                problems[where] = found
    assert not too_wide, "pages wider than the screen:\n" + "\n".join(f"  {w}: {d}" for w, d in too_wide.items())
    assert not problems, "\n".join(f"{where}:\n  " + "\n  ".join(lines) for where, lines in problems.items())


def test_a_wide_table_scrolls_in_its_box_with_the_first_column_in_view(page, live_server, pages):
    sign_in_as(page, live_server, main_pages.MINISTRY)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/dashboards/region/")
    box = page.locator(".table-scroll:has(table.figures)").first
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # the table is wider than the phone…
    assert box.get_attribute("tabindex") == "0"  # …so its box takes the keyboard focus to scroll
    first_cell = box.locator("tbody tr").first.locator("th, td").first
    left_before = first_cell.bounding_box()["x"]
    box.evaluate("b => { b.scrollLeft = 400; }")
    assert box.evaluate("b => b.scrollLeft") > 0
    assert abs(first_cell.bounding_box()["x"] - left_before) < 1  # the province stays where it was
    third_cell = box.locator("tbody tr").first.locator("td").nth(2)
    assert third_cell.bounding_box()["x"] < 390  # while the figures moved under it


def test_the_project_list_is_cards_on_a_phone_and_a_table_on_a_laptop(page, live_server, pages):
    sign_in_as(page, live_server, main_pages.OFFICER)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/projects/")
    row = page.locator("table.cards tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    assert page.locator("table.cards thead").evaluate("h => h.getBoundingClientRect().height") <= 1
    title = row.locator("td[data-label]").nth(1)
    label = title.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Tên đề án"'  # each value under its column's name
    assert title.bounding_box()["width"] > 200  # titles read as lines, not one word per line

    page.set_viewport_size({"width": 1366, "height": 768})
    assert row.evaluate("r => getComputedStyle(r).display") == "table-row"
