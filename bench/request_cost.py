"""What one API request costs in the server process: queries, CPU and wall time (issue 9).

Run (against your own migrated database; it adds a bench agent and customer):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_load .venv/bin/python bench/request_cost.py \
        [--repeat 200] [--asgi] [--profile create|me] [--queries]

Sends GET /api/v1/me and POST /api/v1/tickets through Django's own handler (no network, the same
middleware as `kefu serve`; --asgi goes through kefu.asgi's application as uvicorn calls it: the
request runs on one of the process's request threads with a pooled connection) and prints, per kind, the queries of one request and the p50 CPU and
wall time over --repeat requests; without --asgi and the pool, on a PostgreSQL on this machine, also the
database server's own CPU per request (its process's /proc counters). CPU time is the figure to compare
on a shared machine: wall time counts waiting for a core. --profile prints a
cProfile of that kind (top functions by cumulative time); --queries prints the SQL of one request.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # set-up runs outside the ASGI handler's loop
    import django

    django.setup()


def prepare() -> tuple[str, int]:
    from kefu.accounts.models import Department, Role, Team, User
    from kefu.accounts.services import token_create
    from kefu.customers.models import Customer
    from kefu.customers.services import customer_create

    dept, _ = Department.objects.get_or_create(name="压测客服部")
    team, _ = Team.objects.get_or_create(name="压测一组", department=dept)
    agent, _ = User.objects.get_or_create(username="bench_cost_agent", defaults={
        "role": Role.AGENT, "department": dept, "team": team, "display_name": "压测成本"})
    customer = (Customer.objects.filter(name="压测成本客户").first()
                or customer_create(by=agent, name="压测成本客户", phones=["13900009999"]))
    return token_create(user=agent, name="bench"), customer.pk


async def asgi_call(application, method: str, path: str, headers: dict[str, str], body: bytes) -> int:
    """One request through the ASGI application exactly as uvicorn calls it (the hop to a request thread,
    the pooled connection and the response written back through the loop are paid as in production)."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method.upper(),
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    status = []

    async def receive() -> dict:
        if messages:
            return messages.pop()
        await asyncio.sleep(3600)  # the client never disconnects
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await application(scope, receive, send)
    return status[0]


class Sender:
    """One request at a time through the WSGI test client or the ASGI application."""

    def __init__(self, token: str, asgi: bool) -> None:
        from django.test import Client

        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        self.asgi = asgi
        self.client = Client()
        self.token = token
        self.loop = asyncio.new_event_loop() if asgi else None
        if asgi:
            from kefu.asgi import application

            self.application = application

    def send(self, kind: str, n: int, customer: int) -> int:
        if kind == "me":
            call = ("get", "/api/v1/me", {})
        else:
            body = json.dumps({"customer_id": customer, "subject": f"成本测量-{time.time_ns()}-{n}",
                               "body": "客户来电询问安装进度", "channel": "phone"})
            call = ("post", "/api/v1/tickets", {"data": body, "content_type": "application/json"})
        method, path, extra = call
        if self.asgi:
            headers = {"Authorization": f"Bearer {self.token}", "Host": "127.0.0.1"}
            if "content_type" in extra:
                headers.update({"Content-Type": extra["content_type"], "Content-Length": str(len(extra["data"].encode()))})
            return self.loop.run_until_complete(asgi_call(self.application, method, path, headers,
                                                          extra.get("data", "").encode()))
        else:
            response = getattr(self.client, method)(path, **extra, **self.headers)
        return response.status_code


def measure(sender: Sender, kind: str, customer: int, repeat: int) -> list[str]:
    from django.db import connection

    for n in range(5):  # warm caches (calendars, policies, URL resolver)
        sender.send(kind, n, customer)
    queries = []

    def log(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(log):
        status = sender.send(kind, -1, customer)
    backend = _backend_pid(connection) if not sender.asgi else None
    db_before = _cpu_ticks(backend)
    cpu, wall = [], []
    for n in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        sender.send(kind, n, customer)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    db_after = _cpu_ticks(backend)
    db = (f"   PostgreSQL CPU mean {(db_after - db_before) / os.sysconf('SC_CLK_TCK') / repeat * 1000:5.2f} ms"
          if db_before is not None and db_after is not None else "")
    # Under --asgi each request runs on one of the application's request threads (with a pooled
    # connection), not this one: queries are counted in the WSGI mode only.
    counted = f"{len(queries):>2} queries" if not sender.asgi else " - queries"
    print(f"{kind:<7} status {status}  {counted}   CPU p50 {statistics.median(cpu) * 1000:6.2f} ms   wall p50 "
          f"{statistics.median(wall) * 1000:6.2f} ms{db}  (n={repeat}, load {os.getloadavg()[0]:.1f})")
    return queries


def _backend_pid(connection) -> int | None:
    """The PostgreSQL server process of this connection, when it runs on this machine (loopback)."""
    if connection.vendor != "postgresql" or os.environ.get("KEFU_DB_POOL", "").lower() in ("1", "true", "yes"):
        return None  # a pooled connection may change between requests
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), inet_server_addr() IS NULL OR host(inet_server_addr()) "
                       "IN ('127.0.0.1', '::1')")
        pid, local = cursor.fetchone()
    return pid if local and Path(f"/proc/{pid}/stat").exists() else None


def _cpu_ticks(pid: int | None) -> int | None:
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])  # utime + stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--asgi", action="store_true", help="through the ASGI handler (as under uvicorn)")
    parser.add_argument("--profile", choices=["me", "create"], default="")
    parser.add_argument("--queries", action="store_true")
    parser.add_argument("--kinds", default="me,create", help="which requests to measure (me, create)")
    args = parser.parse_args()
    if not 1 <= args.repeat <= 5000:
        raise SystemExit("bounded: 1-5000 requests")
    setup_django()
    from django.conf import settings
    from django.db import connection

    # Every request still counts against the API rate limit (its cost is part of the figure), but one
    # client sending thousands a minute must not be answered 429.
    settings.KEFU_API_RATE_LIMIT = 10**9
    token, customer = prepare()
    sender = Sender(token, args.asgi)
    print(f"database {connection.vendor} {connection.settings_dict['NAME']}; "
          f"{'ASGI handler' if args.asgi else 'WSGI test client'}")
    for kind in [k.strip() for k in args.kinds.split(",") if k.strip() in ("me", "create")]:
        queries = measure(sender, kind, customer, args.repeat)
        if args.queries:
            for sql in queries:
                print("    ", sql[:240])
    if args.profile:
        profiler = cProfile.Profile(time.process_time)  # CPU, not waiting for the database or a core
        profiler.enable()
        for n in range(args.repeat):
            sender.send(args.profile, n, customer)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(70)
    return 0


if __name__ == "__main__":
    sys.exit(main())
