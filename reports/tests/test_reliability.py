"""Faults a real deployment meets: a worker killed mid-render, queued messages lost with Redis.

A real Celery worker runs as a separate process against Redis and the test's PostgreSQL database, so
these tests need both (CI has them; elsewhere they are skipped). The database row is the source of
truth: the sweep puts back in the queue whatever the broker lost, and each report is produced once.
"""

import datetime
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from reports import services
from reports.models import Report, ReportEvent

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
TODAY = datetime.date(2026, 11, 28)


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        if os.environ.get("CI"):
            pytest.fail("CI runs these tests on PostgreSQL")
        pytest.skip("a worker in another process needs a server database (set DATABASE_URL)")


@pytest.fixture
def worker(postgres, redis_app, redis_url, settings, tmp_path):
    """Starts real `celery worker` processes on the test database; stops them all at the end."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "KC_VAR_DIR": str(tmp_path / "var"),
        "CELERY_EAGER": "0",
        "KC_SWEEP_ON_WORKER_START": "0",  # the test sweeps itself, with its own settings
    }
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        command = [sys.executable, "-m", "celery", "-A", "khuyencong", "worker", "-Q", "celery,pdf", "--pool", "solo"]
        process = subprocess.Popen(
            [*command, "--loglevel", "WARNING", "--without-mingle", "--without-gossip", "--without-heartbeat"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(tmp_path / f"worker-{len(started)}.log").open("w"),
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def due_reports(settings, reference_data):
    settings.REPORTS_PERIOD_KINDS = ["quarter"]
    settings.REPORTS_LOOKBACK_DAYS = 100  # Q3/2026: ten reports (nine provinces and the region)
    settings.REPORTS_STUCK_AFTER_SECONDS = 1


def wait_for(predicate, seconds: float, step: float = 0.02):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


def all_ready() -> bool:
    return not Report.objects.exclude(generation=Report.Generation.READY).exists()


def assert_files_whole_and_once():
    """Every report is ready with files matching their checksums, generated exactly once; no half file."""
    media = Path(django_settings.MEDIA_ROOT)
    for report in Report.objects.all():
        assert report.generation == Report.Generation.READY, (report, report.error)
        for stored, digest in ((report.pdf, report.pdf_sha256), (report.xlsx, report.xlsx_sha256)):
            assert hashlib.sha256((media / stored.name).read_bytes()).hexdigest() == digest
        assert ReportEvent.objects.filter(report=report, action="generated").count() == 1
    named = [p for p in (media / "reports").rglob("*") if p.is_file() and not p.name.startswith(".part-")]
    referenced = {Path(r.pdf.name).name for r in Report.objects.all()} | {
        Path(r.xlsx.name).name for r in Report.objects.all()
    }
    assert {p.name for p in named} <= referenced  # a killed render left nothing under a real name


def test_worker_killed_mid_render_then_report_produced_once(worker, due_reports):
    first = worker()
    services.reports_sweep(today=TODAY)
    running = wait_for(lambda: Report.objects.filter(generation=Report.Generation.RUNNING).first(), 60)
    assert running is not None, "no report was seen rendering"
    first.send_signal(signal.SIGKILL)  # the whole worker, mid-render: its message stays unacknowledged
    first.wait(timeout=10)
    running.refresh_from_db()
    assert running.generation == Report.Generation.RUNNING  # the row remembers what was interrupted
    time.sleep(1.2)
    worker()
    services.reports_sweep(today=TODAY)  # the stuck row goes back in the queue
    assert wait_for(all_ready, 120, step=0.5), list(Report.objects.values_list("pk", "generation", "error"))
    running.refresh_from_db()
    assert running.attempts == 2
    assert_files_whole_and_once()


def test_messages_lost_with_redis_are_queued_again_by_the_sweep(worker, due_reports, redis_url):
    import redis

    services.reports_sweep(today=TODAY)  # ten messages queued, no worker yet
    assert Report.objects.filter(generation=Report.Generation.QUEUED).count() == 10
    redis.Redis.from_url(redis_url).flushdb()  # Redis restarted without persistence: the queue is gone
    time.sleep(1.2)
    assert services.reports_sweep(today=TODAY) == {"created": 0, "queued": 10}
    worker()
    assert wait_for(all_ready, 120, step=0.5), list(Report.objects.values_list("pk", "generation", "error"))
    assert_files_whole_and_once()
