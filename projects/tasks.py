"""Celery tasks of projects: thin, take ids, call the code that does the work."""

from celery import shared_task

from projects import excel, grid_excel


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def grid_import_run(import_id: int) -> bool:
    """A large period spreadsheet: checked row by row, then saved all at once, or not at all."""
    return grid_excel.grid_import_run(import_id=import_id)


@shared_task(acks_late=True, soft_time_limit=1800, time_limit=1860)
def project_import_run(import_id: int) -> bool:
    """A large project workbook: every row checked, then all written in one transaction, or nothing.
    Up to BACKGROUND_MAX_ROWS rows: 50,000 measured 238-242 s (bench/import_rows.py), so 30 minutes leave room
    for a busier machine; past it the transaction rolls back and the job says it failed, nothing saved."""
    return excel.project_import_run(import_id=import_id)
