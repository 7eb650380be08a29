"""The commendation workbook (đề xuất khen thưởng): each province's figures with their definitions.
Cells from user data go through khuyencong.spreadsheets."""

from django.utils.translation import gettext as _
from openpyxl import Workbook

from evaluation import figures
from evaluation.models import Measure
from khuyencong import spreadsheets
from provinces.models import User

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _percent(value):
    return float(round(value, 1)) if value is not None else None


def record_to_xlsx(*, user: User, year: int) -> bytes:
    workbook = Workbook(write_only=True)
    measures = list(Measure.objects.all())
    sheet = workbook.create_sheet(_("Record %(year)s") % {"year": year})
    sheet.append(spreadsheets.safe_row(sheet, [_("The portal's internal measure, not an official ranking.")]))
    header = [_("Province"), _("Score (of 100)")]
    counted = _("counted / due")  # outside the f-string: xgettext does not look inside one
    for measure in measures:
        header += [f"{measure.get_code_display()} (%)", f"{measure.get_code_display()}: {counted}"]
    sheet.append(spreadsheets.safe_row(sheet, header))
    for record in figures.records(user=user, year=year):
        row = [record.province.name, _percent(record.score)]
        for measure in measures:
            f = record.figures[measure.code]
            row += [_percent(f.value), f"{f.numerator}/{f.denominator}"]
        sheet.append(spreadsheets.safe_row(sheet, row))
    terms = workbook.create_sheet(_("Definitions"))
    terms.append(
        spreadsheets.safe_row(
            terms, [_("Figure"), _("Definition"), _("Weight"), _("Full points at (%)"), _("No points at (%)")]
        )
    )
    definitions = figures.definitions()
    for measure in measures:
        terms.append(
            spreadsheets.safe_row(
                terms,
                [
                    str(measure.get_code_display()),
                    definitions[measure.code],
                    float(measure.weight),
                    float(measure.full_at),
                    float(measure.zero_at),
                ],
            )
        )
    return spreadsheets.workbook_bytes(workbook)
