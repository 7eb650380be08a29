"""A report's documents, rendered from its snapshot only: the A4 PDF (through khuyencong.pdf) and the xlsx.

The PDF follows the form of an administrative document under Decree 30/2020/NĐ-CP (heading, number,
place and date, title, body, signature block, Nơi nhận); the look lives in static/css/official-document.css.
"""

import datetime
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from khuyencong import numbers, pdf, spreadsheets
from reports import charts, snapshot
from reports.models import Report

FUNDS = ("national", "local", "total")
FUND_NAMES = {"national": "Khuyến công quốc gia", "local": "Khuyến công địa phương", "total": "Tổng cộng"}
FUND_CODES = {"national": "KCQG", "local": "KCĐP", "total": "Cộng"}
# Reporting status of the provinces, grouped as the regional report states it
SUBMITTED_STATES = {"on_time": "Đúng hạn", "late": "Chậm", "very_late": "Rất chậm"}
PENDING_STATES = {"missing": "Chưa có báo cáo", "draft": "Chưa gửi", "overdue": "Quá hạn, chưa gửi"}


@dataclass
class Line:
    """A table line of the report: one fund of one row, this period and the same period last year."""

    name: str
    fund: str
    planned: Decimal
    disbursed: Decimal
    last_planned: Decimal
    last_disbursed: Decimal

    @property
    def rate(self):
        return numbers.rate(self.disbursed, self.planned)

    @property
    def last_rate(self):
        return numbers.rate(self.last_disbursed, self.last_planned)

    @property
    def change(self):
        return None if self.rate is None or self.last_rate is None else self.rate - self.last_rate

    @property
    def change_text(self) -> str:
        return points(self.change)


def points(change: Decimal | None) -> str:
    """A change of rate in percentage points: "+2,3 điểm", "−1,0 điểm"; "—" without a rate to compare."""
    if change is None:
        return numbers.NO_VALUE
    sign = "+" if change > 0 else ("−" if change < 0 else "")
    return f"{sign}{numbers.group_digits(abs(change), places=1, language='vi')} điểm"


def _sum(side: dict, key: str) -> Decimal:
    return sum((Decimal(side[fund][key]) for fund in ("national", "local")), Decimal(0))


def lines(row: dict, *, cumulative: bool = False) -> list[Line]:
    """The three lines (national, local, total) of a snapshot row: the period's own window, or the
    cumulative one from the start of the year (a quarter's "lũy kế")."""
    now_key, last_key = ("ytd", "ytd_last") if cumulative else ("now", "last")
    result = []
    for fund in FUNDS:
        if fund == "total":
            values = [
                _sum(row[now_key], "planned"),
                _sum(row[now_key], "disbursed"),
                _sum(row[last_key], "planned"),
                _sum(row[last_key], "disbursed"),
            ]
        else:
            now, last = row[now_key][fund], row[last_key][fund]
            values = [
                Decimal(now["planned"]),
                Decimal(now["disbursed"]),
                Decimal(last["planned"]),
                Decimal(last["disbursed"]),
            ]
        result.append(Line(row["name"], fund, *values))
    return result


def _window_text(period: dict) -> str:
    return period.get("window_label") or f"{_day(period['starts_on'])}–{_day(period['ends_on'])}"


def windows(snapshot_data: dict) -> list[dict]:
    """The report's windows, each with its tables' data: a quarter's own window then the cumulative one
    from the start of the year; one window for six months, nine months and the year (cumulative), and for
    snapshots frozen before the cumulative window was added (they read as they were submitted)."""
    period, last = snapshot_data["period"], snapshot_data["last_period"]
    result = [
        {
            "cumulative": False,
            "period": period,
            "last_period": last,
            "title": period.get("title") or period["label"],
            "window": _window_text(period),
            "last_title": last.get("title") or last["label"],
            "last_window": _window_text(last),
            "total_lines": lines(snapshot_data["total"]),
        }
    ]
    if period.get("cumulative") is False and snapshot_data.get("ytd_period"):
        ytd, ytd_last = snapshot_data["ytd_period"], snapshot_data["ytd_last_period"]
        result.append(
            {
                "cumulative": True,
                "period": ytd,
                "last_period": ytd_last,
                "title": ytd["title"],
                "window": _window_text(ytd),
                "last_title": ytd_last["title"],
                "last_window": _window_text(ytd_last),
                "total_lines": lines(snapshot_data["total"], cumulative=True),
            }
        )
    return result


