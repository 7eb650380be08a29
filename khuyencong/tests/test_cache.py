"""Django's cache on Redis (when REDIS_URL is set): throttles count across processes; clear() keeps Celery's keys."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from rest_framework.test import APIClient

from provinces import api_tokens

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
needs_redis = pytest.mark.skipif(not django_settings.REDIS_URL, reason="REDIS_URL not set (CI sets it)")

# Another process, as a second gunicorn worker would be: it counts one API request of the same user through
# the portal's own throttle class, in its own Django and its own cache connection.
OTHER_WORKER = """
import django, sys
django.setup()
from types import SimpleNamespace
from khuyencong.api_base import ApiUserThrottle
user = SimpleNamespace(pk=int(sys.argv[1]), is_authenticated=True)
request = SimpleNamespace(user=user, META={"REMOTE_ADDR": "10.0.0.9"})
print(ApiUserThrottle().allow_request(request, None))
"""


def _other_worker_request(user_pk: int) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "khuyencong.settings", "KC_API_THROTTLE_USER": "3/minute"}
    done = subprocess.run(
        [sys.executable, "-c", OTHER_WORKER, str(user_pk)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_cache_is_redis_when_redis_url_is_set_and_memory_otherwise():
    backend = django_settings.CACHES["default"]["BACKEND"]
    if django_settings.REDIS_URL:
        assert backend == "khuyencong.cache.PrefixedRedisCache"
        assert django_settings.CACHES["default"]["LOCATION"] == django_settings.REDIS_URL
    else:
        assert backend == "django.core.cache.backends.locmem.LocMemCache"
    cache.set("probe", 41)
    assert cache.incr("probe") == 42


@needs_redis
def test_api_throttle_counts_requests_made_in_other_processes(settings, tayninh_officer):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_anon": "3/minute", "api_user": "3/minute"},
    }
    _token, raw = api_tokens.api_token_issue(user=tayninh_officer, by=tayninh_officer, name="t", days=1)
    first, second = APIClient(), APIClient()  # two clients, as two callers with the same token
    for client in (first, second):
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert first.get("/api/v1/provinces/").status_code == 200
    assert _other_worker_request(tayninh_officer.pk) == "True"  # the second of three, in another process
    assert second.get("/api/v1/provinces/").status_code == 200  # the third
    assert first.get("/api/v1/provinces/").status_code == 429
    assert _other_worker_request(tayninh_officer.pk) == "False"  # the other process sees this process's count


@needs_redis
def test_clearing_the_cache_leaves_the_other_keys_of_the_redis_database():
    client = cache._cache.get_client(write=True)
    client.set("kc-test-not-the-cache", "celery's")
    cache.set("mine", 1)
    cache.clear()
    assert cache.get("mine") is None
    assert client.get("kc-test-not-the-cache") == b"celery's"
    client.delete("kc-test-not-the-cache")
