"""Health of the services the portal depends on, for /healthz and monitoring."""

import os

from django.conf import settings
from django.db import connection


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "down" to a health check
        return False


def broker_status() -> str:
    """'ok', 'down', or 'embedded' (filesystem broker under var/, nothing to ping)."""
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        return "embedded" if os.path.isdir(folder) and os.access(folder, os.W_OK) else "down"
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        return "ok" if client.ping() else "down"
    except Exception:  # noqa: BLE001
        return "down"
