"""A real Celery worker against a real Redis produces a report end to end (CI runs it; skipped without Redis)."""

import datetime
import os
import time

import pytest

from khuyencong.celery import app
from reports import services
from reports.models import Report

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.fixture
def redis_app(settings):
    if not REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("REDIS_URL must be set on CI")
        pytest.skip("REDIS_URL is not set")
    url = REDIS_URL.rsplit("/", 1)[0] + "/15"  # a database of its own, flushed here
    import redis

    redis.Redis.from_url(url).flushdb()
    saved = {
        key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager", "broker_transport_options")
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.update(
        broker_url=url,
        result_backend=url,
        task_always_eager=False,
        broker_transport_options={"visibility_timeout": 600},
    )
    _reset_connections()
    yield app
    app.conf.update(saved)
    _reset_connections()


def _reset_connections() -> None:
    """Drop pooled broker connections so the next task is sent with the broker just configured."""
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


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
