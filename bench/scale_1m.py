"""Server time of the pages and jobs that read many orders, on a database filled by bench/generate.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_rel .venv/bin/python bench/scale_1m.py [--repeat 20]

In-process (Django's test client, no network): each figure is the time from request to response inside
the server, over --repeat requests (different pages, filters and users), reported as p50 / p95 / max.
Reads change nothing; the alert and recompute parts write what they normally would (alerts are deduped,
recomputes reproduce the same figures) and restore the one calendar exception they add.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from httpclient import percentile  # noqa: E402

CPU: list[float] = []  # this process's CPU time of the last timed() run, per request


def timed(fn, repeat: int) -> list[float]:
    values = []
    CPU.clear()
    for i in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        fn(i)
        values.append(time.perf_counter() - started)
        CPU.append(time.process_time() - cpu)
    return values


def line(name: str, values: list[float], note: str = "") -> None:
    """Wall time p50/p95/max, and the server process's own CPU time (p50, p95): on a shared machine the wall
    time also counts waiting for a core, the CPU time does not (nor the database's work)."""
    cpu = f"cpu p50 {percentile(CPU, .5)*1000:6.1f} ms p95 {percentile(CPU, .95)*1000:6.1f} ms" if CPU else ""
    print(f"{name:<44} p50 {percentile(values, .5)*1000:8.1f} ms  p95 {percentile(values, .95)*1000:8.1f} ms  "
          f"max {max(values)*1000:8.1f} ms  {cpu} (n={len(values)}, load {os.getloadavg()[0]:.1f}) {note}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", default="", help="comma-separated parts: pages,api,search,reports,alerts,recompute")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from kefu.accounts.models import Role, User
    from kefu.tickets.models import Ticket

    settings.ALLOWED_HOSTS = ["*"]
    from kefu.core.warmup import warm

    started = time.process_time()
    print(f"warm-up (what kefu/asgi.py does before a server process takes requests): {warm()} templates, "
          f"{(time.process_time() - started) * 1000:.0f} ms CPU")
    parts = set(filter(None, args.only.split(","))) or {"pages", "api", "search", "reports", "alerts", "recompute"}
    rng = random.Random(5)
    supervisor = User.objects.filter(username__startswith="big_sup_").order_by("pk").first()
    agent = User.objects.filter(username__startswith="big_agent_").order_by("pk").first()
    if supervisor is None:
        raise SystemExit("no generated department here: run bench/generate.py first")
    total = Ticket.objects.count()
    print(f"database: {total} orders ({os.environ.get('DATABASE_URL', 'SQLite')}); {args.repeat} requests each; "
          f"load average {os.getloadavg()}")
    numbers = list(Ticket.objects.filter(department=supervisor.department).order_by("?")
                   .values_list("number", flat=True)[: args.repeat]) if total < 200_000 else [
        Ticket.objects.filter(pk=pk).values_list("number", flat=True).first()
        for pk in rng.sample(range(1, total), args.repeat * 2)][: args.repeat]
    numbers = [n for n in numbers if n]
    clients = {}
    for user in (supervisor, agent):
        client = Client()
        client.force_login(user)
        clients[user.role] = ready(client)

    def get(client, url, **params):
        response = client.get(url, params)
        assert response.status_code == 200, (url, params, response.status_code)
        return response

    if "pages" in parts:
        sup, ag = clients[Role.SUPERVISOR], clients[Role.AGENT]
        line("inbox, supervisor, all active, page 1-3", timed(lambda i: get(sup, "/tickets/", view="all", page=i % 3 + 1), args.repeat))
        line("inbox, agent, mine", timed(lambda i: get(ag, "/tickets/", view="mine"), args.repeat))
        line("inbox, supervisor, status=closed sorted by created",
             timed(lambda i: get(sup, "/tickets/", view="all", status="closed", sort="-created"), args.repeat))
        line("order page", timed(lambda i: get(sup, f"/tickets/{numbers[i % len(numbers)]}/"), args.repeat))
    if "api" in parts:
        from kefu.accounts.services import token_create

        token = token_create(user=supervisor, name="scale-bench")
        api = ready(Client(HTTP_AUTHORIZATION=f"Bearer {token}"))
        line("list API page 1 (all statuses)", timed(lambda i: get(api, "/api/v1/tickets", page_size=50), args.repeat))
        line("list API ?page=2000 (OFFSET, for comparison)",
             timed(lambda i: get(api, "/api/v1/tickets", page=2000, page_size=50), max(3, args.repeat // 4)))
        # deep cursors: walk there once by cursor, then time requests that start from cursors far down
        shallow = get(api, "/api/v1/tickets", page=2, page_size=200).json()["next_cursor"]  # 400 rows in
        deep = get(api, "/api/v1/tickets", page=500, page_size=200).json()["next_cursor"]  # 100,000 rows in
        cursors = [c for c in (shallow, deep) if c] or [""]  # a small database has no page 500
        line("list API by cursor, any depth (~100k rows in)",
             timed(lambda i: get(api, "/api/v1/tickets", page_size=50, cursor=cursors[i % len(cursors)]), args.repeat))
        closed = get(api, "/api/v1/tickets", status="closed", sort="-created", page=300, page_size=200
                     ).json()["next_cursor"]  # 60,000 rows in
        line("list API, closed, newest first, by cursor (60k in)",
             timed(lambda i: get(api, "/api/v1/tickets", status="closed", sort="-created", page_size=50,
                                 cursor=closed or ""), args.repeat))
        by_rank = get(api, "/api/v1/tickets", sort="priority", page=2, page_size=200).json()["next_cursor"]
        line("list API sort=priority (urgent first), by cursor", timed(
            lambda i: get(api, "/api/v1/tickets", sort="priority", page_size=50, cursor=by_rank or ""), args.repeat))
        body = get(api, "/api/v1/tickets", page_size=1).json()
        print(f"  count on page 1: {body['count']} (exact: {body['count_exact']})")
    if "search" in parts:
        from kefu.customers.models import Customer

        sup = clients[Role.SUPERVISOR]
        phones = [p[0] for p in Customer.objects.filter(pk__in=[rng.randrange(1, 250_000) for _ in range(args.repeat)])
                  .values_list("phones", flat=True) if p]
        line("search by phone (inbox, all statuses)",
             timed(lambda i: get(sup, "/tickets/", view="all", status="", q=phones[i % len(phones)]), args.repeat))
        line("search by order number (inbox, all statuses)",
             timed(lambda i: get(sup, "/tickets/", view="all", status="", q=numbers[i % len(numbers)]), args.repeat))
        from kefu.accounts.services import token_create

        search_api = ready(Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=supervisor, name='scale-search')}"))
        line("search by phone (API)", timed(lambda i: get(search_api, "/api/v1/tickets", q=phones[i % len(phones)],
                                                          page_size=50), args.repeat))
        line("search by order number (API)", timed(lambda i: get(search_api, "/api/v1/tickets",
                                                                 q=numbers[i % len(numbers)], page_size=50), args.repeat))
    if "reports" in parts:
        sup = clients[Role.SUPERVISOR]
        line("部门概览 overview", timed(lambda i: get(sup, "/tickets/overview/"), max(3, args.repeat // 4)))
        line("投诉分析 complaint analysis", timed(lambda i: get(sup, "/complaints/analysis/"), max(3, args.repeat // 4)))
        from django.utils import timezone

        from kefu.reports.filters import Period, build_filter
        from kefu.reports.people import complaint_steps

        today = timezone.localdate()  # the reports' own figure (bench/reports_bench.py): the last 30 days
        report = build_filter(supervisor, Period(today - timedelta(days=29), today))
        line("reports: complaint_steps table (30 days)", timed(lambda i: complaint_steps(supervisor, report, _now()),
                                                               max(3, args.repeat // 4)))
    if "alerts" in parts:
        from kefu.sla.alerts import due_for_alert, sla_send_alerts

        line("alert task: find clocks owing an alert", timed(lambda i: due_for_alert(_now()), max(3, args.repeat // 4)),
             f"({len(due_for_alert(_now()))} owed now)")
        line("alert task: sla_send_alerts()", timed(lambda i: sla_send_alerts(), 3))
    if "recompute" in parts:
        from kefu.sla import services
        from kefu.sla.models import Calendar

        calendar = Calendar.objects.get(is_default=True)
        day = (_now() + timedelta(days=10)).date()
        touched = []
        original = services.recompute_tickets

        def spy(tickets, ctx):
            touched.extend(t.pk for t in tickets)
            return original(tickets, ctx)

        services.recompute_tickets = spy
        started = time.perf_counter()
        services.clocks_recompute_open(calendar_id=calendar.pk, days=(day, day))
        took = time.perf_counter() - started
        services.recompute_tickets = original
        print(f"recompute after editing one day ({day}): {len(touched)} orders in {took:.1f} s")
    return 0


def ready(client):
    """The test client loads the middleware on its first request; the server's handler does it when the
    process starts (get_asgi_application), so the bench does it before timing too."""
    client.handler.load_middleware()
    return client


def _now():
    from django.utils import timezone

    return timezone.now()


if __name__ == "__main__":
    sys.exit(main())
