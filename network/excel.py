"""The network workbook: collaborators with their communes, and the coverage per province. Every cell written
from user data goes through khuyencong.spreadsheets (text, never a formula)."""

from django.utils.translation import gettext as _
from openpyxl import Workbook

from khuyencong import spreadsheets
from khuyencong.text import vi_order
from network import selectors
from provinces.models import User

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def network_to_xlsx(*, user: User, day) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Collaborators"))
    sheet.append(
        spreadsheets.safe_row(
            sheet,
            [
                _("Province"),
                _("Full name"),
                _("Position"),
                _("Communes"),
                _("Contract start"),
                _("Contract end"),
                _("Monthly fee (VND)"),
                _("Status"),
            ],
        )
    )
    for c in selectors.collaborators_for(user=user).order_by(vi_order("province__name"), vi_order("full_name"), "pk"):
        sheet.append(
            spreadsheets.safe_row(
                sheet,
                [
                    c.province.name,
                    c.full_name,
                    c.position,
                    ", ".join(commune.name for commune in c.communes.all()),
                    c.contract_start,
                    c.contract_end,
                    int(c.monthly_fee),
                    str(c.get_status_display()),
                ],
            )
        )
    cover = workbook.create_sheet(_("Coverage"))
    cover.append(
        spreadsheets.safe_row(
            cover,
            [
                _("Province"),
                _("Communes"),
                _("With a collaborator on %(day)s") % {"day": day.strftime("%d/%m/%Y")},
                _("Without"),
            ],
        )
    )
    for row in selectors.coverage(user=user, day=day):
        cover.append(spreadsheets.safe_row(cover, [row.province.name, row.communes, row.covered, row.uncovered]))
    return spreadsheets.workbook_bytes(workbook)
