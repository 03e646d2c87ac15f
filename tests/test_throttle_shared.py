"""Throttle counters are one per installation, not one per web process (issue 10: `kefu serve` runs
several uvicorn processes; without Redis their LocMem caches are private)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

from kefu.security import counters, throttle
from kefu.security.models import Counter

ROOT = Path(__file__).resolve().parent.parent

# A worker process: its own Django, its own cache, the same database file.
WORKER = """
import json, os, sys
import django
django.setup()
from kefu.security import counters, throttle
action = sys.argv[1]
if action == "hits":
    print(json.dumps([counters.hit("probe", 60) for _ in range(int(sys.argv[2]))]))
elif action == "fail":
    throttle.record_failure(throttle.login_rules("li", "10.0.0.9"), "login")
    print("[]")
else:
    print(json.dumps(throttle.wait_seconds(throttle.login_rules("li", "10.0.0.9"), "login")))
"""


def test_default_store_without_redis_is_the_database(settings):
    assert settings.REDIS_URL == "" and settings.KEFU_THROTTLE_STORE == "database"


def test_failures_survive_a_different_cache(db, settings):
    """A second process has another LocMem cache: modelled by clearing this one."""
    settings.KEFU_LOGIN_MAX_ATTEMPTS = 2
    rules = throttle.login_rules("wang", "10.0.0.1")
    throttle.record_failure(rules, "login")
    throttle.record_failure(rules, "login")
    cache.clear()
    assert throttle.wait_seconds(rules, "login") >= 1
    assert Counter.objects.filter(key__startswith="throttle:login:pair:").get().count == 2
    throttle.clear(rules[:1], "login")
    assert not Counter.objects.filter(key__startswith="throttle:login:pair:").exists()


def test_expired_counter_starts_again_and_is_purged(db, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(counters.time, "time", lambda: now[0])
    assert [counters.hit("k", 10) for _ in range(3)] == [1, 2, 3]
    now[0] += 11
    assert counters.get("k") == (0, 0.0)
    assert counters.hit("k", 10) == 1
    now[0] += 11
    counters.purge_expired()
    assert not Counter.objects.exists()


def test_long_keys_fit(db):
    key = "throttle:login:pair:" + "x" * 300
    assert counters.add_failure(key, 60) == 1 and counters.add_failure(key, 60) == 2
    assert counters.get(key)[0] == 2


def test_cache_store_still_counts(db, settings):
    settings.KEFU_THROTTLE_STORE = "cache"
    cache.clear()
    assert [counters.hit("c", 60) for _ in range(3)] == [1, 2, 3]
    assert counters.add_failure("f", 60) == 1 and counters.get("f")[0] == 1
    assert not Counter.objects.exists()
    cache.clear()


@pytest.fixture
def shared_file_db(tmp_path):
    """A SQLite file with the counter table, for processes started by the test."""
    import sqlite3

    path = tmp_path / "shared.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute('CREATE TABLE "security_counter" ("key" varchar(200) PRIMARY KEY, "count" integer NOT NULL,'
                     ' "last" real NOT NULL, "expires" real NOT NULL)')
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "DJANGO_SETTINGS_MODULE": "kefu.settings",
           "KEFU_VAR_DIR": str(tmp_path / "var"), "REDIS_URL": "", "KEFU_THROTTLE_STORE": "", "KEFU_LOGIN_MAX_ATTEMPTS": "1"}
    env.pop("KEFU_THROTTLE_STORE")  # the default store

    def run(*args: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-c", WORKER, *args], env=env, cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    return run


def _result(process: subprocess.Popen):
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return json.loads(out)


def test_two_processes_share_one_counter_and_lose_no_count(shared_file_db):
    first, second = shared_file_db("hits", "40"), shared_file_db("hits", "40")
    seen = _result(first) + _result(second)
    # Counting at the same time, every increment is seen once: the counts are exactly 1..80.
    assert sorted(seen) == list(range(1, 81))


def test_failed_logins_in_one_process_slow_the_next_in_another(shared_file_db):
    assert _result(shared_file_db("wait")) == 0
    for _ in range(5):
        _result(shared_file_db("fail"))
    # One free failure, then 2^5 s: far longer than starting the next process takes.
    assert _result(shared_file_db("wait")) >= 10
