"""Celery tasks of notices: thin, idempotent (each notice is claimed before it is sent)."""

from celery import shared_task
from django.db import OperationalError

from notices import services

TRANSIENT = (OperationalError, OSError, ConnectionError)  # smtplib errors are OSErrors


@shared_task(bind=True, acks_late=True, max_retries=5, soft_time_limit=120, time_limit=180)
def notices_email(self) -> int:
    """E-mail the pending notices; a failed send is retried with backoff and sends nothing twice."""
    try:
        return services.notices_email()
    except TRANSIENT as error:
        raise self.retry(exc=error, countdown=10 * 2**self.request.retries) from error


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def digests_send() -> int:
    return services.digests_send()


@shared_task(soft_time_limit=30, time_limit=60)
def worker_heartbeat() -> None:
    """Beat sends this every minute: a worker that runs it is alive and consuming the queue."""
    services.heartbeat_record(name="worker")
