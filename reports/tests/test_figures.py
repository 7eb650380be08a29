"""Every figure checked against numbers worked out by hand from the data set in conftest.py (in millions).

2025, first 9 months (window 15/12/2024-14/09/2025), against 2024's first 9 months (15/12/2023-14/09/2024):
- old Tây Ninh 2024 local: plan 1000; disbursed 100 + 200 + 50 = 350 (15/9 and the advance excluded) → 35,0%
- Long An 2024: local plan 2000, disbursed 160 (14/12/2023 is outside) → 8,0%; national 500 / 125 → 25,0%
- Hậu Giang 2024 local: 300 / 150 → 50,0%
- 2025 local: old Tây Ninh plan 800, disbursed 200 (20/9 is after the cut-off) → 25,0%;
  new Tây Ninh plan 400, disbursed 100 → 25,0%
- rolled up, today's Tây Ninh: 2025 local 1200 / 300 → 25,0%; 2024 local 3000 / 510 → 17,0%,
  national 500 / 125 → 25,0%, total 3500 / 635 → 18,142857…%; change in total +6,857… points
"""

import datetime
import re
from decimal import Decimal

from django.urls import reverse

from reports import figures

M = Decimal(1_000_000)
TODAY = datetime.date(2026, 11, 28)


def row(dashboard, province):
    return next(r for r in dashboard.rows if r.province == province)


def test_rolled_up_to_todays_provinces(hand_data, ministry_staff):
    d = figures.regional_figures(year=2025, kind="nine", rollup=True, user=ministry_staff, today=TODAY)
    assert len(d.rows) == 9
    tn = row(d, hand_data["tn_new"])
    assert sorted(tn.merged) == ["Long An", "Tây Ninh"]
    local, national, total = tn.cells[1], tn.cells[0], tn.cells[2]
    assert (local.now.planned, local.now.disbursed, local.now.rate) == (1200 * M, 300 * M, Decimal(25))
    assert (local.last.planned, local.last.disbursed, local.last.rate) == (3000 * M, 510 * M, Decimal(17))
    assert local.change == Decimal(8)
    assert national.now.rate is None and national.last.rate == Decimal(25) and national.change is None
    assert (total.last.planned, total.last.disbursed) == (3500 * M, 635 * M)
    assert round(total.last.rate, 4) == Decimal("18.1429")
    assert round(total.change, 4) == Decimal("6.8571")
    ct = row(d, hand_data["ct_new"])
    assert ct.total.now.rate is None and ct.total.last.rate == Decimal(50)
    # region totals and the headline
    assert (d.total.total.now.planned, d.total.total.now.disbursed) == (1200 * M, 300 * M)
    assert (d.total.total.last.planned, d.total.total.last.disbursed) == (3800 * M, 785 * M)
    # registration: the data set has the rows of two provinces, so it was opened to those two (issue 21)
    assert d.registration.on_time == 1 and d.registration.late == 1 and d.registration.provinces == 2
    assert "02/02" in d.headline_registration and "(01 đúng hạn, 01 muộn)" in d.headline_registration
    assert "25,0%" in d.headline_rate
    # projects: P3 done, P4 running past its end date
    assert tn.statuses == {"done": 1, "in_progress": 1} and tn.late == 1
    assert tn.registration == {"registered": 1}


def test_as_they_were(hand_data, ministry_staff):
    d = figures.regional_figures(year=2025, kind="nine", rollup=False, user=ministry_staff, today=TODAY)
    assert len(d.rows) == 29  # the 20 former provinces and the 9 merged ones both existed in 2025
    old = row(d, hand_data["tn_old"]).cells[1]
    assert (old.now.planned, old.now.disbursed, old.now.rate, old.last.rate) == (800 * M, 200 * M, 25, 35)
    assert old.change == Decimal(-10)
    new = row(d, hand_data["tn_new"]).cells[1]
    assert (new.now.planned, new.now.disbursed, new.last.rate) == (400 * M, 100 * M, None)
    la = row(d, hand_data["la"])
    assert la.total.now.rate is None and la.cells[1].last.rate == Decimal(8)
    # 2024 only knew the 20 provinces
    d2024 = figures.regional_figures(year=2024, kind="nine", rollup=False, user=ministry_staff, today=TODAY)
    assert len(d2024.rows) == 20 and row(d2024, hand_data["tn_old"]).cells[1].now.rate == Decimal(35)


