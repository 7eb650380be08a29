"""Each figure over its own window: a quarter alone and cumulative from the start of the year, the other
periods cumulative, the edges of the windows, last year across the merger, late money and drill-down.

Hand-worked data (millions). Today's Tây Ninh (80, formed 01/07/2025), plan year 2026, local fund, plan 1000;
one project W1 with disbursements dated:
  14/12/2025: 10 (the day before 2026's first window: in no window, in the whole-year figure)
  15/12/2025: 20, 14/03/2026: 30 (Q1's first and last day)     → Q1 own 50; cumulative 50
  15/03/2026: 40 (Q2's first day)                              → Q2 own 40; cumulative 90 = 6 months
  15/06/2026: 50, 14/09/2026: 60 (Q3's first and last day)     → Q3 own 110; cumulative 200 = 9 months
  15/09/2026: 70 (Q4's first day)                              → Q4 own 70; cumulative 270
  15/12/2026: 80 (after the year's cut-off 14/12: late money)  → whole year 10+20+…+80 = 360
  plus an advance of 999 on 14/09/2026 (not a disbursement).
Last year, the predecessors of today's Tây Ninh, plan year 2025, local fund:
  old Tây Ninh (72) plan 500: 15 on 01/03/2025 (Q1), 25 on 20/06/2025 (Q3, before the merger)
  Long An (80/2004) plan 300: 35 on 10/07/2025 (Q3, a former province's project paid after the merger)
  today's Tây Ninh plan 200: 40 on 01/09/2025 (Q3), 5 on 20/12/2025 (after 2025's cut-off: late money)
  → Q3/2025 own, rolled up: 25 + 35 + 40 = 100 of 1000 = 10,0%; Q3/2026 own 110 of 1000 = 11,0%: +1,0 điểm
  → cumulative to Q3/2025: 15 + 100 = 115 → 11,5%; 2026: 200 → 20,0%: +8,5 điểm
"""

import datetime
import html as html_lib
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from periods import services as period_services
from periods.models import PeriodKind
from projects.models import Plan
from reports import documents, figures, snapshot
from reports.models import Report
from reports.tests.conftest import A, D, date, make_project, prov

M = Decimal(1_000_000)
TODAY = datetime.date(2027, 1, 10)


@pytest.fixture
def windows_data(ministry_staff):
    tn_old, la, tn = prov(72, 2004), prov(80, 2004), prov(80, 2025)
    for province, year, amount in [(tn, 2026, 1000), (tn_old, 2025, 500), (la, 2025, 300), (tn, 2025, 200)]:
        Plan.objects.create(province=province, year=year, fund="local", planned_amount=Decimal(amount) * M)
    money = [
        (D, 10, date(2025, 12, 14)),
        (D, 20, date(2025, 12, 15)),
        (D, 30, date(2026, 3, 14)),
        (D, 40, date(2026, 3, 15)),
        (D, 50, date(2026, 6, 15)),
        (D, 60, date(2026, 9, 14)),
        (A, 999, date(2026, 9, 14)),
        (D, 70, date(2026, 9, 15)),
        (D, 80, date(2026, 12, 15)),
    ]
    make_project("W1", tn, 2026, "local", 1000, money=money)
    make_project("W-OLD", tn_old, 2025, "local", 100, money=[(D, 15, date(2025, 3, 1)), (D, 25, date(2025, 6, 20))])
    make_project("W-LA", la, 2025, "local", 100, money=[(D, 35, date(2025, 7, 10))])
    make_project("W-NEW", tn, 2025, "local", 100, money=[(D, 40, date(2025, 9, 1)), (D, 5, date(2025, 12, 20))])
    return {"tn": tn, "tn_old": tn_old, "la": la}


def local(cells):
    return cells[1]


def tn_row(d, tn):
    return next(r for r in d.rows if r.province == tn)


