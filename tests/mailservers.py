"""Real mail servers for the e-mail channel tests: an aiosmtpd server that captures what it receives, and
Debian's dovecot serving IMAP from a temporary folder (started by the test, config written here)."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Captured:
    received: list = field(default_factory=list)  # EmailMessage objects, in arrival order
    refuse: set = field(default_factory=set)  # recipients answered with 550

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted"


@pytest.fixture
def smtp_server(settings):
    """Points KEFU_SMTP_URL at a live aiosmtpd server; yields its Captured handler."""
    controller_mod = pytest.importorskip("aiosmtpd.controller")
    handler = Captured()
    port = free_port()
    controller = controller_mod.Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.KEFU_SMTP_URL = f"smtp://127.0.0.1:{port}"
    settings.KEFU_MAIL_FROM = "service@kefu.test"
    try:
        yield handler
    finally:
        controller.stop()


DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
IMAP_USER, IMAP_PASSWORD = "kefutest", "imap-pass-1"


@dataclass
class Imap:
    host: str
    port: int
    user: str
    password: str
    maildir: Path
    uid: int
    gid: int

    def deliver(self, raw: bytes) -> None:
        """Drops a mail into the test user's INBOX the way a delivery agent would (Maildir new/)."""
        target = self.maildir / "new" / f"{time.time_ns()}.{os.getpid()}.kefu"
        target.write_bytes(raw)
        os.chown(target, self.uid, self.gid)


@pytest.fixture(scope="session")
def imap_server():
    if not os.path.exists(DOVECOT):
        if os.environ.get("CI") == "true":
            pytest.fail("CI expects dovecot (apt-get install dovecot-imapd; .ci/run installs it)")
        pytest.skip("dovecot not installed: IMAP tests skipped (apt-get install dovecot-imapd)")
    # Not pytest's tmp dir: that is 0700 root, and dovecot's auth process (its own user) must read passwd.
    base = Path(tempfile.mkdtemp(prefix="kefu-dovecot-"))
    base.chmod(0o755)
    port = free_port()
    maildir = base / "mail" / IMAP_USER / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (maildir / sub).mkdir(parents=True)
    import grp
    import pwd

    # The login process refuses to run as root: use the package's unprivileged users when they exist.
    def known(name: str, fallback: str) -> str:
        try:
            return pwd.getpwnam(name).pw_name
        except KeyError:
            return fallback

    me = pwd.getpwuid(os.getuid()).pw_name
    internal, login = known("dovecot", me), known("dovenull", known("nobody", me))
    group = grp.getgrgid(os.getgid()).gr_name
    # dovecot will not serve mail as root: the mail belongs to an ordinary system user.
    owner = pwd.getpwnam(known("mail", "nobody"))
    uid, gid = owner.pw_uid, owner.pw_gid
    for path in [base / "mail", *(base / "mail").rglob("*")]:
        os.chown(path, uid, gid)
    (base / "passwd").write_text(f"{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}:{uid}:{gid}::"
                                 f"{base / 'mail' / IMAP_USER}\n")
    config = base / "dovecot.conf"
    config.write_text(f"""
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
default_internal_user = {internal}
default_login_user = {login}
default_internal_group = {group}
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {base}/passwd
}}
userdb {{
  driver = passwd-file
  args = {base}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
""")
    # Not capture_output: the daemon's children keep the pipes open and run() would wait forever.
    errors = base / "start.err"
    with open(errors, "w") as err:
        code = subprocess.run([DOVECOT, "-c", str(config)], stdin=subprocess.DEVNULL, stdout=err, stderr=err,
                              timeout=30).returncode
    if code != 0:
        pytest.fail(f"dovecot did not start: {errors.read_text()}")
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield Imap("127.0.0.1", port, IMAP_USER, IMAP_PASSWORD, maildir, uid, gid)
    finally:
        subprocess.run([DOVECOT, "-c", str(config), "stop"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        if not os.environ.get("KEFU_KEEP_DOVECOT"):
            shutil.rmtree(base, ignore_errors=True)
