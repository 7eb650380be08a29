"""A report's documents, rendered from its snapshot only: the A4 PDF (through khuyencong.pdf) and the xlsx."""

from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from khuyencong import numbers, pdf, spreadsheets
from provinces.models import Unit
from reports import charts
from reports.models import Report

FUNDS = ("national", "local", "total")


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


def _sum(side: dict, key: str) -> Decimal:
    return sum((Decimal(side[fund][key]) for fund in ("national", "local")), Decimal(0))


def lines(row: dict) -> list[Line]:
    """The three lines (national, local, total) of a snapshot row."""
    result = []
    for fund in FUNDS:
        if fund == "total":
            values = [
                _sum(row["now"], "planned"),
                _sum(row["now"], "disbursed"),
                _sum(row["last"], "planned"),
                _sum(row["last"], "disbursed"),
            ]
        else:
            now, last = row["now"][fund], row["last"][fund]
            values = [
                Decimal(now["planned"]),
                Decimal(now["disbursed"]),
                Decimal(last["planned"]),
                Decimal(last["disbursed"]),
            ]
        result.append(Line(row["name"], fund, *values))
    return result


def fund_label(fund: str) -> str:
    return {"national": _("National fund (KCQG)"), "local": _("Local fund (KCĐP)"), "total": _("Total")}[fund]


def _charts(snapshot: dict) -> dict:
    rows = snapshot["rows"]
    bars = [charts.Bar(row["name"], lines(row)[2].rate) for row in rows]
    series = [
        SimpleNamespace(
            year=s["year"],
            planned=Decimal(s["planned"]),
            quarters=[None if q is None else Decimal(q) for q in s["quarters"]],
        )
        for s in snapshot["series"]
    ]
    activities = [
        SimpleNamespace(
            code=a["code"],
            name=a["name"],
            figures=SimpleNamespace(planned=Decimal(a["planned"]), disbursed=Decimal(a["disbursed"])),
        )
        for a in snapshot["by_activity"]
    ]
    return {
        "rates": charts.rate_bars(
            bars, title=_("Execution rate by province"), desc=_("Disbursed as a share of plan, both funds.")
        ),
        "series": charts.plan_vs_paid(
            series,
            title=_("Plan and disbursement over the years"),
            desc=_("Plan of each year and disbursement to each quarter's cut-off."),
        ),
        "activities": charts.activity_bars(
            activities,
            title=_("Support and disbursement by activity"),
            desc=_("Approved support and disbursed amount per activity content."),
        ),
    }


def _issuer(report: Report, day) -> tuple[str, str]:
    """The two lines of the issuing authority in the administrative heading."""
    if report.province_id:
        province = report.province
        level = "THÀNH PHỐ" if province.kind == "city" else "TỈNH"
        parent = f"UBND {level} {province.name.removeprefix('Thành phố ').upper()}"
        return parent, "SỞ CÔNG THƯƠNG"
    ministry = Unit.objects.filter(kind=Unit.Kind.MINISTRY_DEPARTMENT).prefetch_related("names").first()
    name = ministry.name_on(day).split(",")[0] if ministry else ""
    return "BỘ CÔNG THƯƠNG", name.upper()


def _context(report: Report) -> dict:
    snapshot = report.snapshot
    issued_on = timezone.localtime(report.submitted_at or timezone.now()).date()
    parent, unit = _issuer(report, issued_on)
    return {
        "report": report,
        "s": snapshot,
        "total_lines": lines(snapshot["total"]),
        "rows": [(row, lines(row)) for row in snapshot["rows"]],
        "charts": _charts(snapshot),
        "issuer_parent": parent,
        "issuer_unit": unit,
        "place": report.province.name.removeprefix("Thành phố ") if report.province_id else "Hà Nội",
        "issued_on": issued_on,
        "number": f"{report.pk:03d}/BC-{'SCT' if report.province_id else 'KC'}",
    }


def report_pdf(report: Report) -> tuple[bytes, int]:
    """(PDF bytes, pages): A4, Vietnamese administrative heading, fonts embedded, charts as SVG."""
    with translation.override("vi"):
        html = render_to_string("reports/pdf/report.html", _context(report))
    return pdf.render(html)


def report_xlsx(report: Report) -> bytes:
    """The report's tables as a workbook: numbers as numbers, Vietnamese headers."""
    snapshot = report.snapshot
    book = Workbook()
    sheet = book.active
    sheet.title = "Tổng hợp"
    sheet.append([f"Báo cáo khuyến công {snapshot['period']['label']} — {snapshot['province'] or 'Khu vực phía Nam'}"])
    sheet.append([])
    header = [
        "Tỉnh, thành phố",
        "Nguồn",
        "Kế hoạch (đồng)",
        "Giải ngân (đồng)",
        "Tỷ lệ (%)",
        "Kế hoạch cùng kỳ",
        "Giải ngân cùng kỳ",
        "Tỷ lệ cùng kỳ (%)",
    ]
    sheet.append(header)
    with translation.override("vi"):
        for row in [*snapshot["rows"], snapshot["total"]]:
            for line in lines(row):
                sheet.append(
                    [
                        line.name,
                        fund_label(line.fund),
                        int(line.planned),
                        int(line.disbursed),
                        None if line.rate is None else float(round(line.rate, 1)),
                        int(line.last_planned),
                        int(line.last_disbursed),
                        None if line.last_rate is None else float(round(line.last_rate, 1)),
                    ]
                )
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for column in "CDFG":
        for cell in sheet[column][3:]:
            cell.number_format = "#,##0"
    if snapshot["projects"]:
        projects = book.create_sheet("Đề án")
        projects.append(
            [
                "Mã đề án",
                "Tên đề án",
                "Nguồn",
                "Nội dung",
                "Trạng thái",
                "Kinh phí hỗ trợ",
                "Đã giải ngân",
                "Hoàn thành (%)",
                "Chậm tiến độ",
            ]
        )
        for p in snapshot["projects"]:
            projects.append(
                [
                    p["code"],
                    p["title"],
                    "KCQG" if p["fund"] == "national" else "KCĐP",
                    p["activity"],
                    p["status_label"],
                    int(p["support"]),
                    int(p["disbursed"]),
                    p["completion"],
                    "có" if p["late"] else "",
                ]
            )
        for cell in projects[1]:
            cell.font = Font(bold=True)
    return spreadsheets.workbook_bytes(book)  # titles and names written as text, never as formulas
