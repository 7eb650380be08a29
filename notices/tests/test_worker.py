"""A real Celery worker on a real Redis delivers a notice end to end, once, across a retry (CI runs it;
skipped without REDIS_URL). The worker runs in a thread of this process, so it shares the test's
database and its in-memory mail outbox."""

import os
import smtplib
import time

import pytest

from khuyencong.celery import app
from notices import services as notice_services
from notices import tasks
from notices.models import Heartbeat, Notice

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _reset_connections() -> None:
    from kombu import pools

    pools.reset()
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_app(settings):
    """The Celery app on the Redis database REDIS_URL names, its default queue emptied first (only that: the
    database may be a developer's own); the tests are eager otherwise."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("REDIS_URL must be set on CI")
        pytest.skip("REDIS_URL is not set")
    import redis

    redis.Redis.from_url(url).delete("celery")
    keys = ("broker_url", "result_backend", "task_always_eager", "broker_transport_options")
    saved = {key: app.conf[key] for key in keys}
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


def wait_for(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_returned_report_reaches_the_approver_by_mail_once_across_a_retry(
    redis_app, settings, monkeypatch, mailoutbox, tayninh_approver, ministry_staff
):
    import datetime

    from celery.contrib.testing.worker import start_worker

    from reports import services as report_services
    from reports.models import Report

    settings.REPORTS_PERIOD_KINDS = ["quarter"]
    settings.REPORTS_LOOKBACK_DAYS = 100
    tayninh_approver.email = "lanhdao@tayninh.example.vn"
    tayninh_approver.save()
    real_send, attempts = notice_services.send_mail, []

    def first_attempt_fails(*args, **kwargs):
        attempts.append(args[3])
        if len(attempts) == 1:
            raise smtplib.SMTPServerDisconnected("the mail server went away")
        return real_send(*args, **kwargs)

    monkeypatch.setattr(notice_services, "send_mail", first_attempt_fails)
    import celery.contrib.testing.tasks  # noqa: F401 - the worker's ping check needs it

    with start_worker(redis_app, pool="solo", queues=["celery"], perform_ping_check=False, shutdown_timeout=30):
        report_services.reports_sweep(today=datetime.date(2026, 11, 28))  # generation goes to the pdf queue: idle here
        report = Report.objects.get(province__code=80, province__code_set=2025, version=1)
        report = report_services.report_submit(report=report, by=tayninh_approver)
        report_services.report_review(report=report, by=ministry_staff, accept=False, comment="Bổ sung phụ lục")
        # the ministry's notice of the submission goes out too (ministry staff have no address: skipped)
        notice = Notice.objects.get(recipient=tayninh_approver)
        assert wait_for(lambda: Notice.objects.filter(pk=notice.pk, email=Notice.Email.SENT).exists())
        tasks.notices_email.delay()  # a duplicate delivery of the task, as after a broker redelivery
        tasks.worker_heartbeat.delay()
        assert wait_for(lambda: Heartbeat.objects.filter(name="worker").exists())
    assert len(attempts) == 2  # the first send failed and the task's retry sent it
    assert [m.to for m in mailoutbox] == [["lanhdao@tayninh.example.vn"]]
    assert "Bổ sung phụ lục" in mailoutbox[0].body and f"/reports/{report.pk}/" in mailoutbox[0].body