@pytest.mark.parametrize(
    "kind, number, own, cumulative, start, end",
    [
        ("quarter", 1, 50, 50, date(2025, 12, 15), date(2026, 3, 14)),
        ("quarter", 2, 40, 90, date(2026, 3, 15), date(2026, 6, 14)),
        ("quarter", 3, 110, 200, date(2026, 6, 15), date(2026, 9, 14)),
        ("quarter", 4, 70, 270, date(2026, 9, 15), date(2026, 12, 14)),
        ("half", 1, 90, 90, date(2025, 12, 15), date(2026, 6, 14)),
        ("nine", 1, 200, 200, date(2025, 12, 15), date(2026, 9, 14)),
        ("year", 1, 360, 360, date(2025, 12, 15), date(2026, 12, 14)),
    ],
)
def test_every_period_kind_sums_its_own_window(windows_data, ministry_staff, kind, number, own, cumulative, start, end):
    d = figures.regional_figures(year=2026, kind=kind, number=number, rollup=True, user=ministry_staff, today=TODAY)
    row = tn_row(d, windows_data["tn"])
    assert (d.period.starts_on, d.period.ends_on) == (start, end)
    assert local(row.cells).now.disbursed == own * M and local(row.ytd_cells).now.disbursed == cumulative * M
    assert d.ytd_period.starts_on == date(2025, 12, 15) and d.ytd_period.ends_on == end
    assert d.period.window_label == f"{start:%d/%m/%Y}–{end:%d/%m/%Y}"
    if kind == "quarter":  # its own window, then the cumulative one, each with its label
        assert [t.which for t in d.tables] == ["own", "cumulative"] and not d.period.cumulative
        assert d.tables[1].period.title == f"Lũy kế từ đầu năm đến hết quý {number}/2026"
        assert d.headline_cumulative.startswith(f"Lũy kế từ đầu năm đến hết quý {number}/2026 (15/12/2025–")
    else:  # cumulative only, and it says so
        assert [t.which for t in d.tables] == ["cumulative"] and d.period.cumulative
        assert "lũy kế từ đầu năm" in d.period.title and d.headline_cumulative == ""
    assert d.period.window_label in d.headline_rate


def test_q3_leaves_out_q1_and_q2_while_the_cumulative_keeps_them(windows_data, ministry_staff):
    d = figures.regional_figures(year=2026, kind="quarter", number=3, rollup=True, user=ministry_staff, today=TODAY)
    own, ytd = local(tn_row(d, windows_data["tn"]).cells), local(tn_row(d, windows_data["tn"]).ytd_cells)
    assert (own.now.planned, own.now.disbursed, own.now.rate) == (1000 * M, 110 * M, Decimal(11))
    assert (ytd.now.planned, ytd.now.disbursed, ytd.now.rate) == (1000 * M, 200 * M, Decimal(20))
    # same kind of window a year earlier, the former provinces rolled into today's Tây Ninh
    assert (own.last.planned, own.last.disbursed, own.last.rate, own.change) == (1000 * M, 100 * M, 10, 1)
    assert (ytd.last.disbursed, ytd.last.rate, ytd.change) == (115 * M, Decimal("11.5"), Decimal("8.5"))
    assert (d.last_period.starts_on, d.last_period.ends_on) == (date(2025, 6, 15), date(2025, 9, 14))


