"""Large project workbooks are imported by a Celery task: the page shows the progress, then the same result
(all or nothing) and the same errors by sheet, row and column as a small file imported in the request."""

import datetime
import io
import os
import time

import pytest
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.urls import reverse
from openpyxl import Workbook

from projects import excel, excel_common, excel_import
from projects.models import MoneyEntry, Project, ProjectImport
from projects.tests import test_excel
from projects.tests.test_excel import money_row, project_row, upload, where, workbook
from reports.tests import conftest as report_fixtures

approved_project = test_excel.approved_project  # fixtures of other modules, used here too
redis_app = report_fixtures.redis_app


@pytest.fixture
def redis_url() -> str:
    """The broker on the Redis database REDIS_URL names, its queue emptied first. Not the reports' shared
    database 15: helpers running worker tests side by side would consume each other's tasks there."""
    import redis

    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("REDIS_URL must be set on CI")
        pytest.skip("REDIS_URL is not set")
    redis.Redis.from_url(url).delete("celery")
    return url


pytestmark = pytest.mark.django_db


@pytest.fixture
def small_sync_limit(monkeypatch):
    monkeypatch.setattr(excel_import, "SYNC_MAX_ROWS", 2)


def three_projects(**bad) -> bytes:
    rows = [project_row(code=f"IMP-00{i}", title=f"Hỗ trợ thiết bị {i}") for i in (1, 2, 3)]
    if bad:
        rows[1] = project_row(code="IMP-002", **bad)
    return workbook(projects=rows)


