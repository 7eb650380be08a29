"""The Celery app. Tasks are thin: they take ids and call services (see each app's tasks.py)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")

app = Celery("khuyencong")
app.config_from_object("django.conf:settings", namespace="CELERY")


def _ensure_embedded_broker_folders() -> None:
    # The filesystem transport crashes on start when its folders are missing.
    from django.conf import settings

    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        for folder in settings.CELERY_BROKER_TRANSPORT_OPTIONS.values():
            os.makedirs(folder, exist_ok=True)
        os.makedirs(settings.CELERY_QUEUE_DIR / "results", exist_ok=True)


_ensure_embedded_broker_folders()
app.autodiscover_tasks()