def _pairs(row: dict, snapshot_data: dict) -> list[tuple[Line, Line | None]]:
    """A row's lines with, for a quarter, the cumulative line beside each (None for the other periods)."""
    own = lines(row)
    if len(windows(snapshot_data)) == 1:
        return [(line, None) for line in own]
    return list(zip(own, lines(row, cumulative=True), strict=True))


def fund_label(fund: str) -> str:
    return {"national": _("National fund (KCQG)"), "local": _("Local fund (KCĐP)"), "total": _("Total")}[fund]


def _activity_totals(snapshot_data: dict) -> dict:
    rows = snapshot_data["by_activity"]
    planned = sum((Decimal(a["planned"]) for a in rows), Decimal(0))
    disbursed = sum((Decimal(a["disbursed"]) for a in rows), Decimal(0))
    return {
        "projects": sum(a["projects"] for a in rows),
        "planned": planned,
        "disbursed": disbursed,
        "rate": numbers.rate(disbursed, planned),
    }


def _project_totals(projects: list[dict]) -> dict:
    support = sum((Decimal(p["support"]) for p in projects), Decimal(0))
    disbursed = sum((Decimal(p["disbursed"]) for p in projects), Decimal(0))
    return {
        "count": len(projects),
        "support": support,
        "disbursed": disbursed,
        "rate": numbers.rate(disbursed, support),
        "late": sum(1 for p in projects if p["late"]),
    }


def _reporting_status(snapshot_data: dict) -> dict:
    """The regional report's table of who reported: on time, late, not yet (with each province's state)."""
    rows = []
    for row in snapshot_data.get("timeliness", []):
        state = row["state"]
        submitted = state in SUBMITTED_STATES and row["submitted_on"] is not None
        rows.append(
            {
                "name": row["name"],
                "version": row["version"],
                "submitted_on": datetime.date.fromisoformat(row["submitted_on"]) if row["submitted_on"] else None,
                "group": "on_time" if state == "on_time" else ("late" if submitted else "missing"),
                "label": SUBMITTED_STATES.get(state) if submitted else PENDING_STATES.get(state, "Rất chậm, chưa gửi"),
            }
        )
    counts = {group: sum(1 for r in rows if r["group"] == group) for group in ("on_time", "late", "missing")}
    return {"rows": rows, "counts": counts, "expected": len(rows)}


def _charts(snapshot_data: dict) -> dict:
    rows = snapshot_data["rows"]
    bars = [charts.Bar(row["name"], lines(row)[2].rate) for row in rows]
    series = [
        SimpleNamespace(
            year=s["year"],
            planned=Decimal(s["planned"]),
            quarters=[None if q is None else Decimal(q) for q in s["quarters"]],
        )
        for s in snapshot_data["series"]
    ]
    activities = [
        SimpleNamespace(
            code=a["code"],
            name=a["name"],
            figures=SimpleNamespace(planned=Decimal(a["planned"]), disbursed=Decimal(a["disbursed"])),
        )
        for a in snapshot_data["by_activity"]
    ]
    font = charts.SERIF
    return {
        "rates": charts.rate_bars(
            bars, title=_("Execution rate by province"), desc=_("Disbursed as a share of plan, both funds."), font=font
        ),
        "series": charts.plan_vs_paid(
            series,
            title=_("Plan and disbursement over the years"),
            desc=_("Plan of each year and disbursement to each quarter's cut-off."),
            font=font,
        ),
        "activities": charts.activity_bars(
            activities,
            title=_("Support and disbursement by activity"),
            desc=_("Approved support and disbursed amount per activity content."),
            font=font,
        ),
    }


