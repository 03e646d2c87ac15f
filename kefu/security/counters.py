"""Throttle counters shared by every web process: the cache when it is Redis, else a database table.

`kefu serve` runs several processes; a per-process cache (LocMem, used when REDIS_URL is unset) would
give an attacker one allowance per process. The database store increments with one atomic statement
(INSERT ... ON CONFLICT DO UPDATE ... RETURNING, SQLite 3.35+ and PostgreSQL), so two processes
counting at once never lose a count. Expired rows count as absent and are purged nightly.
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection

from .models import Counter


def _short(key: str) -> str:
    # An address and a 150-character username make long keys; the column holds 200.
    return key if len(key) <= 200 else "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def _use_cache() -> bool:
    return settings.KEFU_THROTTLE_STORE == "cache"


def _upsert(key: str, ttl: float) -> int:
    q = connection.ops.quote_name
    table, count, expires = q(Counter._meta.db_table), q("count"), q("expires")
    sql = (f"INSERT INTO {table} ({q('key')}, {count}, {q('last')}, {expires}) VALUES (%s, 1, %s, %s) "
           f"ON CONFLICT ({q('key')}) DO UPDATE SET "
           f"{count} = CASE WHEN {table}.{expires} <= %s THEN 1 ELSE {table}.{count} + 1 END, "
           f"{q('last')} = excluded.{q('last')}, {expires} = excluded.{expires} RETURNING {count}")
    now = time.time()
    with connection.cursor() as cursor:
        cursor.execute(sql, [_short(key), now, now + ttl, now])
        return cursor.fetchone()[0]


def get(key: str) -> tuple[int, float]:
    """(count, time of the last increment) of a live counter; (0, 0.0) when absent or expired."""
    if _use_cache():
        return cache.get(key) or (0, 0.0)
    row = Counter.objects.filter(key=_short(key), expires__gt=time.time()).values_list("count", "last").first()
    return row or (0, 0.0)


def add_failure(key: str, memory: float) -> int:
    """One more failure, remembered `memory` seconds from now (get() then gives its time); the count."""
    if not _use_cache():
        return _upsert(key, memory)
    count = get(key)[0] + 1
    cache.set(key, (count, time.time()), memory)
    return count


def _redis_hit(key: str, ttl: float) -> int | None:
    """SET NX + INCR in one round trip on Django's Redis cache (every API request counts, so the two
    round trips of add() and incr() were a fixed cost of the API); None when the cache is not Redis."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    if not isinstance(backend, RedisCache):
        return None
    key = backend.make_and_validate_key(key)
    with backend._cache.get_client(key, write=True).pipeline(transaction=False) as pipe:
        pipe.set(key, 0, ex=max(1, math.ceil(ttl)), nx=True)
        pipe.incr(key)
        return int(pipe.execute()[1])


def hit(key: str, ttl: float) -> int:
    """One more request in a window counter living ttl seconds; the count."""
    if not _use_cache():
        return _upsert(key, ttl)
    count = _redis_hit(key, ttl)
    if count is not None:
        return count
    cache.add(key, 0, ttl)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, ttl)
        return 1


def delete(keys: list[str]) -> None:
    if _use_cache():
        cache.delete_many(keys)
    else:
        Counter.objects.filter(key__in=[_short(k) for k in keys]).delete()


def purge_expired() -> None:
    """Nightly housekeeping: forget counters nobody has touched within their memory."""
    Counter.objects.filter(expires__lte=time.time()).delete()
