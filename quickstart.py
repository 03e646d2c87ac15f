#!/usr/bin/env python3
"""Kefu in one command.

    python3 quickstart.py          install into .venv, migrate SQLite, load demo data, start worker + server
    python3 quickstart.py test     install (with test tools) and run the whole test suite

Only the standard library is used here, so it runs on a fresh machine with Python 3.11+.
"""

import hashlib
import os
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
HOST, PORT = os.environ.get("KEFU_HOST", "127.0.0.1"), os.environ.get("KEFU_PORT", "8000")


def say(message: str) -> None:
    print(f"\033[1;34m[kefu]\033[0m {message}", flush=True)


def run(*args: str, **kwargs) -> None:
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, **kwargs)


def ensure_venv(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036  (runs before the venv exists, on any python3)
        sys.exit(f"Kefu needs Python 3.11 or newer (this is {sys.version.split()[0]}).")
    if not PYTHON.exists():
        say("creating the virtual environment .venv ...")
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except Exception as exc:  # Debian/Ubuntu without python3-venv
            sys.exit(f"Could not create .venv ({exc}). On Debian/Ubuntu: sudo apt install python3-venv")
    # Reinstall only when the dependencies changed since the last install.
    stamp = VENV / f".kefu-installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    say("installing Kefu and its dependencies (first run takes a minute) ...")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", f".[{extras}]" if extras else ".")
    stamp.write_text(digest)


def kefu(*args: str) -> None:
    run(PYTHON, "-m", "kefu.cli", *args)


def start() -> None:
    ensure_venv("")
    say("preparing the SQLite database and demo data ...")
    kefu("migrate", "--verbosity", "0")
    kefu("demo")
    say("starting the background worker ...")
    worker = subprocess.Popen([str(PYTHON), "-m", "kefu.cli", "worker"], cwd=ROOT)
    say(f"open http://{HOST}:{PORT}/ and log in with one of the accounts above (Ctrl+C stops Kefu)")
    try:
        kefu("serve", "--host", HOST, "--port", PORT)
    except KeyboardInterrupt:
        pass
    except subprocess.CalledProcessError as exc:
        if exc.returncode not in (-signal.SIGINT, 128 + signal.SIGINT):  # not just Ctrl+C
            say(f"the web server stopped (exit {exc.returncode}); is port {PORT} in use? set KEFU_PORT=8001")
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()


def test(pytest_args: list[str]) -> int:
    ensure_venv("dev")
    database = os.environ.get("DATABASE_URL", "") or "SQLite"
    say(f"running the test suite on {database.split('@')[-1]} ...")
    return subprocess.run([str(PYTHON), "-m", "pytest", *pytest_args], cwd=ROOT).returncode


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "start"
    if command == "test":
        sys.exit(test(sys.argv[2:]))
    if command == "start":
        start()
    else:
        sys.exit(__doc__)
