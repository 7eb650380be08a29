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


def queue_lengths() -> dict[str, int | None]:
    """Messages waiting per Celery queue (None when the broker does not answer)."""
    queues = ["celery", "pdf"]
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        try:
            names = os.listdir(folder)
        except OSError:
            return dict.fromkeys(queues)
        # the filesystem transport names each message file "<ts>_<uuid>.<queue>.msg"
        return {queue: sum(name.endswith(f".{queue}.msg") for name in names) for queue in queues}
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        return {queue: int(client.llen(queue)) for queue in queues}
    except Exception:  # noqa: BLE001
        return dict.fromkeys(queues)


def worker_status(*, now=None) -> dict:
    """The worker's heartbeat (sent by beat every minute, run by a worker) and the last report sweep.
    'ok' when the heartbeat is younger than WORKER_HEARTBEAT_MAX_AGE seconds, else 'stale' or 'never'."""
    from django.utils import timezone

    from notices import selectors as notice_selectors

    now = now or timezone.now()
    beats = notice_selectors.heartbeats()

    def describe(name: str) -> dict:
        beat = beats.get(name)
        if beat is None:
            return {"at": None, "age_seconds": None}
        return {"at": beat.at.isoformat(), "age_seconds": int((now - beat.at).total_seconds())}

    worker, sweep = describe("worker"), describe("reports_sweep")
    if worker["age_seconds"] is None:
        state = "never"
    else:
        state = "ok" if worker["age_seconds"] <= settings.WORKER_HEARTBEAT_MAX_AGE else "stale"
    return {"status": state, "worker": worker, "last_sweep": sweep, "queues": queue_lengths()}
