"""No word of a page is cut across lines: table columns never shrink below their longest word (main's
overflow-wrap: anywhere once let "Tây Ninh" come out one letter a line in narrow columns), and a card
table's caption keeps the phone's width. Codes and dates may still break at their hyphens and slashes."""

import pytest

from conferences import services as conference_services
from khuyencong.tests.test_accessibility import sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CUT_WORDS = r"""() => {
  const cut = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode()); ) {
    const el = node.parentElement;
    if (el.closest('.visually-hidden, option, table.cards > thead') || !el.getClientRects().length) continue;
    for (const m of node.data.matchAll(/\S{3,}/g)) {
      if (/[-–/]/.test(m[0])) continue;
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (lines.size > 1) cut.push(m[0]);
    }
  }
  return cut;
}"""


@pytest.mark.parametrize("width", [390, 1366])
def test_no_word_is_cut_on_tables_of_the_officers_pages(page, live_server, tayninh_officer, width):
    conference_services.conferences_load()
    sign_in_as(page, live_server, tayninh_officer.username)
    page.set_viewport_size({"width": width, "height": 844})
    cut = {}
    for path in ["/projects/ceilings/", "/conferences/", "/record/", "/products/", "/network/"]:
        page.goto(live_server.url + path)
        assert page.locator("main table").count() >= 1, path
        if words := page.evaluate(CUT_WORDS):
            cut[path] = words[:8]
        # a caption of a table wider than the screen wraps within the screen instead of running off it
        wide = page.evaluate(
            "() => [...document.querySelectorAll('main caption')].filter(c => c.getClientRects().length"
            " && c.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(c => c.innerText)"
        )
        if wide:
            cut[path] = wide
    assert cut == {}