def test_a_merged_province_compares_with_its_predecessors_rolled_up(windows_data, ministry_staff):
    tn = windows_data["tn"]
    d = figures.province_figures(province=tn, year=2026, kind="quarter", number=3, user=ministry_staff, today=TODAY)
    assert [r.province for r in d.rows] == [tn]  # no separate rows of old Tây Ninh and Long An for 2026
    own, ytd = local(d.rows[0].cells), local(d.rows[0].ytd_cells)
    assert (own.last.planned, own.last.disbursed, own.change) == (1000 * M, 100 * M, Decimal(1))
    assert (ytd.last.disbursed, ytd.change) == (115 * M, Decimal("8.5"))
    assert d.rows[0].last_ids == {tn.pk, windows_data["tn_old"].pk, windows_data["la"].pk}
    notes = " ".join(d.comparison_notes)
    assert "Cùng kỳ năm trước của Tây Ninh cộng số liệu của các tỉnh cũ đã hợp nhất vào: Long An, Tây Ninh." in notes
    # last year's Q3 (15/06–14/09/2025) spans the merger: the note says how it was counted
    assert "Quý 3/2025 (15/06/2025–14/09/2025) có ngày sắp xếp lại đơn vị hành chính cấp tỉnh 01/07/2025" in notes
    # the same province in 2025 still shows its predecessors as they were: nothing rolled
    d2025 = figures.province_figures(province=tn, year=2025, kind="quarter", number=3, user=ministry_staff, today=TODAY)
    assert local(tn_row(d2025, tn).cells).now.disbursed == 40 * M
    assert local(tn_row(d2025, windows_data["la"]).cells).now.disbursed == 35 * M


def test_a_window_straddling_the_merger_says_how_it_was_counted(windows_data, ministry_staff):
    as_was = figures.regional_figures(
        year=2025, kind="quarter", number=3, rollup=False, user=ministry_staff, today=TODAY
    )
    assert any("01/07/2025" in n and "tỉnh ghi trên đề án" in n for n in as_was.comparison_notes)
    today = figures.regional_figures(year=2025, kind="quarter", number=3, rollup=True, user=ministry_staff, today=TODAY)
    assert any("01/07/2025" in n and "được cộng vào tỉnh" in n for n in today.comparison_notes)
    q1 = figures.regional_figures(year=2027, kind="quarter", number=1, rollup=True, user=ministry_staff, today=TODAY)
    assert q1.comparison_notes == []  # neither Q1/2027 nor Q1/2026 spans a change of provinces


def test_late_money_belongs_to_the_plan_years_whole_year_figure(windows_data, ministry_staff):
    tn = windows_data["tn"]
    year = figures.regional_figures(year=2026, kind="year", rollup=True, user=ministry_staff, today=TODAY)
    assert local(tn_row(year, tn).cells).now.disbursed == 360 * M  # 14/12/2025 and 15/12/2026 included
    assert "ngày chốt 14/12/2026" in year.period.note
    q4 = figures.regional_figures(year=2026, kind="quarter", number=4, rollup=True, user=ministry_staff, today=TODAY)
    assert local(tn_row(q4, tn).ytd_cells).now.disbursed == 270 * M and q4.period.note == ""
    # 2025's project paid on 20/12/2025, inside 2026's first window: 2025's year figure, not 2026's Q1
    y2025 = figures.province_figures(province=tn, year=2025, kind="year", user=ministry_staff, today=TODAY)
    assert local(tn_row(y2025, tn).cells).now.disbursed == 45 * M
    q1 = figures.province_figures(province=tn, year=2026, kind="quarter", number=1, user=ministry_staff, today=TODAY)
    assert local(tn_row(q1, tn).cells).now.disbursed == 50 * M
    # so every disbursement is in exactly one year's figure: 2025's 15+25+35+45 and 2026's 360
    y2026 = figures.province_figures(province=tn, year=2026, kind="year", user=ministry_staff, today=TODAY)
    assert y2025.total.total.now.disbursed + y2026.total.total.now.disbursed == (120 + 360) * M


def _list_total(client, url):
    page = client.get(html_lib.unescape(url)).content.decode()
    foot = re.search(r"<tfoot>(.*?)</tfoot>", page, re.S).group(1)
    return [re.sub(r"<.*?>", "", td).strip() for td in re.findall(r"<td.*?</td>", foot, re.S)]


