"""Rate-limit counters on a real Redis (the production cache): one shared connection pool per process, one
round trip a count, and counting from several threads at once loses nothing (issue 9)."""

import os
import threading
import uuid

import pytest
from django.core.cache import caches

from kefu.security import counters, throttle

REDIS_URL = os.environ.get("KEFU_TEST_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
IN_CI = os.environ.get("CI", "").lower() == "true"

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_cache(settings):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        if IN_CI:
            pytest.fail(f"CI expects Redis at {REDIS_URL}: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                                   "KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
                                   "OPTIONS": {"pool_class": "kefu.core.redis_pool.SharedConnectionPool"}}}
    settings.KEFU_THROTTLE_STORE = "cache"
    yield caches["default"]
    caches["default"].clear()


def _pool(cache):
    return cache._cache._get_connection_pool(write=True)


def test_cache_objects_of_every_thread_share_one_pool(redis_cache):
    pools = []

    def work() -> None:
        pools.append(_pool(caches["default"]))  # a new context: Django gives this thread its own cache object

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(p) for p in pools + [_pool(redis_cache)]}) == 1


def test_a_hit_is_one_round_trip_and_the_window_expires(redis_cache):
    key = f"rate:probe:{uuid.uuid4().hex}"
    client = redis_cache._cache.get_client(key, write=True)
    sent = []
    original = client.connection_pool.get_connection

    def counting(*args, **kwargs):
        sent.append(1)
        return original(*args, **kwargs)

    client.connection_pool.get_connection = counting
    try:
        assert [counters.hit(key, 60) for _ in range(3)] == [1, 2, 3]
    finally:
        client.connection_pool.get_connection = original
    assert len(sent) == 3  # one pipeline (SET NX + INCR) per count
    ttl = client.ttl(redis_cache.make_and_validate_key(key))
    assert 0 < ttl <= 60


def test_threads_counting_at_once_lose_no_count(redis_cache):
    key = f"rate:race:{uuid.uuid4().hex}"
    seen: list[int] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(25):
            count = counters.hit(key, 60)
            with lock:
                seen.append(count)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seen) == list(range(1, 101))


def test_rate_limit_refuses_past_the_limit_on_redis(redis_cache):
    key = f"token:{uuid.uuid4().hex}"
    assert [throttle.rate_limited(key, 3) for _ in range(3)] == [0, 0, 0]
    assert throttle.rate_limited(key, 3) >= 1
