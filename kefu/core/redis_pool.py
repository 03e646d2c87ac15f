"""One Redis connection pool per process for Django's cache (rate-limit and throttle counters).

Django keeps a cache object per request context, and under ASGI every request is a new context (and a
new thread), so the stock RedisCache built a new connection pool, and opened a new TCP connection to
Redis, for every request: a connect and handshake on every API call, and sockets left for the garbage
collector. Django's RedisCache accepts a `pool_class` option; this one hands every cache object of the
process the same pool (redis-py's pools are thread-safe and reopen their connections after a fork).
"""

from __future__ import annotations

import threading

import redis

_pools: dict[tuple, redis.ConnectionPool] = {}
_lock = threading.Lock()


class SharedConnectionPool(redis.ConnectionPool):
    @classmethod
    def from_url(cls, url: str, **kwargs: object) -> redis.ConnectionPool:
        key = (url, tuple(sorted((name, repr(value)) for name, value in kwargs.items())))
        with _lock:
            pool = _pools.get(key)
            if pool is None:
                pool = _pools[key] = super().from_url(url, **kwargs)
        return pool
