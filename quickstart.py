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
    # the test install (dev) includes everything the base one has
    if any(s.exists() and s.read_text() == digest for s in (stamp, VENV / ".kefu-installed-dev")):
        return
    say("installing Kefu and its dependencies (first run takes a minute) ...")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", f".[{extras}]" if extras else ".")
    stamp.write_text(digest)


def kefu(*args: str) -> None:
    run(PYTHON, "-m", "kefu.cli", *args)


def port_free(host: str, port: str) -> bool:
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, int(port)))
        except OSError:
            return False
    return True


def spawn(*args: str) -> subprocess.Popen:
    # A session of its own: Ctrl+C in the terminal reaches only this script, which then stops each
    # service in order and waits for it (a shared process group left uvicorn's children running).
    return subprocess.Popen([str(PYTHON), "-m", "kefu.cli", *args], cwd=ROOT, start_new_session=os.name != "nt")


def stop(process: subprocess.Popen, name: str, timeout: float = 30) -> None:
    """SIGTERM (the worker finishes or hands back its jobs; the server closes its workers), then SIGKILL."""
    if process.poll() is not None:
        return
    say(f"stopping the {name} ...")
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        if os.name != "nt":
            os.killpg(process.pid, signal.SIGKILL)  # the whole group: uvicorn's worker processes too
        process.kill()
        process.wait()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def start() -> None:
    ensure_venv("")
    if not port_free(HOST, PORT):
        sys.exit(f"port {PORT} on {HOST} is already in use (another Kefu?). Stop it, or choose another port: "
                 f"KEFU_PORT={int(PORT) + 1} python3 quickstart.py")
    say("preparing the SQLite database and demo data ...")
    kefu("migrate", "--verbosity", "0")
    kefu("demo")
    # SIGTERM (systemd, `kill`) stops the services like Ctrl+C does.
    signal.signal(signal.SIGTERM, _interrupt)
    say("starting the background worker ...")
    worker = spawn("worker")
    server = spawn("serve", "--host", HOST, "--port", PORT)
    say(f"open http://{HOST}:{PORT}/ and log in with one of the accounts above (Ctrl+C stops Kefu)")
    try:
        while server.poll() is None and worker.poll() is None:
            try:
                server.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
        if server.returncode not in (None, 0):
            say(f"the web server stopped (exit {server.returncode}); see the messages above")
        if worker.returncode not in (None, 0):
            say(f"the background worker stopped (exit {worker.returncode}); see the messages above")
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl+C must not leave orphans behind
        stop(server, "web server")
        stop(worker, "background worker")
        say("Kefu stopped.")


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
