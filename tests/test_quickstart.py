"""`python3 quickstart.py` starts the worker and the ASGI server; Ctrl+C stops both, leaving nothing behind."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def processes_with(marker: str) -> list[int]:
    """Pids whose environment holds ``marker`` (the test's own KEFU_VAR_DIR): the children it started."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def answers(url: str) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=3).status == 200
    except OSError:
        return False


@pytest.mark.django_db
def test_quickstart_serves_and_ctrl_c_stops_server_and_worker(tmp_path):
    if connection.vendor != "sqlite" or not Path("/proc/self/environ").exists():
        pytest.skip("runs once, in the SQLite pass, on Linux (reads /proc)")
    port = free_port()
    marker = f"KEFU_VAR_DIR={tmp_path}"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "HUEY_NAME"}}
    env.update({"KEFU_VAR_DIR": str(tmp_path), "KEFU_PORT": str(port), "KEFU_WEB_WORKERS": "2",
                "HUEY_IMMEDIATE": "false"})
    log = open(tmp_path / "quickstart.log", "wb")  # noqa: SIM115
    starter = subprocess.Popen([sys.executable, "quickstart.py"], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 240
        while not answers(f"http://127.0.0.1:{port}/login/") and time.monotonic() < deadline:
            assert starter.poll() is None, (tmp_path / "quickstart.log").read_text(errors="replace")
            time.sleep(0.5)
        assert answers(f"http://127.0.0.1:{port}/login/"), (tmp_path / "quickstart.log").read_text(errors="replace")
        children = processes_with(marker)
        assert len(children) >= 4, children  # worker, uvicorn's parent and its two processes
        starter.send_signal(signal.SIGINT)  # what Ctrl+C sends to the foreground script
        assert starter.wait(90) == 0
        output = (tmp_path / "quickstart.log").read_text(errors="replace")
        time.sleep(0.5)
        assert not answers(f"http://127.0.0.1:{port}/login/"), output
        assert processes_with(marker) == [], output
        assert "Kefu stopped." in output and "in use" not in output
    finally:
        for pid in processes_with(marker):
            os.kill(pid, signal.SIGKILL)
        if starter.poll() is None:
            starter.kill()


def test_quickstart_names_a_busy_port_and_a_free_one(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {**os.environ, "KEFU_VAR_DIR": str(tmp_path), "KEFU_PORT": str(port)}
        result = subprocess.run([sys.executable, "quickstart.py"], cwd=ROOT, env=env, capture_output=True,
                                text=True, timeout=120)
    assert result.returncode != 0
    assert f"port {port}" in result.stderr and f"KEFU_PORT={port + 1}" in result.stderr
