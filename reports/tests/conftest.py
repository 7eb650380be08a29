import os

import pytest

from khuyencong.celery import app

REDIS_URL = os.environ.get("REDIS_URL", "")


def _reset_connections() -> None:
    """Drop pooled broker connections so the next task is sent with the broker just configured."""
    from kombu import pools

    pools.reset()  # kombu keeps producer pools per connection in a global registry
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_url() -> str:
    """A Redis database of the tests' own (15), emptied first; CI must have Redis, elsewhere we skip."""
    if not REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("REDIS_URL must be set on CI")
        pytest.skip("REDIS_URL is not set")
    import redis

    url = REDIS_URL.rsplit("/", 1)[0] + "/15"
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def redis_app(settings, redis_url):
    """The Celery app sending to Redis for real (tests are eager otherwise)."""
    saved = {
        key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager", "broker_transport_options")
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.update(
        broker_url=redis_url,
        result_backend=redis_url,
        task_always_eager=False,
        broker_transport_options={"visibility_timeout": 600},
    )
    _reset_connections()
    yield app
    app.conf.update(saved)
    _reset_connections()