@pytest.mark.parametrize(
    "period, own, ytd, last", [("q3", "110.000.000 đ", "200.000.000 đ", "10,0%"), ("year", "360.000.000 đ", None, None)]
)
def test_drill_down_lists_total_what_the_cell_shows(client, windows_data, ministry_staff, period, own, ytd, last):
    client.force_login(ministry_staff)
    page = client.get(reverse("reports:regional_dashboard"), {"year": 2026, "period": period, "view": "today"})
    html = page.content.decode()
    for shown in filter(None, [own, ytd]):
        url = re.search(rf'<td class="num"><a href="([^"]+)">{shown}</a></td>', html).group(1)
        assert f"province={windows_data['tn'].pk}" in url and "fund=local" in url
        support, disbursed, _ = _list_total(client, url)
        assert disbursed == shown and support == "1.000.000.000 đ"
    if last:  # last year's rate links to last year's projects of the same window, predecessors included
        url = re.search(rf'<td class="num"><a href="([^"]+)">{last}</a></td>', html).group(1)
        assert "year=2025&amp;money_from=2025-06-15&amp;money_to=2025-09-14" in url
        assert _list_total(client, url)[1] == "100.000.000 đ"  # 25 + 35 + 40, as in the cell's 10,0%
    assert "Tăng/giảm (điểm)" in html and "+1,0 điểm" in html or period == "year"


def test_the_quarterly_report_shows_both_windows_in_points(windows_data, ministry_staff):
    period = period_services.period_get_or_create(kind=PeriodKind.QUARTER, year=2026, number=3)
    report = Report.objects.create(period=period, province=windows_data["tn"])
    report.snapshot = snapshot.build(report, today=TODAY)
    data = report.snapshot
    assert data["windows"] == ["own", "cumulative"]
    assert data["total"]["now"]["local"]["disbursed"] == "110000000"
    assert data["total"]["ytd"]["local"]["disbursed"] == "200000000"
    assert data["total"]["ytd_last"]["local"]["disbursed"] == "115000000"
    assert data["ytd_period"]["window_label"] == "15/12/2025–14/09/2026"
    assert sum(Decimal(p["disbursed"]) for p in data["projects"]) == 200 * M  # the projects' cumulative money
    page = " ".join(documents.report_html(report).split())
    assert "1. Quý 3/2026</strong> (15/06/2026–14/09/2026)" in page
    assert "2. Lũy kế từ đầu năm đến hết quý 3/2026</strong> (15/12/2025–14/09/2026)" in page
    assert "+1,0 điểm" in page and "+8,5 điểm" in page and "+1,0%" not in page
    book = load_workbook(io.BytesIO(documents.report_xlsx(report)))
    own, cumulative = book["Tổng hợp"], book["Lũy kế từ đầu năm"]
    assert own.cell(5, 4).value == 110_000_000 and cumulative.cell(5, 4).value == 200_000_000
    assert cumulative.cell(5, 9).value == pytest.approx(8.5) and "điểm" in cumulative.cell(5, 9).number_format


def test_a_report_frozen_before_the_cumulative_window_reads_as_submitted(windows_data, ministry_staff):
    period = period_services.period_get_or_create(kind=PeriodKind.QUARTER, year=2026, number=3)
    report = Report.objects.create(period=period, province=windows_data["tn"])
    data = snapshot.build(report, today=TODAY)
    for key in ("ytd_period", "ytd_last_period", "windows", "comparison_notes", "headline_cumulative"):
        data.pop(key)
    for row in [*data["rows"], data["total"]]:
        row.pop("ytd"), row.pop("ytd_last")
    for key in ("period", "last_period"):
        for field in ("cumulative", "title", "window_label", "note"):
            data[key].pop(field)
    report.snapshot = data
    page = documents.report_html(report)
    assert "Lũy kế" not in page and "110.000.000" in page
    assert load_workbook(io.BytesIO(documents.report_xlsx(report))).sheetnames[:3] == [
        "Tổng hợp",
        "Theo địa bàn",
        "Theo nội dung",
    ]
