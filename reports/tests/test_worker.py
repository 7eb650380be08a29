"""A real Celery worker against a real Redis produces a report end to end (CI runs it; skipped without Redis)."""

import datetime
import time

import pytest

from reports import services
from reports.models import Report

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_worker_generates_a_report_queued_by_the_sweep(redis_app, reference_data, settings):
    from celery.contrib.testing.worker import start_worker

    settings.REPORTS_PERIOD_KINDS = ["quarter"]
    settings.REPORTS_LOOKBACK_DAYS = 100
    import celery.contrib.testing.tasks  # noqa: F401 - the worker's ping check needs it

    with start_worker(redis_app, pool="solo", queues=["celery", "pdf"], perform_ping_check=False, shutdown_timeout=30):
        services.reports_sweep(today=datetime.date(2026, 11, 28))
        report = Report.objects.get(province__code=80, province__code_set=2025)
        for _ in range(240):  # the worker renders ten reports one after the other
            report.refresh_from_db()
            if report.generation in (Report.Generation.READY, Report.Generation.FAILED):
                break
            time.sleep(0.5)
    assert report.generation == Report.Generation.READY, report.error
    assert report.pdf and report.pdf_sha256 and report.attempts == 1