def rows_workbook(count: int, *, bad_row: int | None = None, money: int = 0) -> bytes:
    """`count` valid project rows IMP-00001… under the template's headers, written as a stream (openpyxl
    write_only: 5,000 rows in a fraction of a second, where appending to the template takes seconds).
    bad_row: that sheet row (2 is the first data row) gets an end date before its start date."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(excel.PROJECT_SHEET)
    sheet.append([column.header for column in excel.PROJECT_COLUMNS])
    for number in range(2, count + 2):
        bad = {"end_date": datetime.date(2026, 1, 1)} if number == bad_row else {}
        sheet.append(project_row(code=f"IMP-{number - 1:05d}", title=f"Hỗ trợ thiết bị {number - 1}", **bad))
    book.create_sheet(excel.MONEY_SHEET).append([column.header for column in excel.MONEY_COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_small_file_is_still_imported_in_the_request(client, tayninh_officer):
    client.force_login(tayninh_officer)
    response = client.post(reverse("projects:import"), {"file": upload(three_projects())})
    assert response.status_code == 302 and response["Location"] == reverse("projects:list")
    assert Project.objects.count() == 3 and not ProjectImport.objects.exists()


def test_a_large_file_runs_in_the_background_with_a_progress_page(
    client, tayninh_officer, cantho_officer, approved_project, small_sync_limit, django_capture_on_commit_callbacks
):
    client.force_login(tayninh_officer)
    content = workbook(
        projects=[project_row(code=f"IMP-00{i}", title=f"Hỗ trợ thiết bị {i}") for i in (1, 2, 3)],
        money=[money_row(approved_project.code)],
    )
    with django_capture_on_commit_callbacks(execute=True):  # the task is queued on commit (eager in tests)
        response = client.post(reverse("projects:import"), {"file": upload(content)})
    job = ProjectImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("projects:import_job", args=[job.pk])
    assert (job.status, job.rows_done, job.rows_total) == ("done", 4, 4)
    assert job.result == {"created": 3, "updated": 0, "money": 1}
    assert Project.objects.filter(code__startswith="IMP-").count() == 3
    assert MoneyEntry.objects.filter(project=approved_project).count() == 1
    assert not job.file  # the stored workbook is deleted once the task has finished with it
    assert default_storage.listdir(f"project-imports/{tayninh_officer.pk}")[1] == []
    page = client.get(response["Location"]).content.decode()
    assert "Đã nhập: 3 đề án mới, 0 đề án đã có, 1 khoản kinh phí." in page
    status = client.get(response["Location"], HTTP_ACCEPT="application/json").json()
    assert status == {"status": "done", "label": "đã nhập", "finished": True, "done": 4, "total": 4}
    client.force_login(cantho_officer)  # another province's officer: not theirs
    assert client.get(response["Location"]).status_code == 404


def test_a_large_file_with_a_bad_row_is_refused_whole_with_the_same_errors(
    client, tayninh_officer, small_sync_limit, django_capture_on_commit_callbacks
):
    content = three_projects(plan_year=2040, end_date=datetime.date(2026, 1, 1))
    with pytest.raises(excel.ImportErrors) as in_the_request:
        excel.import_workbook(content, by=tayninh_officer)
    client.force_login(tayninh_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("projects:import"), {"file": upload(content)})
    job = ProjectImport.objects.get()
    assert job.status == "refused" and not Project.objects.exists()
    assert job.errors == in_the_request.value.errors
    assert {(sheet, row) for sheet, row, _column in where(job.errors)} == {(excel.PROJECT_SHEET, 3)}
    page = client.get(response["Location"]).content.decode()
    assert "chưa có dữ liệu nào được nhập" in page
    for error in job.errors:
        assert error["message"] in page and error["column"] in page


@pytest.mark.django_db(transaction=True)  # the rows saved are counted on a connection of their own: committed
def test_the_task_runs_once_and_reports_progress_while_checking_and_saving(
    tayninh_officer, small_sync_limit, monkeypatch
):
    monkeypatch.setattr(excel_import, "PROGRESS_EVERY", 1)
    seen = []
    original = excel_import.import_workbook

    def spy(uploaded_file, *, by, on_progress, **limits):
        def recording(stage, done, total):
            on_progress(stage, done, total)
            job = ProjectImport.objects.get()
            seen.append((stage, job.status, job.rows_done, job.rows_total))

        return original(uploaded_file, by=by, on_progress=recording, **limits)

    monkeypatch.setattr(excel_import, "import_workbook", spy)
    # no transaction around the start: the task is queued, and run (eager in tests), at once
    job = excel.project_import_start(upload=upload(three_projects()), by=tayninh_officer)
    assert ProjectImport.objects.get(pk=job.pk).status == "done"
    # read inside the import's transaction, as the page reads it outside (SQLite's one writer: no count)
    saved = [1, 2, 3] if connection.vendor == "postgresql" else [0, 0, 0]
    assert seen == [
        ("checking", "checking", 0, 3),
        ("checking", "checking", 1, 3),
        ("checking", "checking", 2, 3),
        ("saving", "saving", 0, 3),
        *[("saving", "saving", done, 3) for done in saved],
    ]
    assert excel.project_import_run(import_id=job.pk) is False  # delivered twice: the second one does nothing
    assert Project.objects.count() == 3


# ---- a real worker on Redis (CI has Redis; skipped elsewhere), as reports/tests/test_worker.py ----------


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_imports_a_large_file(redis_app, tayninh_officer, small_sync_limit):
    import celery.contrib.testing.tasks  # noqa: F401 - the worker's ping check needs it
    from celery.contrib.testing.worker import start_worker

    with start_worker(redis_app, pool="solo", queues=["celery"], perform_ping_check=False, shutdown_timeout=30):
        job = excel.project_import_start(upload=upload(three_projects()), by=tayninh_officer)
        for _ in range(120):
            job.refresh_from_db()
            if job.is_finished:
                break
            time.sleep(0.5)
    assert job.status == "done", job.errors
    assert Project.objects.filter(code__startswith="IMP-").count() == 3


# ---- beyond the request's 5,000 rows: the task's own limits ----------------------------------------------


def test_one_bad_row_among_more_than_5000_saves_nothing_and_names_the_row(
    client, tayninh_officer, django_capture_on_commit_callbacks
):
    client.force_login(tayninh_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("projects:import"), {"file": upload(rows_workbook(5001, bad_row=4711))})
    job = ProjectImport.objects.get()
    assert response["Location"] == reverse("projects:import_job", args=[job.pk])
    assert (job.status, job.rows_total) == ("refused", 5001) and not Project.objects.exists()
    assert where(job.errors) == {(excel.PROJECT_SHEET, 4711, "Ngày kết thúc")}
    assert job.errors[0]["message"] == "Ngày kết thúc không được trước ngày bắt đầu."
    page = client.get(response["Location"]).content.decode()
    assert "4711" in page and "Ngày kết thúc không được trước ngày bắt đầu." in page


def test_a_workbook_over_50000_rows_is_refused_with_the_limit(
    client, tayninh_officer, django_capture_on_commit_callbacks
):
    """The real limit: the rows are counted while read, before any is checked (so each holds just a code)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(excel.PROJECT_SHEET)
    sheet.append([column.header for column in excel.PROJECT_COLUMNS])
    for number in range(excel_common.BACKGROUND_MAX_ROWS + 1):
        sheet.append([f"IMP-{number:05d}"])
    book.create_sheet(excel.MONEY_SHEET).append([column.header for column in excel.MONEY_COLUMNS])
    content = io.BytesIO()
    book.save(content)
    client.force_login(tayninh_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("projects:import"), {"file": upload(content.getvalue())})
    job = ProjectImport.objects.get()
    assert job.status == "refused" and not Project.objects.exists()
    message = "Tệp có hơn 50.000 dòng dữ liệu; hãy chia thành nhiều tệp."
    assert [(e["sheet"], e["row"], e["message"]) for e in job.errors] == [(excel.PROJECT_SHEET, 50_002, message)]
    assert message in client.get(response["Location"]).content.decode()


