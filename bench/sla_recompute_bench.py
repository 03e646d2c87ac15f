"""Time to recompute the SLA clocks of N open work orders (issue 3: 100,000), in one process.

Run: .venv/bin/python bench/sla_recompute_bench.py [--orders 100000]
Builds a throw-away SQLite database in a temporary directory (KEFU_VAR_DIR), migrates it, bulk-inserts
open orders of every type and priority spread over 2026 (a third waiting on the customer, with the
status audit rows that pause their resolution clocks), then times clocks_recompute_open():
  1. first run: every clock is created (three per order);
  2. second run: nothing changed, nothing written (the cost of a periodic or no-op recompute);
  3. after a calendar change (a new holiday in the middle of the data): the task a calendar edit queues.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
SH = ZoneInfo("Asia/Shanghai")


def setup_django(var_dir: str) -> None:
    os.environ["KEFU_VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def build_orders(count: int, rng: random.Random) -> None:
    from kefu.accounts.models import Department, Role, Team, User
    from kefu.customers.models import Customer
    from kefu.tickets.models import Priority, Ticket, TicketEvent, TicketType

    department = Department.objects.get(code="service")
    team = Team.objects.create(department=department, name="压测组")
    agent = User.objects.create(username="bench", role=Role.AGENT, department=department, team=team)
    customer = Customer.objects.create(name="压测客户")
    origin = datetime(2026, 1, 5, 9, tzinfo=SH)
    tickets, waiting = [], []
    for i in range(count):
        created = origin + timedelta(minutes=rng.randrange(340 * 24 * 60))
        status = ("new", "open", "waiting")[i % 3]
        replied = created + timedelta(minutes=rng.randrange(30, 600)) if status != "new" else None
        tickets.append(Ticket(
            number=f"B{i:07d}", subject="压测", type=rng.choice(TicketType.values), priority=rng.choice(
                Priority.values), status=status, customer=customer, first_responder=agent, assignee=agent,
            team=team, department=department, created_at=created, first_response_at=replied,
            last_reply_at=replied, last_customer_message_at=created))
        if status == "waiting":
            waiting.append((i, replied + timedelta(hours=1)))
    Ticket.objects.bulk_create(tickets, batch_size=2000)
    ids = dict(Ticket.objects.values_list("number", "pk"))
    TicketEvent.objects.bulk_create([
        TicketEvent(ticket_id=ids[f"B{i:07d}"], code="ticket.status_changed", params={"old": "open", "new": "waiting"},
                    created_at=at) for i, at in waiting], batch_size=2000)


def timed(label: str, run) -> float:
    began = time.perf_counter()
    result = run()
    elapsed = time.perf_counter() - began
    print(f"{label:<58} {elapsed:8.2f} s  ({result:,} orders, {result / elapsed:,.0f} orders/s)")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kefu-sla-bench-") as var_dir:
        setup_django(var_dir)
        from django.utils import timezone

        from kefu.sla.calendar_services import _changed
        from kefu.sla.models import Calendar, CalendarException, SlaClock
        from kefu.sla.services import clocks_recompute_open

        began = time.perf_counter()
        build_orders(args.orders, random.Random(args.seed))
        print(f"built {args.orders:,} open orders in {time.perf_counter() - began:.1f} s (SQLite, {var_dir})")
        now = timezone.now()
        timed("1. first recompute (creates every clock)", lambda: clocks_recompute_open(now=now))
        print(f"   clocks: {SlaClock.objects.count():,}")
        timed("2. recompute, nothing changed", lambda: clocks_recompute_open(now=now))
        calendar = Calendar.objects.get(is_default=True)
        CalendarException.objects.create(calendar=calendar, day="2026-06-10", kind="holiday", name="压测假日")
        Calendar.objects.filter(pk=calendar.pk).update(version=calendar.version + 1)
        assert _changed  # the service used by the pages bumps the version the same way
        timed("3. recompute after a calendar change (new holiday)",
              lambda: clocks_recompute_open(now=now, calendar_id=calendar.pk))


if __name__ == "__main__":
    main()
