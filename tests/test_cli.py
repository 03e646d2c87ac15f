import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from kefu.accounts.models import User
from kefu.complaints.models import Complaint
from kefu.customers.models import Customer
from kefu.tickets.models import ACTIVE_STATUSES, Channel, Status, Ticket

ROOT = Path(__file__).resolve().parent.parent


def _isolated_env(tmp_path) -> dict:
    """A subprocess with its own SQLite database in tmp_path, whatever database the suite runs on."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return {**env, "KEFU_VAR_DIR": str(tmp_path)}


@pytest.mark.django_db
def test_demo_builds_a_department_and_is_idempotent(capsys):
    call_command("demo")
    output = capsys.readouterr().out
    assert "admin" in output and "kefu-demo-2026" in output
    counts = (User.objects.count(), Customer.objects.count(), Ticket.objects.count())
    assert counts[0] >= 8 and counts[1] == 50 and counts[2] >= 200
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Ticket.objects.values_list("channel", flat=True)) == set(Channel.values)
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {"admin", "supervisor", "agent", "qa", "handler"}
    # Not a sea of red: a desk that keeps up has a few overdue orders, and complaints are spread over
    # the agents who took the calls.
    active = Ticket.objects.filter(status__in=ACTIVE_STATUSES)
    assert active.filter(due_at__lt=timezone.now()).count() <= active.count() * 0.15
    responders = Complaint.objects.values_list("ticket__first_responder", flat=True).distinct()
    assert len(responders) >= 3
    call_command("demo")
    assert (User.objects.count(), Customer.objects.count(), Ticket.objects.count()) == counts


def test_kefu_console_script_lists_kefu_commands(tmp_path):
    env = _isolated_env(tmp_path)
    out = subprocess.run([sys.executable, "-m", "kefu.cli", "help"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    for name in ("demo", "serve", "worker", "token", "migrate"):
        assert name in out.stdout


def test_token_create_for_unknown_user_fails_cleanly(tmp_path):
    env = _isolated_env(tmp_path)
    subprocess.run([sys.executable, "-m", "kefu.cli", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
    out = subprocess.run([sys.executable, "-m", "kefu.cli", "token", "create", "nobody"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert out.stdout == ""
    assert "nobody" in out.stderr


def test_serve_turns_the_connection_pool_on_before_the_settings_are_read(monkeypatch):
    """With --workers 1 uvicorn serves from the process that read the settings: the pool must already be on,
    or every request (a thread of its own under ASGI) opens a PostgreSQL connection of its own (issue 9)."""
    from kefu import cli

    seen = {}
    monkeypatch.delenv("KEFU_DB_POOL", raising=False)
    monkeypatch.setattr("django.core.management.execute_from_command_line",
                        lambda argv: seen.setdefault("pool", os.environ.get("KEFU_DB_POOL")))
    cli.main(["serve", "--workers", "1"])
    assert seen["pool"] == "true"
    monkeypatch.delenv("KEFU_DB_POOL", raising=False)
    seen.clear()
    cli.main(["check"])
    assert seen["pool"] is None
