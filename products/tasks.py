"""Celery tasks of the typical-product selection: thin doors onto products.notify."""

from celery import shared_task

from products import notify


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def annual_report_reminders_send() -> int:
    return notify.annual_report_reminders_send()
