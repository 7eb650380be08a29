"""Large project workbooks are imported by a Celery task: the page shows the progress, then the same result
(all or nothing) and the same errors by sheet, row and column as a small file imported in the request."""

import datetime
import time

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from projects import excel, excel_import
from projects.models import MoneyEntry, Project, ProjectImport
from projects.tests import test_excel
from projects.tests.test_excel import money_row, project_row, upload, where, workbook
from reports.tests import conftest as report_fixtures

approved_project = test_excel.approved_project  # fixtures of other modules, used here too
redis_url = report_fixtures.redis_url
redis_app = report_fixtures.redis_app

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_sync_limit(monkeypatch):
    monkeypatch.setattr(excel_import, "SYNC_MAX_ROWS", 2)


def three_projects(**bad) -> bytes:
    rows = [project_row(code=f"IMP-00{i}", title=f"Hỗ trợ thiết bị {i}") for i in (1, 2, 3)]
    if bad:
        rows[1] = project_row(code="IMP-002", **bad)
    return workbook(projects=rows)


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


def test_the_task_runs_once_and_reports_progress_while_checking(
    tayninh_officer, small_sync_limit, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(excel_import, "PROGRESS_EVERY", 1)
    seen = []
    original = excel_import.import_workbook

    def spy(uploaded_file, *, by, on_progress):
        def recording(stage, done, total):
            on_progress(stage, done, total)
            job = ProjectImport.objects.get()
            seen.append((stage, job.status, job.rows_done, job.rows_total))

        return original(uploaded_file, by=by, on_progress=recording)

    monkeypatch.setattr(excel_import, "import_workbook", spy)
    job = excel.project_import_start(upload=upload(three_projects()), by=tayninh_officer)
    assert excel.project_import_run(import_id=job.pk) is True
    assert seen == [
        ("checking", "checking", 0, 3),
        ("checking", "checking", 1, 3),
        ("checking", "checking", 2, 3),
        ("saving", "saving", 3, 3),
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
