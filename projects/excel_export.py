"""The export of a filtered project list to xlsx: typed values and text cells, never a formula."""

from django.db.models import QuerySet
from django.utils.text import capfirst
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from khuyencong import spreadsheets
from projects import selectors
from projects.excel_common import (
    DATE_FORMAT,
    EXPORT_COLUMNS,
    FUND_CODES,
    HEADER_FILL,
    HEADER_FONT,
    MONEY_FORMAT,
    PROJECT_SHEET,
)
from projects.models import Project


def projects_to_xlsx(queryset: QuerySet[Project]) -> bytes:
    """The filtered list as one sheet, streamed: numbers stay numbers and dates stay dates.

    The queryset should come from selectors.project_list_for (joins) and selectors.with_money (totals);
    totals are annotated here when missing. Queries: one, whatever the number of rows.
    """
    if "disbursed" not in queryset.query.annotations:
        queryset = selectors.with_money(queryset)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(PROJECT_SHEET)
    for index, (_header, width) in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_header_cell(sheet, header) for header, _width in EXPORT_COLUMNS])
    rows = 0
    for project in queryset.iterator(chunk_size=1000):
        sheet.append(spreadsheets.safe_row(sheet, _export_row(sheet, project)))
        rows += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(EXPORT_COLUMNS))}{rows + 1}"
    return _save(workbook)


def _export_row(sheet, project: Project) -> list:
    support = int(project.approved_support)
    disbursed = int(project.disbursed)
    return [
        project.code,
        project.title,
        str(project.province),
        project.plan_year,
        FUND_CODES.get(project.fund, project.fund),
        str(project.activity),
        project.location,
        _cell(sheet, project.start_date, DATE_FORMAT),
        _cell(sheet, project.end_date, DATE_FORMAT),
        _cell(sheet, support, MONEY_FORMAT),
        _cell(sheet, int(project.counterpart), MONEY_FORMAT),
        _cell(sheet, int(project.other_sources), MONEY_FORMAT),
        _cell(sheet, int(project.approved_support + project.counterpart + project.other_sources), MONEY_FORMAT),
        _cell(sheet, int(project.advanced), MONEY_FORMAT),
        _cell(sheet, disbursed, MONEY_FORMAT),
        _cell(sheet, int(project.settled), MONEY_FORMAT),
        _cell(sheet, disbursed / support if support else None, "0.0%"),  # no support: no rate, not 0%
        capfirst(str(project.get_status_display())),
    ]


def _cell(sheet, value, number_format: str) -> WriteOnlyCell:
    cell = spreadsheets.text_cell(sheet, value)
    cell.number_format = number_format
    return cell


def _header_cell(sheet, header: str) -> WriteOnlyCell:
    cell = spreadsheets.text_cell(sheet, header)
    cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    return cell


def _save(workbook: Workbook) -> bytes:
    return spreadsheets.workbook_bytes(workbook)  # every text cell written as text, never a formula
