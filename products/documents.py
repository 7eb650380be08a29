"""The certificate PDF (through the portal's PDF rendering) and the Excel workbooks of results and scores."""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from khuyencong import pdf, spreadsheets
from products.models import Certificate, Level, Round
from products.selectors import Summary

# Official documents are in Vietnamese whatever the reader's language (as the periodic reports are).
LEVEL_TITLE = {"commune": "CẤP XÃ", "province": "CẤP TỈNH", "region": "CẤP KHU VỰC", "national": "CẤP QUỐC GIA"}
GROUP_VI = {
    "handicraft": "Thủ công mỹ nghệ",
    "food": "Chế biến nông, lâm, thủy sản và thực phẩm",
    "machinery": "Thiết bị, máy móc, dụng cụ và phụ tùng cơ khí",
    "other": "Sản phẩm khác",
}


def _issuer(round_: Round, day) -> tuple[str, str, str]:
    """The issuing authority's two heading lines and the place of signature."""
    name = round_.organiser.name_on(day)
    if round_.level in (Level.REGION, Level.NATIONAL):
        place = round_.host_province.name if round_.host_province else "Hà Nội"
        if round_.level == Level.REGION:
            return "BỘ CÔNG THƯƠNG", name.split(",")[0].upper(), place
        return "", "BỘ CÔNG THƯƠNG", place
    province = round_.province
    kind = "THÀNH PHỐ" if province.kind == "city" else "TỈNH"
    return "", f"ỦY BAN NHÂN DÂN {kind} {province.name.removeprefix('Thành phố ').upper()}", province.name


def certificate_pdf(certificate: Certificate) -> bytes:
    entry = certificate.entry
    round_ = entry.round
    parent, unit, place = _issuer(round_, certificate.issued_on)
    level_title = LEVEL_TITLE[round_.level]
    if round_.level == Level.REGION and round_.region:
        level_title = f"CẤP {round_.region.name.upper()}"  # "CẤP KHU VỰC PHÍA NAM"
    html = render_to_string(
        "products/pdf/certificate.html",
        {
            "certificate": certificate,
            "entry": entry,
            "round": round_,
            "recognition": certificate.recognition,
            "issuer_parent": parent,
            "issuer_unit": unit,
            "place": place.removeprefix("Thành phố ").removeprefix("Tỉnh "),
            "level_title": level_title,
            "group_vi": GROUP_VI[entry.group],
        },
    )
    return pdf.html_to_pdf(html)


def _text(sheet, value) -> WriteOnlyCell:
    """User text as text: a name starting with "=" stays a string, never a formula."""
    return spreadsheets.text_cell(sheet, "" if value is None else str(value))


def _number(sheet, value, number_format: str = "0.00") -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def summary_workbook(summary: Summary, certificates: dict[int, Certificate]) -> bytes:
    """Two sheets: the results (entry, establishment, province, group, mean, threshold, decision, certificate)
    and the score summary (sheets in, lowest, highest, spread, wide-disagreement flag)."""
    workbook = Workbook(write_only=True)
    results = workbook.create_sheet(_("Results"))
    bold = Font(bold=True)

    def header(sheet, titles):
        cells = []
        for title in titles:
            cell = WriteOnlyCell(sheet, value=str(title))
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)

    header(
        results,
        [
            _("Code"),
            _("Product"),
            _("Establishment"),
            _("Province"),
            _("Product group"),
            _("Mean points"),
            _("Reaches the threshold"),
            _("Recognised"),
            _("Sent to the next level"),
            _("Certificate number"),
            _("Valid until"),
        ],
    )
    yes, no = _("yes"), _("no")
    for row in summary.rows:
        entry, cert = row.entry, certificates.get(row.entry.pk)
        results.append(
            [
                _text(results, entry.code),
                _text(results, entry.product_name),
                _text(results, entry.beneficiary.name),
                _text(results, entry.province.name),
                _text(results, entry.get_group_display()),
                _number(results, row.mean),
                _text(results, yes if row.reaches_threshold else no),
                _text(results, yes if entry.recognised else no),
                _text(results, yes if entry.promoted else no),
                _text(results, cert.number if cert else ""),
                _number(results, cert.valid_until if cert else None, "dd/mm/yyyy"),
            ]
        )
    scores = workbook.create_sheet(_("Score summary"))
    header(
        scores,
        [
            _("Code"),
            _("Product"),
            _("Sheets submitted"),
            _("Mean points"),
            _("Lowest"),
            _("Highest"),
            _("Spread"),
            _("Judges disagree widely"),
        ],
    )
    for row in summary.rows:
        scores.append(
            [
                _text(scores, row.entry.code),
                _text(scores, row.entry.product_name),
                _number(scores, row.sheets, "0"),
                _number(scores, row.mean),
                _number(scores, row.low),
                _number(scores, row.high),
                _number(scores, row.spread),
                _text(scores, yes if row.wide_spread else no),
            ]
        )
    return spreadsheets.workbook_bytes(workbook)
