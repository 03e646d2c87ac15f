"""The shipped server (`kefu serve`: uvicorn, two processes) keeps answering while 100 sockets each send
half a request and wait (issue 9: they froze waitress). Uses bench/slow_clients.py's client."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from slow_clients import run  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_normal_request_is_answered_within_a_second_while_100_sockets_idle(tmp_path):
    if os.environ.get("DATABASE_URL"):
        pytest.skip("independent of the database: runs once, in the SQLite pass")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update({"KEFU_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "kefu.settings"})
    # /login/ for an anonymous visitor reads no table: an empty SQLite file is enough
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115
    server = subprocess.Popen([sys.executable, "-m", "kefu.cli", "serve", "--port", str(port), "--workers", "2",
                               "--no-collectstatic"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{url}/login/", timeout=5).status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        result = run(url, sockets=100, seconds=3)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    output = (tmp_path / "serve.log").read_text(errors="replace")
    assert result["idle_open"] == 100, output  # the server really held them all the while
    assert result["requests"] >= 10, result
    assert result["max"] < 1.0, (result, output[-2000:])
