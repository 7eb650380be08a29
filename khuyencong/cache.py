"""The cache backend on Redis: Django's own RedisCache, except that clearing it removes only its own keys.

The cache shares the Redis database of REDIS_URL with the Celery broker and results. Django's
RedisCache.clear() is FLUSHDB, which would also drop queued tasks; here clear() deletes the keys under
this cache's prefix and nothing else.
"""

from django.core.cache.backends.redis import RedisCache


class PrefixedRedisCache(RedisCache):
    def clear(self) -> bool:
        client = self._cache.get_client(write=True)
        pattern = f"{self.key_prefix}:*" if self.key_prefix else "*"
        keys = list(client.scan_iter(match=pattern, count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
        return True
