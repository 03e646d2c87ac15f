"""deploy/: the nginx site passes `nginx -t` and, run for real in front of Kefu, redirects to https, sends
HSTS, serves /static/ from disk, refuses oversized bodies (QA imports have a larger limit) and proxies the rest; the systemd units verify."""

import contextlib
import os
import shutil
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
IN_CI = os.environ.get("CI", "").lower() == "true"


def need(tool: str) -> str:
    path = shutil.which(tool) or (f"/usr/sbin/{tool}" if Path(f"/usr/sbin/{tool}").exists() else None)
    if path is None:
        if IN_CI:
            pytest.fail(f"CI installs {tool} (.ci/run) but it is missing")
        pytest.skip(f"{tool} is not installed: deploy/ not checked with it (apt-get install {tool})")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def replace(text: str, old: str, new: str) -> str:
    assert old in text, f"deploy/nginx/kefu.conf no longer contains {old!r}: update this test with it"
    return text.replace(old, new)


@pytest.fixture
def site(tmp_path):
    """deploy/nginx/kefu.conf with its machine-specific parts pointed at this test's files and ports."""
    nginx = need("nginx")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", tmp_path / "key.pem", "-out", tmp_path / "cert.pem"], check=True, capture_output=True)
    static = tmp_path / "static"
    static.mkdir()
    (static / "probe.css").write_text("body{color:#123}")
    ports = {"http": free_port(), "https": free_port(), "upstream": free_port()}
    conf = (DEPLOY / "nginx" / "kefu.conf").read_text()
    conf = replace(conf, "server 127.0.0.1:8000 ", f"server 127.0.0.1:{ports['upstream']} ")
    conf = replace(conf, "listen 80;", f"listen 127.0.0.1:{ports['http']};")
    conf = replace(conf, "listen [::]:80;", "")
    conf = replace(conf, "listen 443 ssl http2;", f"listen 127.0.0.1:{ports['https']} ssl http2;")
    conf = replace(conf, "listen [::]:443 ssl http2;", "")
    conf = replace(conf, "/etc/ssl/kefu/fullchain.pem", str(tmp_path / "cert.pem"))
    conf = replace(conf, "/etc/ssl/kefu/privkey.pem", str(tmp_path / "key.pem"))
    conf = replace(conf, "/var/lib/kefu/static/", f"{static}/")
    (tmp_path / "kefu.conf").write_text(conf)
    temp = " ".join(f"{kind}_temp_path {tmp_path}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # The Debian nginx.conf's essentials (mime types, logs) around the site, as sites-enabled/ would be.
    (tmp_path / "nginx.conf").write_text(
        f"{'user root;' if os.geteuid() == 0 else ''} pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{ include /etc/nginx/mime.types; access_log {tmp_path}/access.log; {temp}\n"
        f"include {tmp_path}/kefu.conf; }}\n")
    return nginx, tmp_path, ports


def test_nginx_accepts_the_site(site):
    nginx, tmp_path, _ = site
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


@contextlib.contextmanager
def running(site):
    """nginx with the test's site, running until the block ends; yields its https address."""
    nginx, tmp_path, ports = site
    proc = subprocess.Popen([nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
                            stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", ports["https"]), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"https://127.0.0.1:{ports['https']}"
    finally:
        proc.terminate()
        proc.wait(10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, data: bytes | None = None):
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=context))
    try:
        return opener.open(urllib.request.Request(url, data=data), timeout=20)
    except urllib.error.HTTPError as error:
        return error


@pytest.mark.django_db(transaction=True)
def test_nginx_in_front_of_kefu(site):
    _nginx, _tmp_path, ports = site
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=ports["upstream"])
    server.daemon = True
    server.start()
    server.is_ready.wait(10)
    try:
        with running(site) as https:
            redirect = fetch(f"http://127.0.0.1:{ports['http']}/login/?next=/inbox/")
            assert redirect.status == 301
            assert redirect.headers["Location"] == "https://127.0.0.1/login/?next=/inbox/"
            login = fetch(f"{https}/login/")
            assert login.status == 200 and 'name="password"' in login.read().decode()
            assert login.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
            css = fetch(f"{https}/static/probe.css")  # from disk: the upstream has no such file
            assert css.status == 200 and css.read() == b"body{color:#123}"
            assert "max-age=31536000" in css.headers["Strict-Transport-Security"]
            assert fetch(f"{https}/media/secret.pdf").status == 404
            assert fetch(f"{https}/login/", data=b"x" * (27 * 1024 * 1024)).status == 413
    finally:
        server.terminate()


def test_nginx_passes_bodies_within_what_kefu_takes(site):
    """A message with 25 MiB of attachments and a QA import of 40 MiB reach the upstream whole (an upstream
    here that reads the body and answers its length); above the limits nginx answers 413 itself."""
    import http.server
    import threading

    _nginx, _tmp_path, ports = site

    class Upstream(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):  # noqa: N802  (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            received = 0
            while received < length:
                received += len(self.rfile.read(min(1 << 20, length - received)))
            body = str(received).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", ports["upstream"]), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    try:
        with running(site) as https:
            message = fetch(f"{https}/tickets/GD1/messages/", data=b"x" * (25 * 1024 * 1024 + 4096))
            assert (message.status, message.read()) == (200, str(25 * 1024 * 1024 + 4096).encode())
            for path in ("/qa/import/", "/api/v1/qa/imports"):
                imported = fetch(f"{https}{path}", data=b"x" * (40 * 1024 * 1024))
                assert (imported.status, imported.read()) == (200, str(40 * 1024 * 1024).encode())
            assert fetch(f"{https}/tickets/GD1/messages/", data=b"x" * (27 * 1024 * 1024)).status == 413
    finally:
        upstream.shutdown()
        upstream.server_close()


def test_systemd_units_verify(tmp_path):
    analyze = need("systemd-analyze")
    env = tmp_path / "kefu.env"
    env.write_text((DEPLOY / "kefu.env.example").read_text())
    for name in ("kefu-web.service", "kefu-worker.service"):
        unit = (DEPLOY / "systemd" / name).read_text()
        assert "/opt/kefu/.venv/bin/kefu" in unit and "/etc/kefu/kefu.env" in unit
        unit = unit.replace("/opt/kefu/.venv/bin/kefu", shutil.which("true") or "/bin/true")
        (tmp_path / name).write_text(unit.replace("/etc/kefu/kefu.env", str(env)))
        result = subprocess.run([analyze, "verify", str(tmp_path / name)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
