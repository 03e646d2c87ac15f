"""Background work: a real task through a real Huey consumer on Redis (the scale-out path)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

REDIS_URL = os.environ.get("KEFU_TEST_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
IN_CI = os.environ.get("CI", "").lower() == "true"


def _redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        if IN_CI:
            pytest.fail(f"CI expects Redis at {REDIS_URL}: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}: consumer test skipped")


@pytest.mark.redis
def test_task_runs_in_a_separate_consumer_process_over_redis(tmp_path):
    _redis_or_skip()
    from huey import RedisHuey
    from huey.contrib.djhuey import HUEY
    from huey.exceptions import ResultTimeout

    from kefu.core.tasks import worker_echo

    queue = f"kefu-test-{uuid.uuid4().hex[:8]}"
    env = {**{k: v for k, v in os.environ.items() if k != "DATABASE_URL"}, "REDIS_URL": REDIS_URL, "HUEY_NAME": queue, "HUEY_IMMEDIATE": "false",
           "DJANGO_SETTINGS_MODULE": "kefu.settings", "KEFU_VAR_DIR": str(tmp_path)}
    root = Path(__file__).resolve().parent.parent
    consumer = subprocess.Popen([sys.executable, "-m", "kefu.cli", "worker", "-w", "2"], cwd=root, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    HUEY.immediate = False
    HUEY.storage = RedisHuey(queue, url=REDIS_URL).storage
    answer = None
    try:
        result = worker_echo("你好")
        answer = result.get(blocking=True, timeout=60)
    except ResultTimeout:
        pass
    finally:
        consumer.terminate()
        output = consumer.communicate(timeout=30)[0].decode(errors="replace")
        HUEY.storage.flush_all()
        HUEY.immediate = True
    assert answer is not None, f"the consumer did not answer within 60 s; its output:\n{output}"
    assert answer["echo"] == "你好"
    assert answer["pid"] == consumer.pid != os.getpid(), output


def test_tests_run_tasks_immediately():
    from kefu.core.tasks import worker_echo

    assert worker_echo("立即")()["pid"] == os.getpid()