def _context(report: Report) -> dict:
    data = report.snapshot
    issued_on = timezone.localtime(report.submitted_at or timezone.now()).date()
    heading = data.get("heading") or snapshot.heading(report, issued_on)
    number = data.get("number")
    return {
        "report": report,
        "s": data,
        "draft": not report.is_frozen,
        "heading": heading,
        "number": f"{number:02d}" if number else "",
        "issued_on": issued_on,
        "signer": data.get("signer") if report.is_frozen else None,
        "total_lines": _pairs(data["total"], data),
        "windows": windows(data),
        "rows": [(row, _pairs(row, data)) for row in data["rows"]],
        "activities": [
            {**a, "rate": numbers.rate(Decimal(a["disbursed"]), Decimal(a["planned"]))} for a in data["by_activity"]
        ],
        "activity_totals": _activity_totals(data),
        "governing": _governing(heading),
        "project_totals": _project_totals(data["projects"]),
        "reporting": _reporting_status(data),
        "charts": _charts(data),
    }


def _governing(heading: dict) -> str:
    """ "UBND tỉnh Tây Ninh", "UBND thành phố Cần Thơ": the province's people's committee, in a sentence."""
    name = heading.get("province") or ""
    if name.startswith("Thành phố "):
        return f"UBND thành phố {name.removeprefix('Thành phố ')}"
    return f"UBND tỉnh {name}" if name else ""


def report_html(report: Report) -> str:
    with translation.override("vi"):
        return render_to_string("reports/pdf/report.html", _context(report))


def report_pdf(report: Report) -> tuple[bytes, int]:
    """(PDF bytes, pages): A4, Decree 30/2020 form, the vendored serif embedded, charts as SVG."""
    return pdf.render(report_html(report))


def file_name(report: Report, fmt: str) -> str:
    """bao-cao-quy-3-2026-tay-ninh-v1.pdf: the period and place in Vietnamese whatever the reader's language,
    "đ" written as "d" (Unicode has no decomposition that would keep it)."""
    with translation.override("vi"):
        label = str(report.period.label)
    where = report.province.name if report.province_id else "khu vực phía Nam"
    return f"bao-cao-{_ascii_slug(label)}-{_ascii_slug(where)}-v{report.version}.{fmt}"