def test_other_periods_move_the_cut_off(hand_data, ministry_staff):
    year = figures.regional_figures(year=2025, kind="year", rollup=True, user=ministry_staff, today=TODAY)
    assert row(year, hand_data["tn_new"]).cells[1].now.disbursed == 400 * M  # 20/9/2025 now inside
    q1 = figures.regional_figures(year=2024, kind="quarter", number=1, rollup=False, user=ministry_staff, today=TODAY)
    assert row(q1, hand_data["tn_old"]).cells[1].now.disbursed == 100 * M  # only 20/12/2023 by 14/3/2024
    series = {s.year: s for s in year.series}
    assert series[2024].planned == 3800 * M
    assert series[2024].quarters == [250 * M, 735 * M, 785 * M, 885 * M]  # cumulated to 14/3, 14/6, 14/9, 14/12


def test_split_by_activity(hand_data, ministry_staff):
    d = figures.regional_figures(year=2024, kind="nine", rollup=False, user=ministry_staff, today=TODAY)
    by_code = {a.code: a for a in d.by_activity}
    assert (by_code["KC01"].projects, by_code["KC01"].figures.planned, by_code["KC01"].figures.disbursed) == (
        1,
        400 * M,
        160 * M,
    )
    assert (by_code["KC03"].figures.planned, by_code["KC03"].figures.disbursed) == (1400 * M, 625 * M)


def cells_of(html, name):
    """The text of each cell in the first table row whose header names the province."""
    for tr in re.findall(r"<tr.*?</tr>", html, flags=re.S):
        header = re.search(r"<th[^>]*>(.*?)</th>", tr, flags=re.S)
        if header and re.sub(r"<.*?>", "", header.group(1)).split("incl.")[0].split("gồm")[0].strip() == name:
            return [
                re.sub(r"\s+", " ", re.sub(r"<.*?>", "", td)).strip() for td in re.findall(r"<td.*?</td>", tr, re.S)
            ]
    raise AssertionError(name)


def test_page_shows_the_hand_worked_figures(client, hand_data, ministry_staff):
    client.force_login(ministry_staff)
    html = client.get(reverse("reports:regional_dashboard"), {"year": 2025, "period": "nine", "view": "today"}).content
    html = html.decode()
    cells = cells_of(html, "Tây Ninh")
    national, local, total = cells[0:5], cells[5:10], cells[10:15]
    assert national[:4] == ["0 đ", "0 đ", "—", "25,0%"] and national[4] == "—"
    assert local[:4] == ["1.200.000.000 đ", "300.000.000 đ", "25,0%", "17,0%"] and "+8,0" in local[4]
    assert total[:4] == ["1.200.000.000 đ", "300.000.000 đ", "25,0%", "18,1%"] and "+6,9" in total[4]
    assert cells_of(html, "Thành phố Cần Thơ")[10:14] == ["0 đ", "0 đ", "—", "50,0%"]
    assert "02/02 tỉnh đã đăng ký" in html and "25,0%" in html
    # drill-down: the numbers link to the project list with the filters behind them, money to the cut-off
    tn = hand_data["tn_new"].pk
    assert (
        f"/projects/?fund=local&amp;province={tn}&amp;year=2025&amp;money_from=2024-12-15&amp;money_to=2025-09-14"
        in html
    )
    assert f"?province={tn}&amp;year=2025&amp;late=1" in html
    # charts are SVG with text alternatives; the two whose bars link are groups (links in an image would nest)
    assert (
        html.count('role="img"') == 2
        and html.count('role="group"') == 2
        and "<title id=" in html
        and "<desc id=" in html
    )
    as_is = client.get(reverse("reports:regional_dashboard"), {"year": 2025, "period": "nine", "view": "asis"})
    old = cells_of(as_is.content.decode(), "Tây Ninh (đến 06/2025)")  # the former province
    assert old[5:10][:4] == ["800.000.000 đ", "200.000.000 đ", "25,0%", "35,0%"] and "10,0" in old[9]
