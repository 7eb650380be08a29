"""Celery tasks: thin, take ids, call the services. Safe to retry and to run twice."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready
from django.conf import settings
from django.db import OperationalError

from notices import services as notices
from reports import services

TRANSIENT = (OperationalError, OSError, ConnectionError)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=4, soft_time_limit=240, time_limit=300)
def report_generate(self, report_id: int) -> bool:
    """Render a queued report. Transient failures (database, disk) are retried with backoff; the row says
    `failed` with the error when retries run out or the error is not transient, and staff can retry it."""
    try:
        return services.report_generate(report_id=report_id)
    except SoftTimeLimitExceeded:
        services.report_mark_failed(report_id=report_id, error="Time limit exceeded")
        raise
    except TRANSIENT as error:
        if self.request.retries >= self.max_retries:
            raise
        services.report_retry_later(report_id=report_id, error=f"{type(error).__name__}: {error}")
        raise self.retry(exc=error, countdown=5 * 2**self.request.retries) from error


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def reports_sweep() -> dict:
    result = services.reports_sweep()
    notices.heartbeat_record(name="reports_sweep", detail=str(result))
    return result


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def reminders_send() -> int:
    return services.reminders_send()


@worker_ready.connect
def sweep_when_a_worker_starts(sender=None, **kwargs) -> None:
    """Beat's first sweep comes one interval after it starts; a starting worker heals at once instead."""
    if settings.REPORTS_SWEEP_ON_WORKER_START:
        reports_sweep.delay()