def _ascii_slug(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D").replace("/", " ")
    return slugify(unicodedata.normalize("NFKD", text))


# ---- the workbook ------------------------------------------------------------------------------------

MONEY = "#,##0"
PERCENT = "0.0%"
POINTS = '+0.0" điểm";-0.0" điểm";0.0" điểm"'  # a change of rate, in percentage points
DATE = "dd/mm/yyyy"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FONT = Font(bold=True)


@dataclass
class Column:
    header: str
    kind: str = "text"  # text, int, money, percent, date


def _value(value, kind: str):
    if value is None:
        return None
    if kind == "money":
        return int(value)
    if kind == "percent":
        return float(Decimal(value) / 100)  # a real percentage: 0.573 shown as 57.3%
    if kind == "points":
        return float(round(Decimal(value), 1))
    return value


def _sheet(book: Workbook, title: str, caption: str, columns: list[Column], rows: list[list], totals: list[list]):
    """One table per sheet: a caption, the header (frozen, with a filter over the data), the rows and the
    totals below the filtered range (sorting the data never moves them). User texts are written as text."""
    sheet = book.create_sheet(title)
    sheet.append([caption])
    sheet["A1"].font = Font(bold=True, size=12)
    header_row = 3
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=header_row, column=index, value=column.header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    widths = [len(column.header) for column in columns]
    number = header_row
    for values, bold in [*((row, False) for row in rows), *((row, True) for row in totals)]:
        number += 1
        for index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            value = _value(value, column.kind)
            cell = spreadsheets.as_text(sheet.cell(row=number, column=index, value=value))  # text, never a formula
            cell.number_format = {"money": MONEY, "percent": PERCENT, "points": POINTS, "date": DATE, "int": "0"}.get(
                column.kind, "@"
            )
            if bold:
                cell.font = TOTAL_FONT
            shown = value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else value
            widths[index - 1] = max(widths[index - 1], len(_shown(shown, column.kind)))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{header_row + len(rows)}"
    return sheet


def _shown(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "money":
        return f"{int(value):,}"
    if kind == "percent":
        return "100.0%"
    if kind == "points":
        return "+10.0 điểm"
    return str(value)


def _figure_columns(first: str, *, counts: bool) -> list[Column]:
    columns = [
        Column(first),
        Column("Nguồn"),
        Column("Kế hoạch (đồng)", "money"),
        Column("Giải ngân (đồng)", "money"),
        Column("Tỷ lệ", "percent"),
        Column("Kế hoạch cùng kỳ (đồng)", "money"),
        Column("Giải ngân cùng kỳ (đồng)", "money"),
        Column("Tỷ lệ cùng kỳ", "percent"),
        Column("Tăng/giảm (điểm)", "points"),
    ]
    return columns + ([Column("Số đề án", "int"), Column("Chậm tiến độ", "int")] if counts else [])


def _figure_values(line: Line, name: str, *, counts: tuple | None = None) -> list:
    values = [
        name,
        FUND_CODES[line.fund],
        line.planned,
        line.disbursed,
        line.rate,
        line.last_planned,
        line.last_disbursed,
        line.last_rate,
        line.change,
    ]
    return values + list(counts or ())


def report_xlsx(report: Report) -> bytes:
    """The report's tables, one sheet each, as good to work with as the project-list export: column widths
    from the content, frozen header, filters, #,##0 money, real percentages, totals rows."""
    data = report.snapshot
    where = data["province"] or "khu vực phía Nam"
    title = f"Báo cáo khuyến công {data['period']['label']} — {where}"
    status = "bản nháp" if not report.is_frozen else f"phiên bản {report.version}, số liệu đã chốt"
    book = Workbook()
    book.remove(book.active)

    for window in windows(data):  # a quarter: its own window, then the cumulative one ("lũy kế")
        cumulative = window["cumulative"]
        what = (
            f"{window['title']}, số liệu từ {_day(window['period']['starts_on'])} đến "
            f"{_day(window['period']['ends_on'])}; cùng kỳ: {window['last_title']} ({window['last_window']})"
        )
        total = window["total_lines"]
        _sheet(
            book,
            "Lũy kế từ đầu năm" if cumulative else "Tổng hợp",
            f"{title} ({what}; {status})",
            _figure_columns("Nguồn kinh phí", counts=False),
            [_figure_values(line, FUND_NAMES[line.fund]) for line in total[:2]],
            [_figure_values(total[2], FUND_NAMES["total"])],
        )
        rows = []
        for row in data["rows"]:
            for line in lines(row, cumulative=cumulative):
                rows.append(_figure_values(line, row["name"], counts=(row["projects"], row["late"])))
        by = "địa bàn" if data["province"] else "tỉnh"
        _sheet(
            book,
            f"Lũy kế theo {by}" if cumulative else f"Theo {by}",
            f"{title}: kết quả theo {'địa bàn' if data['province'] else 'tỉnh, thành phố'} ({what})",
            _figure_columns("Tỉnh, thành phố", counts=True),
            rows,
            [
                _figure_values(line, "Tổng cộng", counts=(data["total"]["projects"], data["total"]["late"]))
                for line in total
            ],
        )
    activity_totals = _activity_totals(data)
    _sheet(
        book,
        "Theo nội dung",
        f"{title}: kết quả theo nội dung hoạt động (giải ngân lũy kế từ đầu năm)",
        [
            Column("Mã"),
            Column("Nội dung hoạt động"),
            Column("Số đề án", "int"),
            Column("Kinh phí hỗ trợ (đồng)", "money"),
            Column("Đã giải ngân (đồng)", "money"),
            Column("Tỷ lệ", "percent"),
        ],
        [
            [
                a["code"],
                a["name"],
                a["projects"],
                Decimal(a["planned"]),
                Decimal(a["disbursed"]),
                numbers.rate(Decimal(a["disbursed"]), Decimal(a["planned"])),
            ]
            for a in data["by_activity"]
        ],
        [
            [
                "Tổng cộng",
                "",
                activity_totals["projects"],
                activity_totals["planned"],
                activity_totals["disbursed"],
                activity_totals["rate"],
            ]
        ],
    )
    _sheet(
        book,
        "Theo năm",
        f"{title}: kế hoạch và giải ngân lũy kế đến từng quý",
        [
            Column("Năm", "int"),
            Column("Kế hoạch (đồng)", "money"),
            *(Column(f"Giải ngân đến hết quý {n} (đồng)", "money") for n in range(1, 5)),
        ],
        [[s["year"], Decimal(s["planned"]), *s["quarters"]] for s in data["series"]],
        [],
    )
    if data["province"]:
        totals = _project_totals(data["projects"])
        _sheet(
            book,
            "Đề án",
            f"{title}: tình hình thực hiện các đề án",
            [
                Column("Mã đề án"),
                Column("Tên đề án"),
                Column("Nguồn"),
                Column("Nội dung"),
                Column("Trạng thái"),
                Column("Kinh phí hỗ trợ (đồng)", "money"),
                Column("Đã giải ngân (đồng)", "money"),
                Column("Tỷ lệ giải ngân", "percent"),
                Column("Hoàn thành", "percent"),
                Column("Chậm tiến độ"),
            ],
            [
                [
                    p["code"],
                    p["title"],
                    FUND_CODES[p["fund"]],
                    p["activity"],
                    p["status_label"],
                    Decimal(p["support"]),
                    Decimal(p["disbursed"]),
                    numbers.rate(Decimal(p["disbursed"]), Decimal(p["support"])),
                    p["completion"],
                    "có" if p["late"] else "",
                ]
                for p in data["projects"]
            ],
            [
                [
                    f"Tổng cộng: {totals['count']} đề án",
                    "",
                    "",
                    "",
                    "",
                    totals["support"],
                    totals["disbursed"],
                    totals["rate"],
                    None,
                    f"{totals['late']} chậm",
                ]
            ],
        )
    else:
        reporting = _reporting_status(data)
        counts = reporting["counts"]
        _sheet(
            book,
            "Tình hình báo cáo",
            f"{title}: tình hình gửi báo cáo của các tỉnh, thành phố",
            [Column("Tỉnh, thành phố"), Column("Phiên bản", "int"), Column("Ngày gửi", "date"), Column("Tình trạng")],
            [[r["name"], r["version"], r["submitted_on"], r["label"]] for r in reporting["rows"]],
            [
                [
                    f"Tổng cộng: {reporting['expected']} tỉnh, thành phố",
                    None,
                    None,
                    f"đúng hạn {counts['on_time']}; chậm {counts['late']}; chưa gửi {counts['missing']}",
                ]
            ],
        )
    notes = [n for n in [data["period"].get("note"), *data.get("comparison_notes", [])] if n]
    if notes:
        _sheet(book, "Ghi chú", f"{title}: cách tính số liệu", [Column("Ghi chú")], [[n] for n in notes], [])
    return spreadsheets.workbook_bytes(book)  # titles and names written as text, never as formulas


def _day(iso: str) -> str:
    return datetime.date.fromisoformat(iso).strftime("%d/%m/%Y")