def test_the_real_limits_admit_50000_rows_and_20_mb_and_refuse_beyond(tayninh_officer):
    assert excel_common.BACKGROUND_MAX_ROWS == 50_000 and excel_import.IN_BACKGROUND.rows == 50_000
    assert excel_import.IN_REQUEST.rows == excel_common.MAX_ROWS == 5000  # the request keeps its own
    big = b"PK\x03\x04" + b"x" * (excel_common.BACKGROUND_MAX_BYTES + 10)
    with pytest.raises(excel.ImportErrors) as refused:
        excel.import_workbook(upload(big), by=tayninh_officer, background=True)
    assert refused.value.errors[0]["message"] == "Tệp lớn hơn 20 MB; hãy chia thành nhiều tệp."
    medium = upload(b"PK\x03\x04" + b"x" * (excel_common.MAX_BYTES + 10))
    assert excel.runs_in_background(medium)  # over the request's 5 MB: read by the task
    assert not excel.runs_in_background(upload(big))  # over the task's 20 MB: refused in the request
    with pytest.raises(excel.ImportErrors) as in_the_request:
        excel.import_workbook(upload(big), by=tayninh_officer)
    assert in_the_request.value.errors[0]["message"] == "Tệp lớn hơn 20 MB; hãy chia thành nhiều tệp."


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_imports_more_than_5000_rows_and_the_page_sees_them_checked_then_saved(
    redis_app, client, tayninh_officer
):
    """The page's progress moves while the rows are being saved: the count is written on a connection of
    its own, outside the import's transaction, so another connection (the page's) sees it before the end."""
    import celery.contrib.testing.tasks  # noqa: F401 - the worker's ping check needs it
    from celery.contrib.testing.worker import start_worker

    client.force_login(tayninh_officer)
    url = None
    seen = set()
    with start_worker(redis_app, pool="solo", queues=["celery"], perform_ping_check=False, shutdown_timeout=60):
        response = client.post(reverse("projects:import"), {"file": upload(rows_workbook(5001))})
        url = response["Location"]
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            status = client.get(url, HTTP_ACCEPT="application/json").json()
            seen.add((status["status"], status["done"]))
            if status["finished"]:
                break
            time.sleep(0.2)
    job = ProjectImport.objects.get()
    assert job.status == "done", job.errors
    assert job.result == {"created": 5001, "updated": 0, "money": 0}
    assert Project.objects.filter(code__startswith="IMP-").count() == 5001
    assert {done for stage, done in seen if stage == "checking" and 0 < done < 5001}
    assert {done for stage, done in seen if stage == "saving" and 0 < done < 5001}  # seen mid-transaction
    assert "5001 đề án mới" in client.get(url).content.decode()


def test_a_sheet_that_declares_no_size_is_counted_as_far_as_the_request_limit(small_sync_limit):
    """openpyxl's write_only (and other streaming writers) leave the sheet's dimension out: read_only then
    gives max_row None, which once counted as 0 rows and kept a 5,001-row file in the request."""
    assert excel_import.import_row_count(upload(rows_workbook(2))) == 2
    assert excel_import.import_row_count(upload(rows_workbook(50))) == 3  # SYNC_MAX_ROWS (2) + 1: enough to know
    assert excel.runs_in_background(upload(rows_workbook(3)))
    assert not excel.runs_in_background(upload(rows_workbook(2)))


def test_each_row_costs_its_own_writes_not_a_read_of_scope_and_ceilings(tayninh_officer):
    """Provinces' families and the ceilings in force are read once per import (families_remembered,
    ceilings.rows_remembered): 12.6 queries a row before, 8.6 after on the bench (5,000 rows 38 s → 25 s).
    What is left a row (7): the programme of its year (checked, then created), the code's uniqueness, its
    insert, its history, the service's savepoint and its release; reading scope and ceilings again made 11."""
    from django.test.utils import CaptureQueriesContext

    def queries(count: int) -> int:
        content = rows_workbook(count)
        with CaptureQueriesContext(connection) as captured, transaction.atomic():
            assert excel.import_workbook(content, by=tayninh_officer)["created"] == count
            transaction.set_rollback(True)
        return len(captured)

    per_row = (queries(30) - queries(10)) / 20
    assert per_row <= 7, per_row


def _bomb(unpacked_mb: int) -> bytes:
    """A small .xlsx whose shared strings unpack to `unpacked_mb` MB (a zip bomb): opening it with openpyxl
    would read them whole."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", b"<sst>" + b"a" * (unpacked_mb * 1024 * 1024) + b"</sst>")
    return buffer.getvalue()


def test_a_zip_bomb_is_never_opened_to_count_its_rows(monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bomb = _bomb(101)
    assert len(bomb) < 1024 * 1024
    opened = []
    monkeypatch.setattr(excel_import, "load_workbook", lambda *a, **k: opened.append(1))
    upload = SimpleUploadedFile("bom.xlsx", bomb)
    assert excel_import.import_row_count(upload) == 0 and opened == []
    assert excel_import.runs_in_background(upload) is False  # the request's reader refuses it: too big
    with pytest.raises(excel_import.ImportErrors):
        excel_import._read_upload(upload, excel_import.IN_BACKGROUND)


def test_a_zip_bomb_is_never_opened_as_a_period_sheet(monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from projects import grid_excel

    opened = []
    monkeypatch.setattr(grid_excel, "load_workbook", lambda *a, **k: opened.append(1))
    upload = SimpleUploadedFile("bom.xlsx", _bomb(101))
    assert grid_excel.row_count(upload) == 0
    rows, errors, _period = grid_excel._read(upload)
    assert rows == [] and "100 MB" in errors[0]["message"] and opened == []
